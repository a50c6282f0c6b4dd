/**
 * 通行金鑰 (/account/passkeys): the signed-in account's passkeys (name, kind, added, last
 * used) with rename and delete forms, and the form that adds one. Adding runs the WebAuthn
 * ceremony in /static/passkey.js; without JavaScript that form stays hidden and the page says
 * why, while rename and delete remain plain forms.
 */
import { csrfField, errorAlert, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { isMessageKey, type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { passkeyScriptMessages, passkeyScripts } from '../methods/passkey.js';
import { withPortalNav } from '../portal/layout.js';

export interface AccountPasskeyRow {
  id: string;
  name: string;
  synced: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface AccountPasskeysPageProps {
  locale: Locale;
  csrf: string;
  username: string;
  passkeys: AccountPasskeyRow[];
  /** POST target of a new passkey; rename and delete post to <base>/<id>/rename|delete */
  base: string;
  optionsUrl: string;
  /** a message key shown as a success notice (after a redirect) */
  notice?: string | undefined;
  error?: string | undefined;
  /** the name typed into the add form, kept after an error */
  name?: string | undefined;
  /** the rename form that failed, with what was typed */
  renaming?: { id: string; name: string } | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

function when(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Taipei',
  }).format(date);
}

function item(p: AccountPasskeysPageProps, k: AccountPasskeyRow): SafeHtml {
  const { locale } = p;
  const renaming = p.renaming?.id === k.id ? p.renaming : undefined;
  const inputId = `rename-${k.id}`;
  return html`<li class="passkey-item">
  <strong class="passkey-name">${k.name}</strong>
  <dl class="passkey-meta">
    <div><dt>${t(locale, 'account_passkeys.kind')}</dt><dd>${t(locale, k.synced ? 'account_passkeys.synced' : 'account_passkeys.device_bound')}</dd></div>
    <div><dt>${t(locale, 'account_passkeys.created')}</dt><dd>${when(locale, k.createdAt)}</dd></div>
    <div><dt>${t(locale, 'account_passkeys.last_used')}</dt><dd>${k.lastUsedAt ? when(locale, k.lastUsedAt) : t(locale, 'account_passkeys.never_used')}</dd></div>
  </dl>
  <div class="passkey-actions">
    <form class="passkey-rename" method="post" action="${p.base}/${k.id}/rename">
      ${csrfField(p.csrf)}
      <label class="visually-hidden" for="${inputId}">${t(locale, 'account_passkeys.new_name')}: ${k.name}</label>
      <input class="input" id="${inputId}" name="name" type="text" maxlength="64" required value="${renaming?.name ?? k.name}"${renaming && html` aria-invalid="true" aria-describedby="form-error"`}>
      <button class="button button--secondary" type="submit">${t(locale, 'account_passkeys.rename')}</button>
    </form>
    <form method="post" action="${p.base}/${k.id}/delete">
      ${csrfField(p.csrf)}
      <button class="button button--danger" type="submit" aria-label="${t(locale, 'account_passkeys.delete')}: ${k.name}">${t(locale, 'account_passkeys.delete')}</button>
    </form>
  </div>
</li>`;
}

function notice(locale: Locale, key: string | undefined): SafeHtml | null {
  if (!key || !isMessageKey(key)) return null;
  return html`<div class="alert alert--success" role="status"><p class="alert__text">${t(locale, key)}</p></div>`;
}

export function accountPasskeysPage(p: AccountPasskeysPageProps): string {
  const { locale } = p;
  const addInvalid = Boolean(p.error) && !p.renaming;
  const list =
    p.passkeys.length === 0
      ? html`<p class="help passkey-empty">${t(locale, 'account_passkeys.empty')}</p>`
      : html`<ul class="passkey-list" aria-label="${t(locale, 'account_passkeys.list_caption')}">${p.passkeys.map((k) => item(p, k))}</ul>`;

  const body = html`<h1 class="card__title">${t(locale, 'account_passkeys.title')}</h1>
<p class="card__subtitle">${tHtml(locale, 'account_passkeys.signed_in_as', { account: html`<strong>${p.username}</strong>` })}</p>
${notice(locale, p.notice)}
${errorAlert(locale, p.error)}
<p class="help">${t(locale, 'account_passkeys.intro')}</p>
${list}
<h2 class="section-title">${t(locale, 'account_passkeys.add_heading')}</h2>
<form class="form passkey" method="post" action="${p.base}" data-passkey="register" data-options="${p.optionsUrl}" ${passkeyScriptMessages(locale)} data-msg-exists="${t(locale, 'passkey.exists')}">
  ${csrfField(p.csrf)}
  <input type="hidden" name="response" value="">
  <div class="field" hidden>
    <label class="field__label" for="passkey-name">${t(locale, 'account_passkeys.name')}</label>
    <p class="field__hint" id="passkey-name-hint">${t(locale, 'account_passkeys.name_hint')}</p>
    <input class="input" id="passkey-name" name="name" type="text" maxlength="64" required value="${p.name ?? t(locale, 'account_passkeys.default_name')}" aria-describedby="${addInvalid ? 'passkey-name-hint form-error' : 'passkey-name-hint'}"${addInvalid && html` aria-invalid="true"`}>
  </div>
  <p class="passkey__status" role="status" aria-live="polite"></p>
  <button class="button button--primary button--block" type="submit" hidden>${t(locale, 'account_passkeys.add')}</button>
</form>
<noscript><p class="help passkey__needs-js">${t(locale, 'account_passkeys.needs_js')}</p></noscript>
${passkeyScripts()}`;
  // the portal's navigation above the page (views/portal/layout.ts)
  return layout({
    locale,
    title: t(locale, 'account_passkeys.title'),
    body: withPortalNav({ locale, username: p.username, csrf: p.csrf }, body),
    langHrefs: p.langHrefs,
  });
}
