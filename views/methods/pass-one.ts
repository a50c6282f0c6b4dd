/**
 * passOne 一次登入: the student's form (username + pass code) as a plain POST form, and the
 * page the passOne URL ends on once the new password is set. The login page never links
 * here: pass codes are typed only at the passOne URL.
 */
import { csrfField, errorAlert, safeHref, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export interface PassOneFormProps {
  locale: Locale;
  action: string;
  csrf: string;
  username?: string | undefined;
  /** a message key or error code */
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
  abortHref?: string | undefined;
}

export function passOneForm(p: PassOneFormProps): SafeHtml {
  const { locale } = p;
  const invalid = Boolean(p.error);
  // once the username is known (re-render after an error), the code is what needs typing
  const focusCode = Boolean(p.username);
  return html`<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="field">
    <label class="field__label" for="username">${t(locale, 'pass_one.username')}</label>
    <input class="input" id="username" name="username" type="text" value="${p.username ?? ''}" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required${!focusCode && html` autofocus`}${invalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <div class="field">
    <label class="field__label" for="code">${t(locale, 'pass_one.code')}</label>
    <p class="field__hint" id="code-hint">${t(locale, 'pass_one.code_hint')}</p>
    <input class="input input--code" id="code" name="code" type="text" autocomplete="one-time-code" autocapitalize="characters" autocorrect="off" spellcheck="false" maxlength="40" required${focusCode && html` autofocus`} aria-describedby="${invalid ? 'code-hint form-error' : 'code-hint'}"${invalid && html` aria-invalid="true"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'pass_one.submit')}</button>
</form>`;
}

export function passOnePage(p: PassOneFormProps): string {
  const { locale } = p;
  const abortHref = safeHref(p.abortHref);
  const body = html`<h1 class="card__title">${t(locale, 'pass_one.title')}</h1>
<p class="card__subtitle">${t(locale, 'pass_one.intro')}</p>
${errorAlert(locale, p.error)}
${passOneForm(p)}
<p class="help">${t(locale, 'pass_one.after')}</p>
${abortHref && html`<p class="card__foot"><a class="link" href="${abortHref}">${t(locale, 'login.cancel')}</a></p>`}`;
  return layout({ locale, title: t(locale, 'pass_one.title'), body, langHrefs: p.langHrefs });
}

/** Where the passOne URL ends: the password is set; back to the application. */
export function passOneDonePage(p: {
  locale: Locale;
  username?: string | undefined;
  /** the sign-in did not complete here: start again */
  failed?: boolean;
  langHrefs?: LayoutProps['langHrefs'];
}): string {
  const { locale } = p;
  const body = p.failed
    ? html`<h1 class="card__title">${t(locale, 'pass_one.title')}</h1>
<p class="card__subtitle">${t(locale, 'pass_one.start_over')}</p>
<p><a class="button button--primary button--block" href="/passone">${t(locale, 'pass_one.start_over_link')}</a></p>`
    : html`<h1 class="card__title">${t(locale, 'pass_one.done_title')}</h1>
${p.username && html`<p class="account-line">${tHtml(locale, 'pass_one.done_account', { username: html`<strong>${p.username}</strong>` })}</p>`}
<p class="card__subtitle" id="pass-one-done">${t(locale, 'pass_one.done_body')}</p>`;
  return layout({
    locale,
    title: t(locale, p.failed ? 'pass_one.title' : 'pass_one.done_title'),
    body,
    langHrefs: p.langHrefs,
  });
}
