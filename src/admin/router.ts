/**
 * /admin: the server-rendered admin console and the JSON admin API (/admin/api/v1).
 *
 *   sign-in routes          /admin/login → the OP's own login → /admin/callback; /admin/logout
 *   console guards          error boundary → body parser → CSRF → requireActor (session → Actor)
 *   API guards              JSON error boundary → bearer token or session → Actor (api.ts)
 *
 * Every module mounts its pages and API routes behind these guards; the policy
 * (services/admin/policy.ts) decides each action.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import compose from 'koa-compose';
import { tc } from '../../views/admin/common.js';
import { html } from '../../views/html.js';
import { verifyCsrf } from '../interactions/csrf.js';
import { API_BASE, ApiRegistry, apiErrors, mountApi } from './api.js';
import { consoleErrorBoundary, localeOf, requireActor, sendAdminPage, uploadErrors } from './console.js';
import type { AdminDeps } from './deps.js';
import { adminModules } from './modules.js';
import { ADMIN_BASE } from './session.js';

const isApi = (ctx: Context) => ctx.path === API_BASE || ctx.path.startsWith(`${API_BASE}/`);

/** Console-only guards: API paths pass straight through to the API's own guards. */
const consoleOnly =
  (guard: (ctx: Context, next: Next) => Promise<unknown> | unknown) => (ctx: Context, next: Next) =>
    isApi(ctx) ? next() : guard(ctx, next);

export function createAdminRouter(deps: AdminDeps): Middleware {
  const router = new Router();
  const forms = bodyParser({
    enableTypes: ['form', 'json'],
    formLimit: '1mb',
    jsonLimit: '1mb',
    // a body over the limit or malformed is the caller's to fix (413/400), never a bare 500
    onError: (err) => {
      throw (err as { status?: number }).status === 413
        ? uploadErrors.too_large('the request body is larger than 1 MB')
        : apiErrors.invalid_request('the request body cannot be parsed');
    },
  });

  // the API first: its own JSON errors, its own authentication
  const api = new ApiRegistry();
  for (const m of adminModules) m.mountApi?.(api, deps);
  router.use(API_BASE, forms);
  mountApi(router, api, deps);

  router.use(ADMIN_BASE, consoleOnly(consoleErrorBoundary()));

  router.get(`${ADMIN_BASE}/login`, (ctx) => {
    deps.sessions.startLogin(ctx, String(ctx.query.return ?? ADMIN_BASE));
  });
  router.get(`${ADMIN_BASE}/callback`, async (ctx) => {
    if (typeof ctx.query.error === 'string') {
      // the user cancelled the login, or the OP refused it: say so and offer to try again
      const locale = localeOf(ctx);
      sendAdminPage(ctx, {
        title: tc(locale, 'admin.error_title'),
        body: html`<div class="alert alert--error" role="alert"><p class="alert__text">${tc(locale, 'admin_session.login_failed')}</p></div><p><a class="button" href="${ADMIN_BASE}/login">${tc(locale, 'admin.sign_in_again')}</a></p>`,
        status: 400,
      });
      return;
    }
    ctx.redirect(await deps.sessions.finishLogin(ctx, deps.provider()));
  });
  router.get(`${ADMIN_BASE}/signed-out`, (ctx) => {
    const locale = localeOf(ctx);
    sendAdminPage(ctx, {
      title: tc(locale, 'admin.signed_out_title'),
      body: html`<p><a class="button" href="${ADMIN_BASE}/login">${tc(locale, 'admin.sign_in_again')}</a></p>`,
    });
  });
  router.post(`${ADMIN_BASE}/logout`, forms, verifyCsrf, async (ctx) => {
    ctx.redirect(await deps.sessions.end(ctx));
  });

  // everything else in the console needs a signed-in actor; CSRF on every form (multipart
  // uploads check it after parsing: see console.ts upload()). A router's use() guards run
  // only for its own matched routes, so the guarded pages get their own router and guards.
  const guarded = new Router();
  const menu = adminModules.flatMap((m) => (m.menu ? [m.menu] : []));
  guarded.use(async (ctx, next) => {
    ctx.state.adminMenu = menu;
    await next();
  });
  guarded.use(consoleErrorBoundary());
  guarded.use(forms);
  guarded.use(requireActor(deps));
  guarded.use(async (ctx, next) => (ctx.is('multipart') ? next() : verifyCsrf(ctx, next)));
  for (const m of adminModules) m.mountConsole?.(guarded, deps);
  return compose([
    router.routes(),
    router.allowedMethods(),
    guarded.routes(),
    guarded.allowedMethods(),
  ]) as unknown as Middleware;
}
