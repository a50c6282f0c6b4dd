/**
 * 自然人憑證管理 (/account/certificate): the signed-in account's registered certificates (name,
 * issuer, serial, last four ID digits, validity, last use) with a remove form each, and the
 * card signing form (views/methods/certificate.ts) that registers one. A certificate whose
 * name differs from the account's says so (the seeds' FAQ: 憑證上的姓名與帳號姓名不同).
 */
import { csrfField, errorAlert, tHtml } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { isMessageKey, type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { cardSignForm, formatDate } from '../methods/certificate.js';
import { withPortalNav } from '../portal/layout.js';

export interface AccountCertificateRow {
  id: string;
  name: string | null;
  issuer: string;
  serial: string;
  idLastFour: string | null;
  notAfter: Date;
  lastUsedAt: Date | null;
  /** the certificate's name is not the account's */
  nameDiffers: boolean;
}

export interface AccountCertificatePageProps {
  locale: Locale;
  csrf: string;
  username: string;
  accountName: string;
  certificates: AccountCertificateRow[];
  /** POST target of a new binding; removal posts to <base>/<id>/delete */
  base: string;
  signerUrl: string;
  nonce: string;
  notice?: string | undefined;
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

function item(p: AccountCertificatePageProps, c: AccountCertificateRow): SafeHtml {
  const { locale } = p;
  const differs =
    c.nameDiffers &&
    html`<div class="alert card-notice" role="note"><p class="alert__text"><strong class="certificate-name-differs">${t(locale, 'account_certificate.name_differs')}</strong><br>${t(locale, 'account_certificate.name_differs_detail', { cert: c.name ?? '', account: p.accountName })}</p></div>`;
  return html`<li class="certificate-list__item">
  ${differs}
  <dl>
    <dt>${t(locale, 'account_certificate.name')}</dt><dd class="certificate-name">${c.name ?? ''}</dd>
    <dt>${t(locale, 'account_certificate.issuer')}</dt><dd>${c.issuer}</dd>
    <dt>${t(locale, 'account_certificate.serial')}</dt><dd><code>${c.serial.toUpperCase()}</code></dd>
    <dt>${t(locale, 'account_certificate.id_last_four')}</dt><dd>${c.idLastFour ?? '—'}</dd>
    <dt>${t(locale, 'account_certificate.not_after')}</dt><dd>${formatDate(locale, c.notAfter)}</dd>
    <dt>${t(locale, 'account_certificate.last_used')}</dt><dd>${c.lastUsedAt ? formatDate(locale, c.lastUsedAt) : t(locale, 'account_certificate.never_used')}</dd>
  </dl>
  <form class="inline-form" method="post" action="${p.base}/${c.id}/delete">
    ${csrfField(p.csrf)}
    <button class="button button--secondary" type="submit">${t(locale, 'account_certificate.remove')}</button>
  </form>
</li>`;
}

export function accountCertificatePage(p: AccountCertificatePageProps): string {
  const { locale } = p;
  const notice =
    p.notice && isMessageKey(p.notice)
      ? html`<div class="alert card-notice card-notice--success" role="status"><p class="alert__text">${t(locale, p.notice)}</p></div>`
      : null;
  const list =
    p.certificates.length === 0
      ? html`<p class="help certificate-empty">${t(locale, 'account_certificate.empty')}</p>`
      : html`<h2 class="section-title">${t(locale, 'account_certificate.list_heading')}</h2>
<ul class="certificate-list">${p.certificates.map((c) => item(p, c))}</ul>`;
  const body = html`<h1 class="card__title">${t(locale, 'account_certificate.title')}</h1>
<p class="card__subtitle">${tHtml(locale, 'account_certificate.signed_in_as', { account: html`<strong>${p.username}</strong>` })}</p>
${notice}
${errorAlert(locale, p.error)}
<p class="help">${t(locale, 'account_certificate.intro')}</p>
${list}
<h2 class="section-title">${t(locale, 'account_certificate.add_heading')}</h2>
${cardSignForm({ locale, csrf: p.csrf, action: p.base, signerUrl: p.signerUrl, nonce: p.nonce, submitLabel: t(locale, 'account_certificate.submit'), invalid: Boolean(p.error) })}`;
  // the portal's navigation above the page (views/portal/layout.ts)
  return layout({
    locale,
    title: t(locale, 'account_certificate.title'),
    body: withPortalNav({ locale, username: p.username, csrf: p.csrf }, body),
    langHrefs: p.langHrefs,
  });
}
