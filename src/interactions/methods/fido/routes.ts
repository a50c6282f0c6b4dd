/**
 * 行動自然人憑證 routes (all plain HTML, no script):
 *
 *   GET  /interaction/:uid/fido        page 1: national ID and QR code or push
 *   POST /interaction/:uid/fido        → ticket → 303 to the wait page
 *   GET  /interaction/:uid/fido/wait   reloads itself every TWFIDO_POLL_INTERVAL seconds; the
 *                                      service is polled at most that often → finishLogin,
 *                                      the bind form, or page 1 with the message
 *   POST /interaction/:uid/fido/bind   first login only: username + password → finishLogin
 *
 * Failures of the POST routes go through the interactions router's error boundary (which
 * records them and calls renderFido); the wait page is a GET, so it records and shows its
 * terminal failures itself.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import QRCode from 'qrcode';
import { fidoBindPage, fidoStartPage, fidoWaitPage } from '../../../../views/methods/fido.js';
import { isAppError } from '../../../errors.js';
import { nationalIdErrors } from '../../../services/national-id.js';
import type { TwFidoLogin } from '../../../services/twfido-login.js';
import { csrfToken } from '../../csrf.js';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { langHrefs, resolveLocale } from '../../locale.js';
import { sendPage } from '../../page.js';
import { interactionOf, type RenderOptions } from '../../pages.js';
import { fidoMethodErrors } from './errors.js';
import { fidoBindSchema, fidoStartSchema } from './schema.js';
import { bindFido, FIDO_STATE, type FidoState, pollFido, startFido } from './verify.js';

const field = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
};

/** Page 1 or the bind form, with a message (LoginMethod.render; the error boundary's re-render). */
export async function renderFido(ctx: Context, deps: InteractionDeps, opts: RenderOptions): Promise<void> {
  const details = await interactionOf(ctx, deps);
  const base = `/interaction/${details.uid}/fido`;
  const common = {
    locale: resolveLocale(ctx, details.params.ui_locales),
    csrf: csrfToken(ctx),
    error: opts.error,
    langHrefs: langHrefs(ctx),
    backHref: `/interaction/${details.uid}`,
  };
  const status = opts.status ?? (opts.error ? 400 : 200);
  const state = await deps.state.get<FidoState>(details.uid, FIDO_STATE);
  // the bind form belongs to the wait and bind steps; page 1 (GET or POST) starts afresh
  if (state?.phase === 'bind' && !ctx.path.endsWith('/fido')) {
    const html = fidoBindPage({
      ...common,
      action: `${base}/bind`,
      username: opts.username,
      maskedId: state.maskedId,
    });
    sendPage(ctx, html, status);
    return;
  }
  const body = ctx.method === 'POST' ? ctx.request.body : undefined;
  const mode = field(body, 'mode');
  const html = fidoStartPage({
    ...common,
    action: base,
    nationalId: field(body, 'national_id')?.slice(0, 40),
    mode: mode === 'push' ? 'push' : 'qr',
  });
  sendPage(ctx, html, status);
}

async function renderWait(ctx: Context, deps: InteractionDeps, state: FidoState, login: TwFidoLogin) {
  const details = await interactionOf(ctx, deps);
  const qrDataUri =
    state.mode === 'qr' && state.spTicket
      ? `data:image/svg+xml;base64,${Buffer.from(
          await QRCode.toString(state.spTicket, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
        ).toString('base64')}`
      : undefined;
  const html = fidoWaitPage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    langHrefs: langHrefs(ctx),
    backHref: `/interaction/${details.uid}`,
    mode: state.mode,
    qrDataUri,
    code: state.code,
    maskedId: state.maskedId,
    refreshSeconds: login.pollInterval,
    remainingSeconds: Math.max(0, Math.ceil((state.deadline - Date.now()) / 1000)),
    checkHref: `/interaction/${details.uid}/fido/wait`,
  });
  sendPage(ctx, html);
}

export function mountFidoRoutes(router: Router, deps: InteractionDeps): void {
  const login = deps.twfido;
  // not configured: no routes, and the login page shows no link (LoginMethod.enabled)
  if (!login) return;
  const throttleKey = (ctx: Context, idHash: string) => ({ account: idHash, ip: ctx.ip });

  router.get('/interaction/:uid/fido', (ctx) => renderFido(ctx, deps, {}));

  router.post('/interaction/:uid/fido', async (ctx) => {
    ctx.state.attempt = { method: 'fido' };
    const details = await interactionOf(ctx, deps);
    const parsed = fidoStartSchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      const nationalIdProblem = parsed.error.issues.some((i) => i.path[0] === 'national_id');
      throw nationalIdProblem ? nationalIdErrors.invalid() : fidoMethodErrors.invalid_input();
    }
    // each ticket sends the person a request (a push to their phone): counted until a login
    await deps.throttle.guard('fido', throttleKey(ctx, login.idHash(parsed.data.national_id)));
    const state = await startFido(login, parsed.data);
    await deps.state.set(details.uid, FIDO_STATE, state, details.exp);
    ctx.status = 303;
    ctx.redirect(`/interaction/${details.uid}/fido/wait`);
  });

  router.get('/interaction/:uid/fido/wait', async (ctx) => {
    const details = await interactionOf(ctx, deps);
    const state = await deps.state.get<FidoState>(details.uid, FIDO_STATE);
    try {
      if (!state) throw fidoMethodErrors.restart();
      const outcome = await pollFido({ twfido: login, accounts: deps.accounts }, state);
      if (outcome.next === 'login') {
        await deps.state.delete(details.uid, FIDO_STATE);
        await deps.throttle.succeeded('fido', throttleKey(ctx, state.idHash));
        await finishLogin(ctx, deps, { accountId: outcome.accountId, method: 'fido' });
        return;
      }
      await deps.state.set(details.uid, FIDO_STATE, state, details.exp);
      if (outcome.next === 'bind') await renderFido(ctx, deps, {});
      else await renderWait(ctx, deps, state, login);
    } catch (err) {
      if (!isAppError(err) || !err.expose) throw err;
      // the attempt is over: record it, and back to page 1 with the message
      await deps.state.delete(details.uid, FIDO_STATE);
      const clientId = details.params.client_id;
      deps.recorder.recordAttempt({
        clientId: typeof clientId === 'string' ? clientId : undefined,
        method: 'fido',
        success: false,
        failureReason: err.code,
        ip: ctx.ip,
        userAgent: ctx.get('user-agent') || undefined,
      });
      await renderFido(ctx, deps, { error: err.code, status: err.status });
    }
  });

  router.post('/interaction/:uid/fido/bind', async (ctx) => {
    const username = field(ctx.request.body, 'username');
    ctx.state.attempt = { method: 'fido', username };
    const details = await interactionOf(ctx, deps);
    const parsed = fidoBindSchema.safeParse(ctx.request.body ?? {});
    if (!parsed.success) throw fidoMethodErrors.invalid_input();
    const state = await deps.state.get<FidoState>(details.uid, FIDO_STATE);
    // a password is being tried: the password throttle of that username applies
    const key = { account: parsed.data.username, ip: ctx.ip };
    await deps.throttle.guard('password', key);
    const accountId = await bindFido({ twfido: login, accounts: deps.accounts }, state, parsed.data);
    await deps.throttle.succeeded('password', key);
    if (state) await deps.throttle.succeeded('fido', throttleKey(ctx, state.idHash));
    await deps.state.delete(details.uid, FIDO_STATE);
    await finishLogin(ctx, deps, { accountId, method: 'fido', username: parsed.data.username });
  });
}
