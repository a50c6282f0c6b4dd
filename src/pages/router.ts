/**
 * Public hosted pages that are not login interactions: 新帳號申請 (/apply…) and the one-time
 * account links (/account/activate/:token, /account/reset/:token).
 *
 * Guards, as on the interactions router: one error boundary that brings a form back with the
 * message and what was typed (never a dead end or a bare 500), urlencoded body parsing, the
 * CSRF check on every POST, and the strict page headers (sendPage). Every page is mounted
 * here from its folder's table, so no POST can miss the CSRF guard.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { errorPage } from '../../views/index.js';
import { isAppError } from '../errors.js';
import { verifyCsrf } from '../interactions/csrf.js';
import { resolveLocale } from '../interactions/locale.js';
import { sendPage } from '../interactions/page.js';
import { InputErrors } from '../services/applications.js';
import { RateLimitError } from '../services/throttle.js';
import { accountCertificatePages } from './account-certificate/routes.js';
import { accountLinkPages } from './account-link/routes.js';
import { accountPasskeyPages } from './account-passkeys/routes.js';
import { applyPages } from './apply/routes.js';
import type { FormPage, PagesDeps } from './deps.js';
import { forgotPasswordPages } from './forgot-password/routes.js';
import { portalPages } from './portal/routes.js';
import { portalServicePages } from './portal-services/routes.js';

export type { PagesDeps } from './deps.js';

function showError(ctx: Context, err: unknown): void {
  const locale = resolveLocale(ctx);
  if (err instanceof RateLimitError) ctx.set('Retry-After', String(err.retryAfter));
  if (isAppError(err) && err.expose) {
    sendPage(ctx, errorPage({ locale, error: err.code, requestId: ctx.state.requestId }), err.status);
    return;
  }
  // Koa's and the body parser's own client errors (a 413 for an oversized form) are the
  // request's fault, not ours: a plain "check your input" page with their status
  const status = (err as { status?: unknown; expose?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    sendPage(ctx, errorPage({ locale, error: 'input.invalid', requestId: ctx.state.requestId }), status);
    return;
  }
  ctx.state.log?.error({ err }, 'page failed');
  sendPage(ctx, errorPage({ locale, error: 'server_error', requestId: ctx.state.requestId }), 500);
}

function errorBoundary(deps: PagesDeps) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const page = ctx.state.page as FormPage | undefined;
      if (err instanceof RateLimitError) ctx.set('Retry-After', String(err.retryAfter));
      if (!(isAppError(err) && err.expose && ctx.method === 'POST' && page)) {
        showError(ctx, err);
        return;
      }
      try {
        await page.render(ctx, deps, {
          error: err.code,
          fields: err instanceof InputErrors ? err.fields : undefined,
          input: (ctx.request.body ?? {}) as Record<string, unknown>,
          status: err.status,
        });
      } catch (renderErr) {
        // the form itself is gone (an unknown application, a used link): say why
        showError(ctx, renderErr);
      }
    }
  };
}

/**
 * The access log records the path; a one-time link's token must not end up there (whoever
 * reads the log could use an unused link). Rewritten once the response is decided.
 */
async function redactLinkTokens(ctx: Context, next: Next) {
  try {
    await next();
  } finally {
    const redacted = ctx.path.replace(/^(\/account\/(?:activate|reset)\/)[^/]+/, '$1[token]');
    if (redacted !== ctx.path) ctx.path = redacted;
  }
}

export function createPagesRouter(deps: PagesDeps): Router {
  const router = new Router();
  router.use(redactLinkTokens);
  router.use(errorBoundary(deps));
  router.use(bodyParser({ enableTypes: ['form'], formLimit: '64kb' }));

  const pages: readonly FormPage[] = [
    ...applyPages,
    ...accountLinkPages,
    ...accountPasskeyPages,
    ...accountCertificatePages,
    ...forgotPasswordPages,
    ...portalPages,
    ...portalServicePages,
  ];
  for (const page of pages) {
    const select = async (ctx: Context, next: Next) => {
      ctx.state.page = page;
      await next();
    };
    router.get(page.path, select, (ctx) => (page.show ? page.show(ctx, deps) : page.render(ctx, deps, {})));
    const { submit } = page;
    if (submit) router.post(page.path, select, verifyCsrf, (ctx) => submit(ctx, deps));
  }
  return router;
}
