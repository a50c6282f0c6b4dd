/**
 * The admin console shell, after the AdminSSO screens in the seeds: brand, the top menu
 * (權限管理 學校名稱 學籍資料 帳號管理 新帳號申請 一次登入 白名單 …), the signed-in user with
 * a sign-out form, and a full-width content area for tables. No script, no inline style.
 */
import { csrfField, safeHref } from '../fragments.js';
import { html, render, type SafeHtml } from '../html.js';
import { htmlLang, LOCALES, type Locale } from '../i18n.js';
import { STYLESHEET_HREF } from '../layout.js';
import { tc } from './common.js';
import { adminMessage } from './messages.js';

export interface MenuItem {
  label: string;
  href: string;
  current: boolean;
}

export interface AdminLayoutProps {
  locale: Locale;
  title: string;
  body: SafeHtml;
  /** absent on pages shown before sign-in (errors, signed out) */
  user?: { name: string; username: string; roles: string[] };
  menu?: MenuItem[];
  csrf?: string;
  flash?: { kind: 'success' | 'error'; text: string } | undefined;
  /** the current path and query without lang=, for the language switch */
  selfHref: string;
}

function languageSwitch(locale: Locale, selfHref: string): SafeHtml {
  const sep = selfHref.includes('?') ? '&' : '?';
  return html`<nav class="lang-switch admin-lang" aria-label="Language / 語言">${LOCALES.map(
    (l, i) =>
      html`${i > 0 && html`<span class="lang-switch__sep" aria-hidden="true">|</span>`}<a class="lang-switch__link${l === locale ? ' lang-switch__link--current' : ''}" href="${safeHref(`${selfHref}${sep}lang=${l}`) ?? '#'}" lang="${htmlLang(l)}"${l === locale && html` aria-current="true"`}>${l === 'en' ? 'English' : '中文'}</a>`,
  )}</nav>`;
}

export function flashBox(flash: AdminLayoutProps['flash']): SafeHtml | null {
  if (!flash) return null;
  return html`<div class="alert alert--${flash.kind === 'error' ? 'error' : 'success'}" role="${flash.kind === 'error' ? 'alert' : 'status'}"><p class="alert__text">${flash.text}</p></div>`;
}

export function adminLayout(p: AdminLayoutProps): string {
  const { locale } = p;
  const nav =
    p.menu && p.menu.length > 0
      ? html`<nav class="admin-nav" aria-label="${tc(locale, 'admin.nav_label')}"><ul class="admin-nav__list">${p.menu.map(
          (m) =>
            html`<li><a class="admin-nav__link${m.current ? ' admin-nav__link--current' : ''}" href="${safeHref(m.href) ?? '#'}"${m.current && html` aria-current="page"`}>${m.label}</a></li>`,
        )}</ul></nav>`
      : null;
  const user = p.user
    ? html`<div class="admin-user">
  <span class="admin-user__name">${tc(locale, 'admin.signed_in_as', { name: `${p.user.name} (${p.user.username})` })}</span>
  ${p.user.roles.length > 0 && html`<span class="admin-user__roles">${p.user.roles.join('、')}</span>`}
  ${p.csrf && html`<form class="admin-user__logout" method="post" action="/admin/logout">${csrfField(p.csrf)}<button type="submit" class="button button--small button--secondary">${tc(locale, 'admin.sign_out')}</button></form>`}
</div>`
    : null;
  return render(html`<!DOCTYPE html>
<html lang="${htmlLang(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${p.title} | ${tc(locale, 'admin.brand')}</title>
<link rel="stylesheet" href="${STYLESHEET_HREF}">
<link rel="icon" href="data:,">
</head>
<body class="admin">
<a class="skip-link" href="#main">${locale === 'en' ? 'Skip to content' : '跳到主要內容'}</a>
<header class="admin-header">
  <div class="admin-header__top">
    <a class="admin-brand" href="/admin"><span class="admin-brand__name">${tc(locale, 'admin.brand')}</span><span class="admin-brand__sub">${tc(locale, 'admin.brand_sub')}</span></a>
    ${user}
    ${languageSwitch(locale, p.selfHref)}
  </div>
  ${nav}
</header>
<main id="main" class="admin-main" tabindex="-1">
<h1 class="admin-main__title">${p.title}</h1>
${flashBox(p.flash)}
${p.body}
</main>
</body>
</html>
`);
}

/** An error inside the console shell: forbidden, not found, a form that cannot be re-shown. */
export function adminErrorBody(locale: Locale, code: string, backHref?: string): SafeHtml {
  return html`<div class="alert alert--error" role="alert"><p class="alert__text">${adminMessage(locale, code)}</p></div>
${backHref && html`<p><a class="button button--secondary" href="${safeHref(backHref) ?? '/admin'}">${tc(locale, 'admin.back')}</a></p>`}`;
}
