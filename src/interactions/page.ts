/**
 * Response headers of every hosted page: strict CSP with no inline script, no framing,
 * no caching, no referrer.
 */
import type { Context } from 'koa';

// No form-action: Chromium applies it to the redirects that follow a form POST, and the
// login form's redirect chain ends at the RP's redirect_uri on another origin.
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setPageHeaders(ctx: Pick<Context, 'set'>): void {
  ctx.set('Content-Security-Policy', PAGE_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

export function sendPage(ctx: Context, html: string, status = 200): void {
  setPageHeaders(ctx);
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

/**
 * A page that runs same-origin scripts from /static/ (the passkey pages, whose WebAuthn calls
 * need JavaScript): script-src and connect-src 'self' for that page only, still no inline script.
 */
export function sendScriptedPage(ctx: Context, html: string, status = 200): void {
  sendPage(ctx, html, status);
  ctx.set('Content-Security-Policy', `${PAGE_CSP}; script-src 'self'; connect-src 'self'`);
}
