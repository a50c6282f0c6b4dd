/**
 * passOne routes:
 *
 *   GET  /passone                       the passOne URL teachers tell students: starts an
 *                                       authorization request of the passOne client (PKCE,
 *                                       prompt=login), whose login step is the passOne form
 *   GET  /passone/done                  its redirect: redeems the code in-process and says the
 *                                       password is set
 *   GET  /interaction/:uid/pass-one     the form, in any interaction (no link leads here)
 *   POST /interaction/:uid/pass-one     username + code → forced password change → finishLogin
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { passOneDonePage, passOnePage } from '../../../../views/methods/pass-one.js';
import { OIDC_ROUTES } from '../../../provider/routes.js';
import { csrfToken } from '../../csrf.js';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { langHrefs, resolveLocale } from '../../locale.js';
import { sendPage } from '../../page.js';
import { interactionOf, type RenderOptions, renderInteraction } from '../../pages.js';
import { PASS_ONE_CLIENT_ID, PASS_ONE_PATH, passOneDoneUrl } from './client.js';
import { passOneMethodErrors } from './errors.js';
import { passOneLoginSchema } from './schema.js';
import { verifyPassOne } from './verify.js';

const START_COOKIE = 'edu_passone';

/** The passOne form of the interaction in the path (LoginMethod.render). */
export async function renderPassOne(ctx: Context, deps: InteractionDeps, opts: RenderOptions): Promise<void> {
  const details = await interactionOf(ctx, deps);
  const html = passOnePage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    action: `/interaction/${details.uid}/pass-one`,
    csrf: csrfToken(ctx),
    username: opts.username,
    error: opts.error,
    langHrefs: langHrefs(ctx),
    abortHref: `/interaction/${details.uid}/abort`,
  });
  sendPage(ctx, html, opts.status ?? (opts.error ? 400 : 200));
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const cookieOptions = (ctx: Context, maxAge?: number) => ({
  signed: true,
  httpOnly: true,
  sameSite: 'lax' as const,
  path: PASS_ONE_PATH,
  secure: ctx.secure,
  overwrite: true,
  ...(maxAge ? { maxAge } : {}),
});

/** The account signed in by the passOne client's code in this redirect, or undefined. */
async function redeemDone(ctx: Context, deps: InteractionDeps): Promise<string | undefined> {
  const raw = ctx.cookies.get(START_COOKIE, { signed: true });
  ctx.cookies.set(START_COOKIE, null, cookieOptions(ctx));
  let started: { state?: unknown; verifier?: unknown } | undefined;
  try {
    started = raw ? JSON.parse(raw) : undefined;
  } catch {
    started = undefined;
  }
  const { code: value, state } = ctx.query;
  if (
    typeof started?.state !== 'string' ||
    typeof started.verifier !== 'string' ||
    typeof state !== 'string' ||
    typeof value !== 'string' ||
    !equal(state, started.state)
  ) {
    return undefined;
  }
  const provider = deps.provider();
  const code = await provider.AuthorizationCode.find(value).catch(() => undefined);
  const valid =
    code &&
    !code.isExpired &&
    !(code as { consumed?: unknown }).consumed &&
    code.clientId === PASS_ONE_CLIENT_ID &&
    code.redirectUri === passOneDoneUrl(deps.config.issuer) &&
    typeof code.codeChallenge === 'string' &&
    equal(code.codeChallenge, s256(started.verifier)) &&
    typeof code.accountId === 'string';
  if (!valid) return undefined;
  await code.consume();
  return (await deps.accounts.findById(code.accountId as string))?.username;
}

export function mountPassOneRoutes(router: Router, deps: InteractionDeps): void {
  router.get(PASS_ONE_PATH, (ctx) => {
    const state = randomBytes(24).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    ctx.cookies.set(START_COOKIE, JSON.stringify({ state, verifier }), cookieOptions(ctx, 30 * 60_000));
    const url = new URL(`${deps.config.issuer}${OIDC_ROUTES.authorization}`);
    url.search = new URLSearchParams({
      client_id: PASS_ONE_CLIENT_ID,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: passOneDoneUrl(deps.config.issuer),
      state,
      code_challenge: s256(verifier),
      code_challenge_method: 'S256',
      // whoever was signed in on this browser before, the student signs in here
      prompt: 'login',
      ui_locales: resolveLocale(ctx),
    }).toString();
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(url.toString());
  });

  router.get(`${PASS_ONE_PATH}/done`, async (ctx) => {
    const locale = resolveLocale(ctx);
    let username: string | undefined;
    try {
      username = await redeemDone(ctx, deps);
    } catch (err) {
      ctx.state.log?.warn({ err }, 'passOne redirect not redeemed');
    }
    sendPage(ctx, passOneDonePage({ locale, username, failed: !username }), username ? 200 : 400);
  });

  router.get('/interaction/:uid/pass-one', (ctx) => renderInteraction(ctx, deps, { method: 'pass-one' }));

  router.post('/interaction/:uid/pass-one', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    // the error middleware records the failure and brings this form back with the username
    ctx.state.attempt = { method: 'pass-one', username };
    await interactionOf(ctx, deps);
    const parsed = passOneLoginSchema.safeParse(body);
    if (!parsed.success) throw passOneMethodErrors.invalid_input();
    const accountId = await verifyPassOne(deps, { ...parsed.data, ip: ctx.ip });
    await finishLogin(ctx, deps, { accountId, method: 'pass-one', username: parsed.data.username });
  });
}
