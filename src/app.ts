/**
 * createApp(deps): the one place middleware order is written.
 *
 *   request id + access log → JSON error boundary → health → static → MOE path compatibility
 *   → client scope filter → resource endpoints → hosted interaction pages → public pages
 *   → oidc-provider (everything else)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { jsonErrorMiddleware } from './errors.js';
import type { InteractionDeps } from './interactions/deps.js';
import { createInteractionRouter } from './interactions/router.js';
import { createPagesRouter, type PagesDeps } from './pages/router.js';
import { dropDisallowedScopes } from './provider/allowed-scopes.js';
import type { ProviderHolder } from './provider/provider-holder.js';
import { LOGOUT_ALIASES, OIDC_ROUTES, PARAMETER_ALIASES } from './provider/routes.js';

export interface AppDeps extends Omit<InteractionDeps, 'provider'>, PagesDeps {
  config: Config;
  log: Logger;
  holder: ProviderHolder;
  /** MOE/county resource endpoints (eduinfo, personid, guid, profile; src/resources) */
  resourceRouter: Router;
  /** the admin console and admin API under /admin */
  adminRouter: Koa.Middleware;
  /** readiness of Postgres and Redis: resolves when both answer */
  checkReady(): Promise<void>;
}

function requestContext(log: Logger) {
  return async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  };
}

/**
 * Old RPs reach us with MOE spellings: logout aliases, Id_token_hint and
 * post_logout_redirect_url, doubled slashes, and an empty nonce= (reference §1.3, §5).
 */
function moeCompatibility() {
  const aliases = new Set<string>(LOGOUT_ALIASES);
  return async (ctx: Context, next: Next) => {
    if (ctx.path.includes('//')) ctx.path = ctx.path.replace(/\/{2,}/g, '/');
    if (aliases.has(ctx.path)) ctx.path = OIDC_ROUTES.end_session;
    const query = new URLSearchParams(ctx.querystring);
    let changed = false;
    for (const [from, to] of Object.entries(PARAMETER_ALIASES)) {
      const value = query.get(from);
      if (value !== null && !query.has(to)) {
        query.set(to, value);
        query.delete(from);
        changed = true;
      }
    }
    if (ctx.path === OIDC_ROUTES.authorization && query.get('nonce') === '') {
      query.delete('nonce');
      changed = true;
    }
    if (changed) ctx.querystring = query.toString();
    await next();
  };
}

function staticAssets() {
  const own = (name: string) => readFileSync(new URL(`../views/static/${name}`, import.meta.url));
  // the passkey pages' WebAuthn helper: the library's own browser bundle, served as it ships
  const webauthnBundle = join(
    dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
    '../dist/bundle/index.umd.min.js',
  );
  const js = 'text/javascript; charset=utf-8';
  const files = new Map<string, { type: string; body: Buffer }>([
    ['/static/edu-idp.css', { type: 'text/css; charset=utf-8', body: own('edu-idp.css') }],
    ['/static/passkey.js', { type: js, body: own('passkey.js') }],
    // the 自然人憑證 pages' bridge to the HiPKI local signer (methods/certificate)
    ['/static/hipki.js', { type: js, body: own('hipki.js') }],
    ['/static/simplewebauthn-browser.js', { type: js, body: readFileSync(webauthnBundle) }],
  ]);
  return async (ctx: Context, next: Next) => {
    const file = files.get(ctx.path);
    if (!file) return next();
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = file.type;
    ctx.body = file.body;
  };
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: deps.config.trustProxy, maxIpsCount: deps.config.trustProxyHops });
  app.keys = [...(deps.config.cookieKeys ?? [])];
  app.silent = true;

  const health = new Router();
  health.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  health.get('/readyz', async (ctx) => {
    try {
      await deps.checkReady();
      ctx.body = { status: 'ready' };
    } catch (err) {
      ctx.state.log?.warn({ err }, 'not ready');
      ctx.status = 503;
      ctx.body = { status: 'unavailable' };
    }
  });

  const interactions = createInteractionRouter({ ...deps, provider: () => deps.holder.current() });

  app.use(requestContext(deps.log));
  if (deps.config.issuer.startsWith('https:')) {
    // an https issuer is only ever reached over TLS: browsers should never try plain HTTP
    app.use(async (ctx, next) => {
      ctx.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
      await next();
    });
  }
  app.use(jsonErrorMiddleware);
  app.use(health.routes());
  app.use(staticAssets());
  app.use(moeCompatibility());
  app.use(dropDisallowedScopes(() => deps.holder.current()));
  app.use(deps.resourceRouter.routes());
  app.use(interactions.routes());
  app.use(interactions.allowedMethods());
  app.use(createPagesRouter(deps).routes());
  app.use(deps.adminRouter);
  const handlers = new WeakMap<object, ReturnType<Koa['callback']>>();
  app.use(async (ctx) => {
    // oidc-provider answers everything else, including its own 404s
    const provider = deps.holder.current();
    let handle = handlers.get(provider);
    if (!handle) {
      handle = provider.callback();
      handlers.set(provider, handle);
    }
    ctx.respond = false;
    await handle(ctx.req, ctx.res);
  });
  return app;
}
