/**
 * Sign-in of the account pages (/account/passkeys, later the user portal): a static
 * first-party client of this OP, like the admin console, whose code is redeemed in-process
 * (provider/first-party-sessions.ts). The page session is short: adding a passkey should
 * follow a recent sign-in, and signing out of the OP ends it at once.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { AppError, defineErrors } from '../errors.js';
import {
  createFirstPartySessions,
  type FirstPartySessions,
  firstPartyClient,
} from '../provider/first-party-sessions.js';
import type { Account, AccountService } from '../services/accounts.js';
import type { ClientInput } from '../services/clients.js';

export const ACCOUNT_CLIENT_ID = 'edu-idp-account';
export const ACCOUNT_BASE = '/account';
export const ACCOUNT_SESSION_SECONDS = 15 * 60;

export const accountSessionErrors = defineErrors('account_passkeys', {
  login_failed: { status: 400, message: 'account_passkeys.login_failed' },
});

const CLIENT = { clientId: ACCOUNT_CLIENT_ID, clientName: '我的帳號 My account', basePath: ACCOUNT_BASE };

export function accountClient(issuer: string): ClientInput {
  return firstPartyClient(issuer, CLIENT);
}

/**
 * Only the account pages are return targets (no open redirect): /account or a path below it,
 * with a plain query string (the portal's filters and page links) at most.
 */
export function safeAccountPath(value: unknown): string {
  return typeof value === 'string' &&
    value.length <= 1024 &&
    /^\/account(?:\/[\w\-/]*)?(?:\?[\w\-.~%=&+]*)?$/.test(value) &&
    !value.includes('//')
    ? value
    : `${ACCOUNT_BASE}/passkeys`;
}

export type AccountSessions = FirstPartySessions;

export function createAccountSessions(store: PayloadStore, issuer: string): AccountSessions {
  return createFirstPartySessions({
    ...CLIENT,
    store,
    issuer,
    ttlSeconds: ACCOUNT_SESSION_SECONDS,
    model: 'AccountSession',
    cookies: { session: 'edu_account', login: 'edu_account_login' },
    safeReturnPath: safeAccountPath,
    loginFailed: () => accountSessionErrors.login_failed(),
  });
}

export interface SignedInAccount {
  account: Account;
  /** a key for this page session's ceremonies (a hash of the session id, never the cookie itself) */
  ceremony: string;
}

/** The active account signed in to the account pages, or undefined. */
export async function signedInAccount(
  ctx: Context,
  deps: { accountSessions: AccountSessions; accounts: AccountService },
): Promise<SignedInAccount | undefined> {
  const session = await deps.accountSessions.current(ctx);
  const account = session && (await deps.accounts.findById(session.accountId));
  const id = deps.accountSessions.currentId(ctx);
  if (account?.status !== 'active' || !id) return undefined;
  return { account, ceremony: createHash('sha256').update(id).digest('base64url') };
}

/** @throws account_passkeys.login_failed (401) when no account is signed in */
export async function requireSignedInAccount(
  ctx: Context,
  deps: { accountSessions: AccountSessions; accounts: AccountService },
): Promise<SignedInAccount> {
  const who = await signedInAccount(ctx, deps);
  if (!who) throw new AppError('account_passkeys.login_failed', 'account_passkeys.login_failed', 401);
  return who;
}
