/**
 * The page of a one-time account link: set the password of a newly approved account
 * (activate) or a new one after an admin's reset link (reset). The rules shown are the
 * password policy's (services/passwords.ts).
 */
import { csrfField, errorAlert, tHtml } from '../fragments.js';
import { html } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export type AccountLinkPurpose = 'activate' | 'reset';

export interface SetPasswordPageProps {
  locale: Locale;
  purpose: AccountLinkPurpose;
  action: string;
  csrf: string;
  username: string;
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export function setPasswordPage(p: SetPasswordPageProps): string {
  const { locale } = p;
  const title = t(
    locale,
    p.purpose === 'activate' ? 'set_password.activate_title' : 'set_password.reset_title',
  );
  const confirmInvalid = p.error === 'password.mismatch';
  const newInvalid = Boolean(p.error) && !confirmInvalid;
  const body = html`<h1 class="card__title">${title}</h1>
<p class="card__subtitle">${t(locale, p.purpose === 'activate' ? 'set_password.activate_intro' : 'set_password.reset_intro')}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <p class="account-line">${tHtml(locale, 'change_password.account', { username: html`<strong>${p.username}</strong>` })}</p>
  <input type="text" name="username" value="${p.username}" autocomplete="username" readonly hidden>
  <div class="field">
    <label class="field__label" for="new_password">${t(locale, 'change_password.new')}</label>
    <p class="field__hint" id="password-rules">${t(locale, 'change_password.rules')}</p>
    <input class="input" id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required autofocus aria-describedby="${newInvalid ? 'password-rules form-error' : 'password-rules'}"${newInvalid && html` aria-invalid="true"`}>
  </div>
  <div class="field">
    <label class="field__label" for="confirm_password">${t(locale, 'change_password.confirm')}</label>
    <input class="input" id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" minlength="8" required${confirmInvalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'set_password.submit')}</button>
</form>`;
  return layout({ locale, title, body, langHrefs: p.langHrefs });
}
