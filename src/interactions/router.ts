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
import { isAppError } from '../errors.js';
import { RateLimitError } from '../services/throttle.js';
import { mountActivationRoutes } from './activation/routes.js';
import { mountChangePasswordRoutes } from './change-password/routes.js';
import { mountConsentRoutes } from './consent/routes.js';
import { verifyCsrf } from './csrf.js';
import type { InteractionDeps } from './deps.js';
import { resolveLocale } from './locale.js';
import { loginMethods } from './methods/index.js';
import { sendPage } from './page.js';
import { finishInteraction, interactionOf, renderInteraction } from './pages.js';

interface Attempt {
  method: string;
  username?: string;
  /** the failure reason to record when it is not the error's code (the message stays generic) */
  reason?: string;
}

function errorBoundary(deps: InteractionDeps) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (err) {
      const attempt = ctx.state.attempt as Attempt | undefined;
      // the interaction, if it is still there: for the failure record and the re-rendered form
      const interaction = isAppError(err) ? await interactionOf(ctx, deps).catch(() => undefined) : undefined;
      if (attempt && isAppError(err)) {
        const reason = err instanceof RateLimitError ? 'rate_limited' : (attempt.reason ?? err.code);
        await recordFailure(ctx, deps, attempt, reason);
      }
      if (err instanceof RateLimitError) ctx.set('Retry-After', String(err.retryAfter));
      const locale = resolveLocale(ctx);
      const expired =
        err instanceof oidcErrors.SessionNotFound || (isAppError(err) && err.code === 'interaction.expired');
      if (expired) {
        sendPage(
          ctx,
          errorPage({ locale, error: 'interaction.expired', requestId: ctx.state.requestId }),
          400,
        );
        return;
      }
      if (isAppError(err) && err.expose) {
        // A form the user can fix (or one whose CSRF token expired) comes back with the
        // message and what was typed, at whatever step the interaction is.
        if (ctx.method === 'POST' && interaction) {
          const body = (ctx.request.body ?? {}) as Record<string, unknown>;
          const username =
            attempt?.username ?? (typeof body.username === 'string' ? body.username : undefined);
          await renderInteraction(ctx, deps, {
            error: err.code,
            username,
            status: err.status,
            method: attempt?.method,
          });
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
  const clientId = (ctx.state.interaction as { params: { client_id?: unknown } } | undefined)?.params
    .client_id;
  deps.recorder.recordAttempt({
    accountId: account?.id,
    username: attempt.username,
    clientId: typeof clientId === 'string' ? clientId : undefined,
    method: attempt.method,
    success: false,
    failureReason: code,
    ip: ctx.ip,
    userAgent: ctx.get('user-agent') || undefined,
  });
}

export function createInteractionRouter(deps: InteractionDeps): Router {
  const router = new Router();
  // guards under the :uid prefix, so that ctx.params.uid is known even when a guard fails
  const scope = '/interaction/:uid';
  router.use(scope, errorBoundary(deps));
  router.use(scope, bodyParser({ enableTypes: ['form'], formLimit: '64kb' }));
  router.use(scope, verifyCsrf);

  router.get('/interaction/:uid', (ctx) => renderInteraction(ctx, deps));

  router.get('/interaction/:uid/abort', async (ctx) => {
    await interactionOf(ctx, deps);
    const result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
    await finishInteraction(ctx, deps, result, false);
  });

  for (const method of Object.values(loginMethods)) method.mount(router, deps);
  mountConsentRoutes(router, deps);
  mountActivationRoutes(router, deps);
  mountChangePasswordRoutes(router, deps);
  return router;
}
