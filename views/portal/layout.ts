/**
 * The user portal's shell (站點 服務 紀錄 資料 登出), built on the hosted-page layout: an
 * "OpenID" bar with the section nav (the current one marked with aria-current), the sign-out
 * form (POST with CSRF, so a link or image cannot sign anyone out), then the page body with its
 * notice or error. No script, no inline style: it works without JavaScript and under the CSP.
 */
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { type LayoutProps, layout } from '../layout.js';
import { portalMessage, pt } from './messages.js';

export type PortalSection = 'sites' | 'services' | 'logins' | 'profile';

export interface PortalLayoutProps {
  locale: Locale;
  section: PortalSection;
  title: string;
  username: string;
  csrf: string;
  body: SafeHtml;
  /** a message key (or code) shown as a success notice */
  notice?: string | undefined;
  /** parameters of the notice's message ({email}, {count}) */
  noticeParams?: Record<string, string | number> | undefined;
  /** a message key or error code shown as an error */
  error?: string | undefined;
  langHrefs?: LayoutProps['langHrefs'];
}

export const PORTAL_SECTIONS: ReadonlyArray<{ id: PortalSection; href: string }> = [
  { id: 'sites', href: '/account' },
  { id: 'services', href: '/account/services' },
  { id: 'logins', href: '/account/logins' },
  { id: 'profile', href: '/account/profile' },
];

export const PORTAL_LOGOUT_PATH = '/account/logout';

export function portalNav(p: {
  locale: Locale;
  section: PortalSection | null;
  username: string;
  csrf: string;
}): SafeHtml {
  const { locale } = p;
  const links = PORTAL_SECTIONS.map((s) => {
    const current = s.id === p.section;
    return html`<li class="portal-nav__item"><a class="portal-nav__link${current ? ' portal-nav__link--current' : ''}" href="${s.href}"${current && html` aria-current="page"`}>${pt(locale, `portal.nav.${s.id}`)}</a></li>`;
  });
  return html`<div class="portal-bar">
  <a class="portal-bar__brand" href="/account">${pt(locale, 'portal.brand')}</a>
  <nav class="portal-nav" aria-label="${pt(locale, 'portal.nav_label')}">
    <ul class="portal-nav__list">${links}<li class="portal-nav__item"><form class="portal-nav__logout" method="post" action="${PORTAL_LOGOUT_PATH}">${csrfField(p.csrf)}<button class="portal-nav__link portal-nav__button" type="submit">${pt(locale, 'portal.nav.logout')}</button></form></li></ul>
  </nav>
  <p class="portal-bar__user">${pt(locale, 'portal.signed_in_as', { username: p.username })}</p>
</div>`;
}

export function portalAlerts(
  locale: Locale,
  notice: string | undefined,
  error: string | undefined,
  noticeParams?: Record<string, string | number>,
): SafeHtml {
  return html`${notice && html`<div class="alert alert--success" role="status"><p class="alert__text">${portalMessage(locale, notice, noticeParams)}</p></div>`}${error && html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${portalMessage(locale, error)}</p></div>`}`;
}

export function portalLayout(p: PortalLayoutProps): string {
  const { locale } = p;
  const body = html`<div class="portal">
${portalNav(p)}
<div class="portal__body">
<h1 class="portal__title">${p.title}</h1>
${portalAlerts(locale, p.notice, p.error, p.noticeParams)}
${p.body}
</div>
</div>`;
  return layout({ locale, title: p.title, body, ...(p.langHrefs ? { langHrefs: p.langHrefs } : {}) });
}

/**
 * The portal's bar around another account page's body (/account/passkeys,
 * /account/certificate), so those pages keep the 站點 服務 紀錄 資料 登出 navigation.
 */
export function withPortalNav(
  p: { locale: Locale; username: string; csrf: string },
  body: SafeHtml,
): SafeHtml {
  return html`<div class="portal">
${portalNav({ ...p, section: null })}
<div class="portal__body">
${body}
</div>
</div>`;
}
