/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): the confirmation page around
 * oidc-provider's own form, and the page shown after signing out.
 */
import { html, raw } from './html.js';
import { type Locale, t } from './i18n.js';
import { layout } from './layout.js';

export interface LogoutPageProps {
  locale: Locale;
  /** Trusted HTML of a <form id="op.logoutForm"> produced by oidc-provider (holds its xsrf token). */
  formHtml: string;
  clientName?: string | undefined;
}

export function logoutPage(p: LogoutPageProps): string {
  const { locale } = p;
  const lead = p.clientName
    ? t(locale, 'logout.body_client', { client: p.clientName })
    : t(locale, 'logout.body');
  // The buttons sit outside oidc-provider's form and point at it with form="op.logoutForm",
  // so its markup stays untouched; "logout=yes" is what makes the provider end the session.
  const body = html`<h1 class="card__title">${t(locale, 'logout.question')}</h1>
<p class="card__subtitle">${lead}</p>
${raw(p.formHtml)}
<div class="actions">
  <button class="button button--primary" type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${t(locale, 'logout.confirm')}</button>
  <button class="button button--secondary" type="submit" form="op.logoutForm">${t(locale, 'logout.cancel')}</button>
</div>`;

  return layout({ locale, title: t(locale, 'logout.title'), body });
}

export interface LoggedOutPageProps {
  locale: Locale;
  clientName?: string | undefined;
}

export function loggedOutPage(p: LoggedOutPageProps): string {
  const { locale } = p;
  const lead = p.clientName
    ? t(locale, 'logged_out.body_client', { client: p.clientName })
    : t(locale, 'logged_out.body');
  const body = html`<div class="status status--success">
  <svg class="status__icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="24" fill="currentColor"/><path d="m14 24.5 7 7 13-14" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"/></svg>
</div>
<h1 class="card__title card__title--center">${t(locale, 'logged_out.title')}</h1>
<p class="card__subtitle card__subtitle--center">${lead}</p>
<p class="help help--center">${t(locale, 'logged_out.shared_device')}</p>`;

  return layout({ locale, title: t(locale, 'logged_out.title'), body });
}
