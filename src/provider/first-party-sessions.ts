/**
 * Sign-in of the IdP's own pages (the admin console, the account pages): each is a static
 * first-party public client of this OP (authorization code + PKCE S256) and signs in with the
 * IdP's own login. The code is redeemed in-process through the provider's AuthorizationCode
 * model, with the checks the token endpoint makes (client, redirect_uri, PKCE S256, expiry,
 * single use), so no HTTP call to ourselves is needed behind proxies.
 *
 * The page session is a random id in a signed httpOnly cookie scoped to the client's base
 * path; its record (account id, OP session id) lives in the short-lived store, and it ends
 * with the OP session it came from.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import type { ClientInput } from '../services/clients.js';
import { OIDC_ROUTES } from './routes.js';

export interface FirstPartyClientOptions {
  clientId: string;
  clientName: string;
  /** where the pages live: /admin, /account */
  basePath: string;
}

export const firstPartyCallbackUrl = (issuer: string, basePath: string) => `${issuer}${basePath}/callback`;
export const firstPartySignedOutUrl = (issuer: string, basePath: string) => `${issuer}${basePath}/signed-out`;

/** A static client of the provider: it exists on every node without a database row. */
export function firstPartyClient(issuer: string, o: FirstPartyClientOptions): ClientInput {
  return {
    client_id: o.clientId,
    client_name: o.clientName,
    redirect_uris: [firstPartyCallbackUrl(issuer, o.basePath)],
    post_logout_redirect_uris: [firstPartySignedOutUrl(issuer, o.basePath)],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    scope: 'openid',
    first_party: true,
  };
}

export interface FirstPartySession {
  accountId: string;
  /** the OP session this page session came from */
  sessionUid: string | undefined;
  createdAt: number;
}

export interface FirstPartySessions {
  /** Redirects the browser to the OP's authorization endpoint. */
  startLogin(ctx: Context, returnTo: string): void;
  /** Redeems the code of <base>/callback; returns where to go next. @throws the loginFailed error */
  finishLogin(ctx: Context, provider: Provider): Promise<string>;
  current(ctx: Context): Promise<FirstPartySession | undefined>;
  /** The session's id (a random secret), e.g. to key a ceremony's state to this session. */
  currentId(ctx: Context): string | undefined;
  /** Ends the page session; returns the OP's end-session URL (which comes back to <base>/signed-out). */
  end(ctx: Context): Promise<string>;
}

export interface FirstPartySessionOptions extends FirstPartyClientOptions {
  store: PayloadStore;
  issuer: string;
  ttlSeconds: number;
  /** the short-lived store's model of the session records */
  model: string;
  cookies: { session: string; login: string };
  /** only paths this accepts are followed after the login; anything else becomes the fallback */
  safeReturnPath(value: unknown): string;
  loginFailed(): Error;
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createFirstPartySessions(o: FirstPartySessionOptions): FirstPartySessions {
  const { store, issuer } = o;
  const callbackUrl = firstPartyCallbackUrl(issuer, o.basePath);
  const cookieOptions = (ctx: Context, maxAge?: number) => ({
    signed: true,
    httpOnly: true,
    sameSite: 'lax' as const,
    path: o.basePath,
    secure: ctx.secure,
    overwrite: true,
    ...(maxAge ? { maxAge } : {}),
  });
  const currentId = (ctx: Context) => {
    const id = ctx.cookies.get(o.cookies.session, { signed: true });
    return id && /^[\w-]{43}$/.test(id) ? id : undefined;
  };

  return {
    startLogin(ctx, returnTo) {
      const state = randomBytes(24).toString('base64url');
      const verifier = randomBytes(32).toString('base64url');
      ctx.cookies.set(
        o.cookies.login,
        JSON.stringify({ state, verifier, returnTo: o.safeReturnPath(returnTo) }),
        cookieOptions(ctx, 15 * 60_000),
      );
      const url = new URL(`${issuer}${OIDC_ROUTES.authorization}`);
      url.search = new URLSearchParams({
        client_id: o.clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: callbackUrl,
        state,
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
      }).toString();
      ctx.redirect(url.toString());
    },

    async finishLogin(ctx, provider) {
      const raw = ctx.cookies.get(o.cookies.login, { signed: true });
      ctx.cookies.set(o.cookies.login, null, cookieOptions(ctx));
      let pending: { state: string; verifier: string; returnTo: string } | undefined;
      try {
        pending = raw ? JSON.parse(raw) : undefined;
      } catch {
        pending = undefined;
      }
      const { code: value, state } = ctx.query;
      if (
        !pending ||
        typeof state !== 'string' ||
        !equal(state, pending.state) ||
        typeof value !== 'string'
      ) {
        throw o.loginFailed();
      }
      const code = await provider.AuthorizationCode.find(value).catch(() => undefined);
      const valid =
        code &&
        !code.isExpired &&
        !(code as { consumed?: unknown }).consumed &&
        code.clientId === o.clientId &&
        code.redirectUri === callbackUrl &&
        code.codeChallengeMethod === 'S256' &&
        typeof code.codeChallenge === 'string' &&
        equal(code.codeChallenge, s256(pending.verifier)) &&
        typeof code.accountId === 'string';
      if (!valid) throw o.loginFailed();
      await code.consume();
      const id = randomBytes(32).toString('base64url');
      const session: FirstPartySession = {
        accountId: code.accountId as string,
        sessionUid: code.sessionUid,
        createdAt: Date.now(),
      };
      await store.upsert(o.model, id, { ...session }, o.ttlSeconds);
      ctx.cookies.set(o.cookies.session, id, cookieOptions(ctx));
      return o.safeReturnPath(pending.returnTo);
    },

    async current(ctx) {
      const id = currentId(ctx);
      if (!id) return undefined;
      const payload = await store.find(o.model, id);
      if (!payload || typeof payload.accountId !== 'string') return undefined;
      const session = payload as unknown as FirstPartySession;
      // the page session lives only as long as the OP session it came from: signing out
      // anywhere (another application's logout, the OP's own page) also closes it
      const op = session.sessionUid ? await store.findByUid('Session', session.sessionUid) : undefined;
      if (op?.accountId !== session.accountId) {
        await store.destroy(o.model, id);
        return undefined;
      }
      return session;
    },

    currentId,

    async end(ctx) {
      const id = currentId(ctx);
      if (id) await store.destroy(o.model, id);
      ctx.cookies.set(o.cookies.session, null, cookieOptions(ctx));
      // sign out of the OP too (its confirmation page), then back to the signed-out page
      const url = new URL(`${issuer}${OIDC_ROUTES.end_session}`);
      url.search = new URLSearchParams({
        client_id: o.clientId,
        post_logout_redirect_uri: firstPartySignedOutUrl(issuer, o.basePath),
      }).toString();
      return url.toString();
    },
  };
}
