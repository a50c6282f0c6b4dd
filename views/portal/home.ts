/** 站點 (/account): greeting, the account's school and identity, quick links, 最近登入. */
import { html } from '../html.js';
import type { Locale } from '../i18n.js';
import { type LoginRowView, loginTable } from './components.js';
import { type PortalLayoutProps, portalLayout } from './layout.js';
import { pt } from './messages.js';

export interface PortalHomeProps extends Omit<PortalLayoutProps, 'section' | 'title' | 'body'> {
  name: string;
  schoolName: string | null;
  identityType: 'student' | 'teacher' | 'staff' | 'other' | null;
  recent: LoginRowView[];
}

export function portalHomePage(p: PortalHomeProps): string {
  const { locale } = p;
  const identity = (l: Locale) => (p.identityType ? pt(l, `portal.identity.${p.identityType}`) : null);
  const body = html`<p class="portal__greeting">${pt(locale, 'portal.greeting', { name: p.name })}</p>
<p class="help">${p.schoolName ?? pt(locale, 'portal.no_school')}${identity(locale) && html` · ${identity(locale)}`}</p>
<section class="portal__section" aria-labelledby="quick-links">
<h2 id="quick-links">${pt(locale, 'portal.quick_links')}</h2>
<ul class="portal-links">
<li><a class="button button--secondary" href="/account/services">${pt(locale, 'portal.nav.services')}</a></li>
<li><a class="button button--secondary" href="/account/profile">${pt(locale, 'portal.nav.profile')}</a></li>
<li><a class="button button--secondary" href="/account/passkeys">${pt(locale, 'portal.passkeys')}</a></li>
<li><a class="button button--secondary" href="/account/certificate">${pt(locale, 'portal.certificates')}</a></li>
</ul>
</section>
<section class="portal__section" aria-labelledby="recent-logins">
<h2 id="recent-logins">${pt(locale, 'portal.recent_logins')}</h2>
${loginTable(locale, p.recent, pt(locale, 'portal.recent_logins'))}
<p><a class="link" href="/account/logins">${pt(locale, 'portal.all_logins')}</a></p>
</section>`;
  return portalLayout({ ...p, section: 'sites', title: pt(locale, 'portal.home_title'), body });
}
