/**
 * The password method's form: username and password as a plain POST form. On error the
 * typed username is kept and the password field takes the focus.
 */
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';

export interface PasswordFormProps {
  locale: Locale;
  action: string;
  csrf: string;
  username?: string | undefined;
  /** the form comes back after an error (aria-invalid, the message is #form-error) */
  invalid: boolean;
}

export function passwordForm(p: PasswordFormProps): SafeHtml {
  const { locale, invalid } = p;
  const describedBy = (id: string) => (invalid ? `${id} form-error` : id);
  // Once the username is known (re-render after an error), the password is what needs typing.
  const focusPassword = Boolean(p.username);
  return html`<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="field">
    <label class="field__label" for="username">${t(locale, 'login.username')}</label>
    <p class="field__hint" id="username-hint">${t(locale, 'login.username_hint')}</p>
    <input class="input" id="username" name="username" type="text" value="${p.username ?? ''}" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required${!focusPassword && html` autofocus`} aria-describedby="${describedBy('username-hint')}"${invalid && html` aria-invalid="true"`}>
  </div>
  <div class="field">
    <label class="field__label" for="password">${t(locale, 'login.password')}</label>
    <input class="input" id="password" name="password" type="password" autocomplete="current-password" required${focusPassword && html` autofocus`}${invalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'login.submit')}</button>
</form>`;
}
