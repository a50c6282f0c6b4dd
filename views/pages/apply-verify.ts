/**
 * 新帳號申請, step two (seeds 003 step 6): the 信箱驗證碼 and the 手機驗證碼 entered together,
 * then 確認. A code already accepted is shown as done and not asked for again. Resending is a
 * small POST form per channel (it sends a message, so it carries the CSRF token).
 */
import { csrfField, errorAlert, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { describedBy, type FieldErrors, fieldError } from './fields.js';

export interface ApplyVerifyPageProps {
  locale: Locale;
  csrf: string;
  action: string;
  resendAction: string;
  maskedEmail: string;
  maskedMobile: string;
  emailVerified: boolean;
  mobileVerified: boolean;
  /** minutes a code stays valid */
  minutes: number;
  error?: string | undefined;
  fields?: FieldErrors;
  /** 'email' or 'sms' after a resend */
  sent?: 'email' | 'sms' | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

function codeField(
  p: ApplyVerifyPageProps,
  name: 'email_code' | 'sms_code',
  label: string,
  done: boolean,
  doneText: string,
  autofocus: boolean,
): SafeHtml {
  if (done) return html`<p class="account-line">✓ ${doneText}</p>`;
  return html`<div class="field">
    <label class="field__label" for="${name}">${label}</label>
    <input class="input" id="${name}" name="${name}" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="12" pattern="[0-9０-９ ]*" required${autofocus && html` autofocus`}${describedBy(p.fields, name)}>
    ${fieldError(p.locale, p.fields, name)}
  </div>`;
}

function resendForm(p: ApplyVerifyPageProps, channel: 'email' | 'sms', label: string): SafeHtml {
  return html`<form class="form" method="post" action="${p.resendAction}">
    ${csrfField(p.csrf)}
    <input type="hidden" name="channel" value="${channel}">
    <button class="button button--secondary button--block" type="submit">${label}</button>
  </form>`;
}

export function applyVerifyPage(p: ApplyVerifyPageProps): string {
  const { locale } = p;
  const emailFirst = !p.emailVerified && (!p.fields || Boolean(p.fields.email_code) || !p.fields.sms_code);
  const body = html`<h1 class="card__title">${t(locale, 'apply.verify.title')}</h1>
<p class="card__subtitle">${tHtml(locale, 'apply.verify.intro', {
    email: html`<strong>${p.maskedEmail}</strong>`,
    mobile: html`<strong>${p.maskedMobile}</strong>`,
    minutes: String(p.minutes),
  })}</p>
${errorAlert(locale, p.error)}
${p.sent && !p.error && html`<p class="account-line" role="status">${t(locale, p.sent === 'email' ? 'apply.verify.sent_email' : 'apply.verify.sent_sms')}</p>`}
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  ${codeField(p, 'email_code', t(locale, 'apply.verify.email_code'), p.emailVerified, t(locale, 'apply.verify.email_done'), emailFirst)}
  ${codeField(p, 'sms_code', t(locale, 'apply.verify.sms_code'), p.mobileVerified, t(locale, 'apply.verify.sms_done'), !emailFirst)}
  <button class="button button--primary button--block" type="submit">${t(locale, 'apply.verify.submit')}</button>
</form>
<div class="methods">
  <p class="divider"><span>${t(locale, 'apply.verify.resend_hint')}</span></p>
  ${!p.emailVerified && resendForm(p, 'email', t(locale, 'apply.verify.resend_email'))}
  ${!p.mobileVerified && resendForm(p, 'sms', t(locale, 'apply.verify.resend_sms'))}
</div>`;
  return layout({ locale, title: t(locale, 'apply.verify.title'), body, langHrefs: p.langHrefs });
}
