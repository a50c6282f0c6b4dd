/**
 * Hosted interaction pages: /interaction/:uid and the routes of each login method.
 * Router-level guards: urlencoded body parsing, CSRF, no-store page headers, and one error
 * middleware that re-renders the form a user can fix, records failed login attempts, and
 * never shows a dead end or a bare 500.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { errors as oidcErrors } from 'oidc-provider';
import { errorPage } from '../../views/index.js';
import { AppError, isAppError } from '../errors.js';
import { mountChangePasswordRoutes } from './change-password/routes.js';
import { mountConsentRoutes } from './consent/routes.js';
import { verifyCsrf } from './csrf.js';
import type { InteractionDeps } from './deps.js';
import { resolveLocale } from './locale.js';
import { loginMethods } from './methods/index.js';
import { sendPage } from './page.js';
import { renderConsent, renderLogin } from './pages.js';

interface Attempt {
  method: string;
  username?: string;
}

function errorBoundary(deps: InteractionDeps) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const attempt = ctx.state.attempt as Attempt | undefined;
      if (attempt && isAppError(err)) await recordFailure(ctx, deps, attempt, err.code);
      const expired =
        err instanceof oidcErrors.SessionNotFound || (isAppError(err) && err.code === 'interaction.expired');
      const locale = resolveLocale(ctx);
      if (expired) {
        sendPage(
          ctx,
          errorPage({ locale, error: 'interaction.expired', requestId: ctx.state.requestId }),
          400,
        );
        return;
      }
      if (isAppError(err) && err.code === 'csrf.invalid' && ctx.path.endsWith('/password')) {
        // an expired form (cookie gone, tab left open) gets a fresh one, keeping the username
        const body = (ctx.request.body ?? {}) as Record<string, unknown>;
        const username = typeof body.username === 'string' ? body.username : '';
        await renderLogin(ctx, deps, { error: err.code, username, status: 403 });
        return;
      }
      if (isAppError(err) && err.expose) {
        const rerender = ctx.state.rerender as ((code: string) => Promise<void>) | undefined;
        if (rerender) {
          await rerender(err.code);
          ctx.status = err.status;
          return;
        }
        sendPage(ctx, errorPage({ locale, error: err.code, requestId: ctx.state.requestId }), err.status);
        return;
      }
      ctx.state.log?.error({ err }, 'interaction failed');
      sendPage(ctx, errorPage({ locale, error: 'server_error', requestId: ctx.state.requestId }), 500);
    }
  };
}

async function recordFailure(ctx: Context, deps: InteractionDeps, attempt: Attempt, code: string) {
  // the failure belongs to the account when the username exists; known and unknown
  // usernames cost the same single lookup here
  const account = attempt.username
    ? await deps.accounts.findByUsername(attempt.username).catch(() => undefined)
    : undefined;
  let clientId: string | undefined;
  try {
    const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
    clientId = typeof details.params.client_id === 'string' ? details.params.client_id : undefined;
  } catch {
    // interaction already gone: the attempt is still recorded
  }
  deps.recorder.recordAttempt({
    accountId: account?.id,
    username: attempt.username,
    clientId,
    method: attempt.method,
    success: false,
    failureReason: code,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
  });
}

export function createInteractionRouter(deps: InteractionDeps): Router {
  const router = new Router();
  router.use(errorBoundary(deps));
  router.use(bodyParser({ enableTypes: ['form'], formLimit: '64kb' }));
  router.use(verifyCsrf);

  router.get('/interaction/:uid', async (ctx) => {
    const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
    if (details.uid !== ctx.params.uid) throw new AppError('interaction.expired', 'interaction.expired');
    switch (details.prompt.name) {
      case 'login':
        return renderLogin(ctx, deps);
      case 'consent':
        return renderConsent(ctx, deps);
      default:
        throw new AppError('interaction.unsupported_prompt', 'input.invalid');
    }
  });

  router.get('/interaction/:uid/abort', async (ctx) => {
    const result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    const redirectTo = await deps.provider().interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  });

  for (const method of Object.values(loginMethods)) method.mount(router, deps);
  mountConsentRoutes(router, deps);
  mountChangePasswordRoutes(router, deps);
  return router;
}
