/**
 * 行動自然人憑證 (TW FidO) pages, all plain HTML without script:
 * 1. the national ID and how to confirm (QR code or push to the phone);
 * 2. the wait page, which reloads itself (<meta http-equiv="refresh">) while the server polls
 *    the service, and shows the QR code as an inline SVG image (img-src data:);
 * 3. the first time only, the account's username and password to bind it.
 * Every page has a way back to the other login methods.
 */
import { csrfField, errorAlert, safeHref, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

interface Common {
  locale: Locale;
  csrf: string;
  /** a message key or error code */
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
  /** the login page with the other methods */
  backHref: string;
}

const help = (locale: Locale) => html`<p class="help">${t(locale, 'fido.help')}</p>`;

function back(p: Common): SafeHtml | null {
  const href = safeHref(p.backHref);
  return href
    ? html`<p class="card__foot"><a class="link" href="${href}">${t(p.locale, 'fido.back')}</a></p>`
    : null;
}

export interface FidoStartProps extends Common {
  action: string;
  nationalId?: string | undefined;
  mode?: 'qr' | 'push' | undefined;
}

export function fidoStartPage(p: FidoStartProps): string {
  const { locale } = p;
  const invalid = Boolean(p.error);
  const mode = p.mode ?? 'qr';
  const body = html`<h1 class="card__title">${t(locale, 'fido.title')}</h1>
<p class="card__subtitle">${t(locale, 'fido.intro')}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="field">
    <label class="field__label" for="national_id">${t(locale, 'fido.national_id')}</label>
    <p class="field__hint" id="national-id-hint">${t(locale, 'fido.national_id_hint')}</p>
    <input class="input" id="national_id" name="national_id" type="text" value="${p.nationalId ?? ''}" autocomplete="off" autocapitalize="characters" autocorrect="off" spellcheck="false" maxlength="20" required autofocus aria-describedby="${invalid ? 'national-id-hint form-error' : 'national-id-hint'}"${invalid && html` aria-invalid="true"`}>
  </div>
  <fieldset class="field">
    <legend class="field__label">${t(locale, 'fido.mode')}</legend>
    <label class="choice"><input type="radio" name="mode" value="qr"${mode === 'qr' && html` checked`}> ${t(locale, 'fido.mode_qr')}</label>
    <label class="choice"><input type="radio" name="mode" value="push"${mode === 'push' && html` checked`}> ${t(locale, 'fido.mode_push')}</label>
  </fieldset>
  <button class="button button--primary button--block" type="submit">${t(locale, 'fido.submit')}</button>
</form>
${help(locale)}
${back(p)}`;
  return layout({ locale, title: t(locale, 'fido.title'), body, langHrefs: p.langHrefs });
}

export interface FidoWaitProps extends Omit<Common, 'csrf'> {
  mode: 'qr' | 'push';
  /** data:image/svg+xml;base64,… of the sp_ticket (QR mode) */
  qrDataUri?: string | undefined;
  /** also in the hint the phone shows */
  code: string;
  maskedId: string;
  refreshSeconds: number;
  remainingSeconds: number;
  checkHref: string;
}

export function fidoWaitPage(p: FidoWaitProps): string {
  const { locale } = p;
  const check = safeHref(p.checkHref);
  const qr =
    p.mode === 'qr' && p.qrDataUri?.startsWith('data:image/svg+xml;base64,')
      ? html`<p class="fido-qr"><img class="fido-qr__image" src="${p.qrDataUri}" width="240" height="240" alt="${t(locale, 'fido.qr_alt')}"></p>`
      : null;
  const body = html`<h1 class="card__title">${t(locale, 'fido.wait_title')}</h1>
<p class="card__subtitle" id="fido-instructions">${t(locale, p.mode === 'qr' ? 'fido.wait_qr' : 'fido.wait_push')}</p>
${qr}
<dl class="details">
  <div class="details__row"><dt>${t(locale, 'fido.national_id')}</dt><dd>${p.maskedId}</dd></div>
  <div class="details__row"><dt>${t(locale, 'fido.code')}</dt><dd><strong id="fido-code">${p.code}</strong></dd></div>
</dl>
<p class="help" role="status">${tHtml(locale, 'fido.wait_refresh', { seconds: String(p.refreshSeconds), remaining: String(p.remainingSeconds) })}</p>
${check && html`<p><a class="button button--secondary button--block" href="${check}">${t(locale, 'fido.wait_check')}</a></p>`}
${help(locale)}
${back({ ...p, csrf: '' })}`;
  return layout({
    locale,
    title: t(locale, 'fido.wait_title'),
    body,
    langHrefs: p.langHrefs,
    refreshSeconds: p.refreshSeconds,
  });
}

export interface FidoBindProps extends Common {
  action: string;
  username?: string | undefined;
  maskedId: string;
}

export function fidoBindPage(p: FidoBindProps): string {
  const { locale } = p;
  const invalid = Boolean(p.error);
  const focusPassword = Boolean(p.username);
  const body = html`<h1 class="card__title">${t(locale, 'fido.bind_title')}</h1>
<p class="card__subtitle">${t(locale, 'fido.bind_intro')}</p>
<p class="account-line">${t(locale, 'fido.bind_for', { masked: p.maskedId })}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="field">
    <label class="field__label" for="username">${t(locale, 'login.username')}</label>
    <p class="field__hint" id="username-hint">${t(locale, 'login.username_hint')}</p>
    <input class="input" id="username" name="username" type="text" value="${p.username ?? ''}" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required${!focusPassword && html` autofocus`} aria-describedby="${invalid ? 'username-hint form-error' : 'username-hint'}"${invalid && html` aria-invalid="true"`}>
  </div>
  <div class="field">
    <label class="field__label" for="password">${t(locale, 'login.password')}</label>
    <input class="input" id="password" name="password" type="password" autocomplete="current-password" required${focusPassword && html` autofocus`}${invalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'fido.bind_submit')}</button>
</form>
${back(p)}`;
  return layout({ locale, title: t(locale, 'fido.bind_title'), body, langHrefs: p.langHrefs });
}
