/**
 * One-time account links: activation (after an approved application) and password reset
 * (an admin's "reset via one-time link"). The token is 32 random bytes, base64url, sent only
 * in the link; the database keeps its keyed hash (secret box), the expiry and the use. Opening
 * the link and setting a password that meets the policy uses it up, together with every other
 * open link of the account.
 */
import { randomBytes } from 'node:crypto';
import {
  type AccountToken,
  type AccountTokenPurpose,
  findAccountTokenByHash,
  insertAccountToken,
  markAccountTokenUsed,
  revokeAccountTokens,
} from '../adapters/db/account-tokens.js';
import { findAccountById, findAccountsByVerifiedEmail } from '../adapters/db/accounts.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { defineErrors } from '../errors.js';
import type { Account, AccountService } from './accounts.js';
import { deliver, type Mailer, resetLinkMessage } from './messaging.js';
import type { SecretBox } from './secret-box.js';

export type { AccountTokenPurpose } from '../adapters/db/account-tokens.js';

export const accountLinkErrors = defineErrors('account_link', {
  invalid: { status: 404, message: 'account_link.invalid' },
  expired: { status: 410, message: 'account_link.expired' },
  used: { status: 410, message: 'account_link.used' },
  account_not_found: { status: 404, message: 'account_link.account_not_found' },
});

const CONTEXT = 'account-token';
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Path of a link, e.g. /account/activate/<token>; the pages router serves it. */
export const accountLinkPath = (purpose: AccountTokenPurpose, token: string) =>
  `/account/${purpose}/${token}`;

export interface AccountTokenServiceDeps {
  db: Db;
  box: SecretBox;
  accounts: AccountService;
  mailer: Mailer;
  issuer: string;
  /** seconds: config.activationLinkTtl and config.resetLinkTtl */
  ttl: Readonly<Record<AccountTokenPurpose, number>>;
}

export interface IssuedLink {
  url: string;
  expiresAt: Date;
}

export interface AccountTokenService {
  /**
   * A new link for the account; earlier open links of the same purpose stop working. Pass the
   * caller's transaction as `db` so the link exists exactly when the caller's change commits.
   */
  issue(
    accountId: string,
    purpose: AccountTokenPurpose,
    opts: { createdBy: string | null; db?: DbOrTx },
  ): Promise<IssuedLink>;
  /**
   * The admin's "reset password via one-time link": returns the URL and also e-mails it when
   * the account has a verified address. Nothing is kept when the e-mail cannot be sent.
   * @throws account_link.account_not_found, messaging.send_failed
   */
  createResetLink(accountId: string, actorId: string | null): Promise<string>;
  /**
   * 忘記密碼 (self-service): a reset link by e-mail when the username (or the e-mail address
   * of exactly one account) names an active account with a verified address; otherwise
   * nothing. The caller answers the same either way; 'sent' is for logs and tests only.
   * @throws messaging.send_failed
   */
  requestReset(identifier: string): Promise<'sent' | 'none'>;
  /**
   * The account a link opens, for the set-password page.
   * @throws account_link.invalid | expired | used
   */
  inspect(purpose: AccountTokenPurpose, token: string): Promise<{ account: Account; expiresAt: Date }>;
  /**
   * Sets the password under the policy and uses the link up (and the account's other links).
   * A password the policy refuses leaves the link usable.
   * @throws account_link.invalid | expired | used, password.too_short | too_long | too_common |
   *   contains_username | same_as_old
   */
  consume(purpose: AccountTokenPurpose, token: string, newPassword: string): Promise<Account>;
}

/** "NA" is what county OpenID 2.0 data has for no address (reference §5.12). */
const hasVerifiedEmail = (a: Account) => Boolean(a.email && a.emailVerified && a.email !== 'NA');

export function createAccountTokenService(deps: AccountTokenServiceDeps): AccountTokenService {
  const { db, box } = deps;
  const hashOf = (token: string) => box.hash(token, CONTEXT);

  /** @throws account_link.invalid | expired | used */
  function check(row: AccountToken | undefined, purpose: AccountTokenPurpose): AccountToken {
    if (!row || row.purpose !== purpose) throw accountLinkErrors.invalid();
    if (row.usedAt) throw accountLinkErrors.used();
    if (row.expiresAt.getTime() <= Date.now()) throw accountLinkErrors.expired();
    return row;
  }

  async function find(conn: DbOrTx, purpose: AccountTokenPurpose, token: string, lock = false) {
    // a malformed token never reaches the database
    if (!TOKEN_FORMAT.test(token)) throw accountLinkErrors.invalid();
    const row = check(await findAccountTokenByHash(conn, hashOf(token), { lock }), purpose);
    const account = await findAccountById(conn, row.accountId);
    if (!account) throw accountLinkErrors.invalid();
    return { row, account };
  }

  const issue: AccountTokenService['issue'] = async (accountId, purpose, opts) => {
    const conn = opts.db ?? db;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + deps.ttl[purpose] * 1000);
    await revokeAccountTokens(conn, accountId, purpose);
    await insertAccountToken(conn, {
      accountId,
      purpose,
      tokenHash: hashOf(token),
      expiresAt,
      createdBy: opts.createdBy,
    });
    return { url: `${deps.issuer}${accountLinkPath(purpose, token)}`, expiresAt };
  };

  const service: AccountTokenService = {
    issue,

    async requestReset(identifier) {
      const typed = identifier.normalize('NFKC').trim();
      let account = typed ? await deps.accounts.findByUsername(typed) : undefined;
      if (!account && typed.includes('@')) {
        // an address shared by two accounts (siblings, a parent) cannot say which one is meant
        const matches = await findAccountsByVerifiedEmail(db, typed);
        account = matches.length === 1 ? matches[0] : undefined;
      }
      if (account?.status !== 'active' || !hasVerifiedEmail(account)) return 'none';
      await service.createResetLink(account.id, null);
      return 'sent';
    },

    async createResetLink(accountId, actorId) {
      return db.transaction(async (tx) => {
        const account = await findAccountById(tx, accountId);
        if (!account) throw accountLinkErrors.account_not_found();
        const link = await issue(accountId, 'reset', { createdBy: actorId, db: tx });
        if (account.email && hasVerifiedEmail(account)) {
          const message = resetLinkMessage({
            to: account.email,
            name: account.name,
            username: account.username,
            ...link,
            selfService: actorId === null,
          });
          // sent before the commit: a failed send leaves no link behind
          await deliver(() => deps.mailer.send(message));
        }
        return link.url;
      });
    },

    async inspect(purpose, token) {
      const { row, account } = await find(db, purpose, token);
      return { account, expiresAt: row.expiresAt };
    },

    async consume(purpose, token, newPassword) {
      return db.transaction(async (tx) => {
        // the row lock makes a second use of the same link wait, then see it used
        const { row, account } = await find(tx, purpose, token, true);
        await deps.accounts.setPassword(account.id, newPassword);
        await markAccountTokenUsed(tx, row.id);
        // a password is set: an older activation or reset link must not set another one
        await revokeAccountTokens(tx, account.id);
        return account;
      });
    },
  };
  return service;
}
