/**
 * 自然人憑證 (card) pages: the login page, the renewal notice after a login with a certificate
 * that expires soon, and the signing form the account page (/account/certificate) shares.
 *
 * The signing form is run by /static/hipki.js: it opens the HiPKI local signer's popup
 * (reference §9.2), hands it the nonce (data-tbs) and the PIN, and submits the signer's answer
 * in the hidden fields. The PIN field has no name, so it never reaches our server. Without
 * JavaScript the fields stay hidden and the page says what the card needs (STYLE §3's one
 * exception), offering the password login instead.
 */
import { clientMark, csrfField, errorAlert, safeHref, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export const CARD_SCRIPT = '/static/hipki.js';

export interface CardSignFormProps {
  locale: Locale;
  csrf: string;
  action: string;
  /** CARD_SIGNER_URL: the local signer whose /popupForm the script opens */
  signerUrl: string;
  /** what the card signs */
  nonce: string;
  submitLabel: string;
  invalid: boolean;
}

/** The form /static/hipki.js drives; also the account page's binding form. */
export function cardSignForm(p: CardSignFormProps): SafeHtml {
  const { locale } = p;
  const hidden = ['signature', 'certificate', 'ret_code', 'last_error', 'client_error'].map(
    (name) => html`<input type="hidden" name="${name}" value="">`,
  );
  return html`<form class="form card-sign" method="post" action="${p.action}" data-card-sign data-signer="${p.signerUrl}" data-tbs="${p.nonce}" data-msg-working="${t(locale, 'certificate.working')}">
  ${csrfField(p.csrf)}
  ${hidden}
  <div class="field" hidden>
    <label class="field__label" for="card-pin">${t(locale, 'certificate.pin')}</label>
    <p class="field__hint" id="card-pin-hint">${t(locale, 'certificate.pin_hint')}</p>
    <input class="input" id="card-pin" type="password" inputmode="numeric" autocomplete="off" minlength="6" maxlength="8" required autofocus aria-describedby="${p.invalid ? 'card-pin-hint form-error' : 'card-pin-hint'}"${p.invalid && html` aria-invalid="true"`}>
  </div>
  <p class="card-sign__status" role="status" aria-live="polite"></p>
  <button class="button button--primary button--block" type="submit" hidden>${p.submitLabel}</button>
</form>
<noscript><p class="help card-sign__needs-js">${t(locale, 'certificate.needs_js')}</p></noscript>
<div class="card-sign__checklist">
  <p class="help">${t(locale, 'certificate.checklist_title')}</p>
  <ul class="help">
    <li>${t(locale, 'certificate.check_reader')}</li>
    <li>${t(locale, 'certificate.check_card')}</li>
    <li>${t(locale, 'certificate.check_signer')}</li>
  </ul>
</div>
<script src="${CARD_SCRIPT}" defer></script>`;
}

export interface CertificateLoginPageProps {
  locale: Locale;
  csrf: string;
  client: { name: string; logoUri?: string | undefined };
  action: string;
  signerUrl: string;
  nonce: string;
  /** the login page: the password form and the other methods */
  backHref: string;
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export function certificateLoginPage(p: CertificateLoginPageProps): string {
  const { locale } = p;
  const back = safeHref(p.backHref);
  const body = html`<div class="card__head">
  ${clientMark(p.client)}
  <div>
    <h1 class="card__title">${t(locale, 'certificate.title')}</h1>
    <p class="card__subtitle">${tHtml(locale, 'login.subtitle', { client: html`<strong class="client-name">${p.client.name}</strong>` })}</p>
  </div>
</div>
${errorAlert(locale, p.error)}
<p class="help">${t(locale, 'certificate.intro')}</p>
${cardSignForm({ locale, csrf: p.csrf, action: p.action, signerUrl: p.signerUrl, nonce: p.nonce, submitLabel: t(locale, 'certificate.submit'), invalid: Boolean(p.error) })}
${back && html`<p class="card__foot"><a class="link" href="${back}">${t(locale, 'certificate.use_password')}</a></p>`}`;
  return layout({ locale, title: t(locale, 'certificate.title'), body, langHrefs: p.langHrefs });
}

export interface CertificateRenewalPageProps {
  locale: Locale;
  csrf: string;
  /** POST: continue the login */
  action: string;
  notAfter: Date;
  langHrefs?: LayoutProps['langHrefs'];
}

export function formatDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Asia/Taipei' }).format(date);
}

export function certificateRenewalPage(p: CertificateRenewalPageProps): string {
  const { locale } = p;
  const days = Math.max(0, Math.ceil((p.notAfter.getTime() - Date.now()) / 86_400_000));
  const body = html`<h1 class="card__title">${t(locale, 'certificate.renewal_title')}</h1>
<div class="alert card-notice" role="status"><p class="alert__text certificate-renewal">${t(locale, 'certificate.renewal_body', { date: formatDate(locale, p.notAfter), days })}</p></div>
<p class="help">${t(locale, 'certificate.renewal_how')}</p>
<form class="form" method="post" action="${p.action}">
  ${csrfField(p.csrf)}
  <button class="button button--primary button--block" type="submit" autofocus>${t(locale, 'certificate.continue')}</button>
</form>`;
  return layout({ locale, title: t(locale, 'certificate.renewal_title'), body, langHrefs: p.langHrefs });
}
