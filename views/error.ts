/**
 * The friendly error page for protocol and server errors. It shows the code and the request id
 * so that a school's IT office can find the log entry; the description is escaped like any input.
 */
import { html } from './html.js';
import { isMessageKey, type Locale, t } from './i18n.js';
import { layout } from './layout.js';

export interface ErrorPageProps {
  locale: Locale;
  error: string;
  description?: string | undefined;
  requestId?: string | undefined;
}

/** Our own codes are keys as they are; oidc-provider's (invalid_request…) live under `oidc.`. */
function leadMessage(locale: Locale, error: string): string {
  if (isMessageKey(error)) return t(locale, error);
  const oidcKey = `oidc.${error}`;
  return isMessageKey(oidcKey) ? t(locale, oidcKey) : t(locale, 'error.lead');
}

export function errorPage(p: ErrorPageProps): string {
  const { locale } = p;
  const body = html`<div class="status status--error">
  <svg class="status__icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="24" fill="currentColor"/><path d="M24 13v14" stroke="#fff" stroke-width="4.5" stroke-linecap="round"/><circle cx="24" cy="34.5" r="2.7" fill="#fff"/></svg>
</div>
<h1 class="card__title card__title--center">${t(locale, 'error.title')}</h1>
<p class="card__subtitle card__subtitle--center">${leadMessage(locale, p.error)}</p>
<dl class="details">
  <div class="details__row"><dt>${t(locale, 'error.code')}</dt><dd><code>${p.error}</code></dd></div>
  ${p.description && html`<div class="details__row"><dt>${t(locale, 'error.description')}</dt><dd>${p.description}</dd></div>`}
  ${p.requestId && html`<div class="details__row"><dt>${t(locale, 'error.request_id')}</dt><dd><code>${p.requestId}</code></dd></div>`}
</dl>
<p class="help">${t(locale, 'error.support')}</p>`;

  return layout({ locale, title: t(locale, 'error.title'), body });
}
