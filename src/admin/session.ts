/**
 * Admin console sign-in. Admins are accounts with roles, and they sign in with the IdP's own
 * login: the console is a first-party public client of this OP (authorization code + PKCE),
 * its code redeemed in-process (provider/first-party-sessions.ts).
 *
 * The console session is a random id in a signed httpOnly cookie; its record (account id,
 * OP session id) lives in the short-lived store with the OP session's lifetime.
 */
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { defineErrors } from '../errors.js';
import {
  createFirstPartySessions,
  type FirstPartySession,
  type FirstPartySessions,
  firstPartyCallbackUrl,
  firstPartyClient,
  firstPartySignedOutUrl,
} from '../provider/first-party-sessions.js';
import type { ClientInput } from '../services/clients.js';

export const CONSOLE_CLIENT_ID = 'edu-idp-console';
export const ADMIN_BASE = '/admin';

export const sessionErrors = defineErrors('admin_session', {
  login_failed: { status: 400, message: 'admin_session.login_failed' },
});

export const callbackUrl = (issuer: string) => firstPartyCallbackUrl(issuer, ADMIN_BASE);
export const signedOutUrl = (issuer: string) => firstPartySignedOutUrl(issuer, ADMIN_BASE);

const CLIENT = { clientId: CONSOLE_CLIENT_ID, clientName: '管理後台 Admin console', basePath: ADMIN_BASE };

/** A static client of the provider: it exists on every node without a database row. */
export function consoleClient(issuer: string): ClientInput {
  return firstPartyClient(issuer, CLIENT);
}

export type AdminSession = FirstPartySession;
export type ConsoleSessions = FirstPartySessions;

/** Only paths of the console itself are valid return targets (no open redirect). */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[\w\-./?=&%]*)?$/.test(value) && !value.includes('//')
    ? value
    : ADMIN_BASE;
}

export function createConsoleSessions(
  store: PayloadStore,
  issuer: string,
  ttlSeconds: number,
): ConsoleSessions {
  return createFirstPartySessions({
    ...CLIENT,
    store,
    issuer,
    ttlSeconds,
    model: 'AdminSession',
    cookies: { session: 'edu_admin', login: 'edu_admin_login' },
    safeReturnPath,
    loginFailed: () => sessionErrors.login_failed(),
  });
}
