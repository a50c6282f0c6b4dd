/**
 * Pages that oidc-provider renders itself (logout confirmation, logged out, protocol
 * errors), in our look, language and headers.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';
import {
  errorPage,
  isLocale,
  type Locale,
  loggedOutPage,
  logoutPage,
  negotiateLocale,
} from '../../views/index.js';
import { setPageHeaders } from './page.js';

function localeOf(ctx: KoaContextWithOIDC): Locale {
  const cookie = ctx.cookies.get('edu_lang');
  if (isLocale(cookie)) return cookie;
  const ui = (ctx.oidc?.params?.ui_locales as string | undefined) ?? undefined;
  return negotiateLocale(ui);
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = logoutPage({ locale: localeOf(ctx), formHtml: form, clientName: ctx.oidc.client?.clientName });
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = loggedOutPage({ locale: localeOf(ctx), clientName: ctx.oidc.client?.clientName });
}

export async function renderError(
  ctx: KoaContextWithOIDC,
  out: { error: string; error_description?: string },
  _error: Error,
): Promise<void> {
  setPageHeaders(ctx);
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = errorPage({
    locale: localeOf(ctx),
    error: out.error,
    description: out.error_description,
    requestId: ctx.get('x-request-id') || undefined,
  });
}
