/** After a one-time link: the password is set; sign in from the application as usual. */
import { tHtml } from '../fragments.js';
import { html } from '../html.js';
import { type Locale, t } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';

export interface PasswordSetPageProps {
  locale: Locale;
  username: string;
  langHrefs?: LayoutProps['langHrefs'];
}

export function passwordSetPage(p: PasswordSetPageProps): string {
  const { locale } = p;
  const body = html`<div class="status status--success">
  <svg class="status__icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="24" fill="currentColor"/><path d="m14 24.5 7 7 13-14" fill="none" stroke="#fff" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/></svg>
</div>
<h1 class="card__title card__title--center">${t(locale, 'password_set.title')}</h1>
<p class="card__subtitle card__subtitle--center">${tHtml(locale, 'password_set.body', { username: html`<strong>${p.username}</strong>` })}</p>
<p class="help help--center">${t(locale, 'password_set.next')}</p>`;
  return layout({ locale, title: t(locale, 'password_set.title'), body, langHrefs: p.langHrefs });
}
