/**
 * Small pieces shared by several pages: the error box, the client badge, the CSRF field,
 * URL filtering for attributes, and messages with markup inside them.
 */
import { escapeHtml, html, raw, type SafeHtml } from './html.js';
import { type Locale, type MessageKey, messageFor, t } from './i18n.js';

/**
 * Returns the URL if it is safe to put in href: a same-origin path or http(s).
 * Escaping alone does not stop `javascript:` URLs, and client metadata is not ours.
 */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  if (url.startsWith('?') || url.startsWith('#')) return url;
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/**
 * Returns the logo URL only if the CSP (`img-src 'self' data:`) lets it load: a same-origin path
 * or an inline data: image. Any other logo would show as a broken image, so the monogram is used.
 */
export function safeLogoSrc(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  return /^data:image\/(png|gif|jpeg|webp|svg\+xml);base64,[a-z0-9+/=]+$/i.test(url) ? url : undefined;
}

/** Like t(), but the template text is escaped and SafeHtml params (e.g. <strong>) are kept. */
export function tHtml(locale: Locale, key: MessageKey, params: Record<string, SafeHtml | string>): SafeHtml {
  return raw(
    escapeHtml(t(locale, key)).replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = Object.hasOwn(params, name) ? params[name] : undefined;
      return value === undefined ? match : html`${value}`.__html;
    }),
  );
}

/** The error box. Unknown codes fall back to a generic message, so raw codes never reach users. */
export function errorAlert(
  locale: Locale,
  code: string | undefined,
  id = 'form-error',
  fallback: MessageKey = 'input.invalid',
): SafeHtml | null {
  if (!code) return null;
  return html`<div class="alert alert--error" role="alert" id="${id}">
  <svg class="alert__icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="10" fill="currentColor"/><path d="M12 6.5v7" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="17.25" r="1.4" fill="#fff"/></svg>
  <p class="alert__text"><span class="visually-hidden">${t(locale, 'common.error_prefix')}</span>${messageFor(locale, code, fallback)}</p>
</div>`;
}

export function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

/** Logo of the relying party, or a monogram of its first character when no loadable logo exists. */
export function clientMark(client: { name: string; logoUri?: string | undefined }): SafeHtml {
  const src = safeLogoSrc(client.logoUri);
  if (src) {
    return html`<img class="client-mark client-mark--logo" src="${src}" alt="" width="48" height="48">`;
  }
  const initial = [...client.name.trim()][0] ?? '?';
  return html`<span class="client-mark client-mark--initial" aria-hidden="true">${initial.toUpperCase()}</span>`;
}
