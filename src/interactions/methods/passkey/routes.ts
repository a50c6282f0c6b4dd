/**
 * Passkey login (WebAuthn discoverable credentials):
 *
 *   GET  /interaction/:uid/passkey           the page: a button run by /static/passkey.js
 *   GET  /interaction/:uid/passkey/options   fresh request options; the challenge is kept in
 *                                            the interaction's state for at most 5 minutes
 *   POST /interaction/:uid/passkey           the assertion (JSON in the `response` field, with
 *                                            the CSRF field) → finishLogin
 *
 * Without JavaScript the page says so and offers the password form instead.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { passkeyLoginPage } from '../../../../views/methods/passkey.js';
import { PASSKEY_CEREMONY_SECONDS } from '../../../services/passkeys.js';
import { csrfToken } from '../../csrf.js';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { langHrefs, resolveLocale } from '../../locale.js';
import { sendScriptedPage } from '../../page.js';
import { clientInfo, interactionOf, type RenderOptions, renderInteraction } from '../../pages.js';
import { passkeyErrors } from './errors.js';
import { passkeyLoginSchema } from './schema.js';
import { PASSKEY_CHALLENGE, verifyPasskey } from './verify.js';

/** The method's page (LoginMethod.render): also how a failed attempt comes back with its message. */
export async function renderPasskeyPage(ctx: Context, deps: InteractionDeps, opts: RenderOptions) {
  const details = await interactionOf(ctx, deps);
  const uid = details.uid;
  const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
  const html = passkeyLoginPage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    csrf: csrfToken(ctx),
    langHrefs: langHrefs(ctx),
    client: await clientInfo(deps, details.params.client_id),
    action: `/interaction/${uid}/passkey`,
    optionsUrl: `/interaction/${uid}/passkey/options`,
    passwordAction: `/interaction/${uid}/password`,
    backHref: `/interaction/${uid}`,
    username: opts.username ?? hint,
    ...(opts.error ? { error: opts.error } : {}),
  });
  sendScriptedPage(ctx, html, opts.status ?? (opts.error ? 400 : 200));
}

export function mountPasskeyRoutes(router: Router, deps: InteractionDeps): void {
  router.get('/interaction/:uid/passkey', (ctx) => renderInteraction(ctx, deps, { method: 'passkey' }));

  router.get('/interaction/:uid/passkey/options', async (ctx) => {
    const details = await interactionOf(ctx, deps);
    if (details.prompt.name !== 'login') throw passkeyErrors.challenge_expired();
    const options = await deps.passkeys.authenticationOptions();
    const expiresAt = Math.min(details.exp, Math.floor(Date.now() / 1000) + PASSKEY_CEREMONY_SECONDS);
    await deps.state.set(details.uid, PASSKEY_CHALLENGE, { challenge: options.challenge }, expiresAt);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = options;
  });

  router.post('/interaction/:uid/passkey', async (ctx) => {
    // the error middleware records the failure and brings this page back with the message
    ctx.state.attempt = { method: 'passkey' };
    const details = await interactionOf(ctx, deps);
    const parsed = passkeyLoginSchema.safeParse(ctx.request.body);
    if (!parsed.success) throw passkeyErrors.invalid_response();
    const { accountId, username } = await verifyPasskey(deps, details.uid, parsed.data.response);
    await finishLogin(ctx, deps, { accountId, method: 'passkey', username });
  });
}
