/**
 * The forced password change after sign-in (e.g. a school-issued initial password). The rules
 * shown match services/passwords.ts (ASVS 5.0 §6.2): length and a blocklist, no composition rules.
 */
import { csrfField, errorAlert, tHtml } from './fragments.js';
import { html } from './html.js';
import { type Locale, t } from './i18n.js';
import { type LayoutProps, layout } from './layout.js';

export interface ChangePasswordPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  /** A message key or error code; unknown codes fall back to input.invalid. */
  error?: string;
  username?: string;
  langHrefs?: LayoutProps['langHrefs'];
}

export function changePasswordPage(p: ChangePasswordPageProps): string {
  const { locale } = p;
  // A mismatch is the confirmation field's fault; every other rule is about the new password.
  const confirmInvalid = p.error === 'password.mismatch';
  const newInvalid = Boolean(p.error) && !confirmInvalid;
  const newDescribedBy = newInvalid ? 'password-rules form-error' : 'password-rules';

  const body = html`<h1 class="card__title">${t(locale, 'change_password.title')}</h1>
<p class="card__subtitle">${t(locale, 'change_password.intro')}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  ${
    p.username !== undefined &&
    html`<p class="account-line">${tHtml(locale, 'change_password.account', { username: html`<strong>${p.username}</strong>` })}</p>
  <input type="text" name="username" value="${p.username}" autocomplete="username" readonly hidden>`
  }
  <div class="field">
    <label class="field__label" for="new_password">${t(locale, 'change_password.new')}</label>
    <p class="field__hint" id="password-rules">${t(locale, 'change_password.rules')}</p>
    <input class="input" id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="8" required autofocus aria-describedby="${newDescribedBy}"${newInvalid && html` aria-invalid="true"`}>
  </div>
  <div class="field">
    <label class="field__label" for="confirm_password">${t(locale, 'change_password.confirm')}</label>
    <input class="input" id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" minlength="8" required${confirmInvalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'change_password.submit')}</button>
</form>`;

  return layout({ locale, title: t(locale, 'change_password.title'), body, langHrefs: p.langHrefs });
}
