/**
 * The page shell shared by every hosted page: header band with the site name and language
 * switch, a centred card for the page body, and the footer. It carries no script and no inline
 * style, so it works under `default-src 'none'; style-src 'self'; img-src 'self' data:`.
 */
import { fileURLToPath } from 'node:url';
import { safeHref } from './fragments.js';
import { html, render, type SafeHtml } from './html.js';
import { htmlLang, LOCALES, type Locale, t } from './i18n.js';

/** Where the server must serve views/static/edu-idp.css. */
export const STYLESHEET_HREF = '/static/edu-idp.css';

/** The folder to serve under /static/ (holds edu-idp.css). */
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

export interface LayoutProps {
  locale: Locale;
  title: string;
  body: SafeHtml;
  langHrefs?: { 'zh-TW': string; en: string };
  /** seconds until the browser reloads the page (a wait page that works without JavaScript) */
  refreshSeconds?: number | undefined;
}

const otherLocale = (locale: Locale): Locale => (locale === 'zh-TW' ? 'en' : 'zh-TW');

function languageSwitch(locale: Locale, hrefs: LayoutProps['langHrefs']): SafeHtml | null {
  if (!hrefs) return null;
  const links = LOCALES.map((l) => {
    const href = safeHref(hrefs[l]);
    const current = l === locale;
    return html`<a class="lang-switch__link${current ? ' lang-switch__link--current' : ''}" href="${href ?? '#'}" lang="${htmlLang(l)}" hreflang="${htmlLang(l)}"${current && html` aria-current="true"`}>${t(l, `lang.${l}`)}</a>`;
  });
  return html`<nav class="lang-switch" aria-label="${t(locale, 'layout.language')}">${links[0]}<span class="lang-switch__sep" aria-hidden="true">|</span>${links[1]}</nav>`;
}

// A mortarboard over an open page: "education" without borrowing any agency's emblem.
const brandMark = html`<svg class="brand__mark" viewBox="0 0 32 32" width="36" height="36" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="8" fill="#ffffff"/><path d="M16 7 4.5 12.5 16 18l9-4.3v5.8h2v-7z" fill="#0b4f9c"/><path d="M9 16.4v4.8c0 1.9 3.1 3.6 7 3.6s7-1.7 7-3.6v-4.8L16 19.8z" fill="#1f7ae0"/></svg>`;

export function layout(p: LayoutProps): string {
  const { locale } = p;
  const alt = htmlLang(otherLocale(locale));
  return render(html`<!DOCTYPE html>
<html lang="${htmlLang(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="color-scheme" content="light">
${p.refreshSeconds ? html`<meta http-equiv="refresh" content="${String(p.refreshSeconds)}">` : null}
<title>${p.title} | ${t(locale, 'site.name')}</title>
<link rel="stylesheet" href="${STYLESHEET_HREF}">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">${t(locale, 'layout.skip_to_content')}</a>
<header class="site-header">
  <div class="site-header__inner">
    <div class="brand">
      ${brandMark}
      <div class="brand__text">
        <span class="brand__name">${t(locale, 'site.name')}</span>
        <span class="brand__alt" lang="${alt}">${t(locale, 'site.name_alt')}</span>
      </div>
    </div>
    ${languageSwitch(locale, p.langHrefs)}
  </div>
</header>
<main id="main" class="main" tabindex="-1">
  <div class="card">
${p.body}
  </div>
</main>
<footer class="site-footer">
  <p class="site-footer__org">${t(locale, 'footer.org')} · <span lang="${alt}">${t(locale, 'footer.org_alt')}</span></p>
  <p class="site-footer__note">${t(locale, 'footer.security')}</p>
</footer>
</body>
</html>
`);
}
