/**
 * 忘記密碼 (/account/forgot): the form asking for a username or e-mail address, and the
 * answer, which is the same whatever was typed (it never tells whether an account exists):
 * a link went to a verified address if there is one; students ask their teacher for passOne.
 */
import { csrfField, errorAlert } from '../fragments.js';
import { html } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export interface ForgotPasswordPageProps {
  locale: Locale;
  action: string;
  csrf: string;
  identifier?: string | undefined;
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export function forgotPasswordPage(p: ForgotPasswordPageProps): string {
  const { locale } = p;
  const invalid = Boolean(p.error);
  const body = html`<h1 class="card__title">${t(locale, 'forgot.title')}</h1>
<p class="card__subtitle">${t(locale, 'forgot.intro')}</p>
${errorAlert(locale, p.error)}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <div class="field">
    <label class="field__label" for="identifier">${t(locale, 'forgot.identifier')}</label>
    <input class="input" id="identifier" name="identifier" type="text" value="${p.identifier ?? ''}" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="320" required autofocus${invalid && html` aria-invalid="true" aria-describedby="form-error"`}>
  </div>
  <button class="button button--primary button--block" type="submit">${t(locale, 'forgot.submit')}</button>
</form>
<p class="help">${t(locale, 'forgot.student_hint')}</p>`;
  return layout({ locale, title: t(locale, 'forgot.title'), body, langHrefs: p.langHrefs });
}

export function forgotPasswordSentPage(p: { locale: Locale; langHrefs?: LayoutProps['langHrefs'] }): string {
  const { locale } = p;
  const body = html`<h1 class="card__title">${t(locale, 'forgot.sent_title')}</h1>
<p class="card__subtitle" id="forgot-answer">${t(locale, 'forgot.sent_body')}</p>
<p class="help">${t(locale, 'forgot.sent_next')}</p>`;
  return layout({ locale, title: t(locale, 'forgot.sent_title'), body, langHrefs: p.langHrefs });
}
