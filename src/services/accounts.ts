/**
 * Accounts: username normalisation, password authentication with equal timing for unknown
 * users, password changes under the policy, and the OIDC claims of an account.
 */
import {
  type Account,
  type AccountInput,
  findAccountById,
  findAccountByUsername,
  updateAccount,
  upsertAccountByUsername,
} from '../adapters/db/accounts.js';
import type { Db } from '../adapters/db.js';
import { defineErrors } from '../errors.js';
import { checkPasswordPolicy, type PasswordHasher } from './passwords.js';

export type { Account } from '../adapters/db/accounts.js';

export const accountErrors = defineErrors('password', {
  invalid_credentials: { status: 401, message: 'password.invalid_credentials' },
  account_disabled: { status: 403, message: 'password.account_disabled' },
  current_invalid: { message: 'password.current_invalid' },
  same_as_old: { message: 'password.same_as_old' },
});

const usernameErrors = defineErrors('username', { invalid: { message: 'input.invalid' } });

/**
 * Users type "AA1234@kl.edu.tw", full-width letters from a Chinese IME, or stray spaces;
 * the account is "aa1234". NFKC folds full-width forms, everything from '@' on is dropped.
 */
export function normalizeUsername(input: string): string {
  const folded = input.normalize('NFKC').trim().toLowerCase();
  const at = folded.indexOf('@');
  return (at >= 0 ? folded.slice(0, at) : folded).trim();
}

export interface AccountService {
  findById(id: string): Promise<Account | undefined>;
  findByUsername(username: string): Promise<Account | undefined>;
  /** @throws password.invalid_credentials, password.account_disabled */
  authenticatePassword(username: string, password: string): Promise<Account>;
  /** @throws password.too_short | too_long | too_common | contains_username | same_as_old */
  setPassword(accountId: string, newPassword: string): Promise<void>;
  upsert(
    input: AccountInput & { password?: string | undefined },
  ): Promise<{ account: Account; created: boolean }>;
}

export function createAccountService(db: Db, hasher: PasswordHasher): AccountService {
  return {
    findById: (id) => findAccountById(db, id),
    findByUsername: (username) => findAccountByUsername(db, normalizeUsername(username)),

    async authenticatePassword(username, password) {
      const normalized = normalizeUsername(username);
      const account = normalized ? await findAccountByUsername(db, normalized) : undefined;
      if (!account?.passwordHash) {
        // same argon2 work as a real check: response time does not tell whether the user exists
        await hasher.verifyDummy(password);
        throw accountErrors.invalid_credentials();
      }
      if (!(await hasher.verify(account.passwordHash, password))) throw accountErrors.invalid_credentials();
      // only someone who knows the password learns that the account is disabled
      if (account.status !== 'active') throw accountErrors.account_disabled();
      if (hasher.needsRehash(account.passwordHash)) {
        await updateAccount(db, account.id, { passwordHash: await hasher.hash(password) });
      }
      return account;
    },

    async setPassword(accountId, newPassword) {
      const account = await findAccountById(db, accountId);
      if (!account) throw accountErrors.invalid_credentials();
      const problem = checkPasswordPolicy(newPassword, { username: account.username });
      if (problem) throw problem;
      if (account.passwordHash && (await hasher.verify(account.passwordHash, newPassword))) {
        throw accountErrors.same_as_old();
      }
      await updateAccount(db, accountId, {
        passwordHash: await hasher.hash(newPassword),
        mustChangePassword: false,
        passwordChangedAt: new Date(),
      });
    },

    async upsert({ password, ...input }) {
      const username = normalizeUsername(input.username);
      if (!username) throw usernameErrors.invalid();
      const existing = await findAccountByUsername(db, username);
      let passwordHash: string | undefined;
      if (password !== undefined) {
        const problem = checkPasswordPolicy(password, { username });
        if (problem) throw problem;
        // keep the stored hash when the password is unchanged: importing twice changes nothing
        const unchanged = existing?.passwordHash && (await hasher.verify(existing.passwordHash, password));
        if (!unchanged) passwordHash = await hasher.hash(password);
      }
      const account = await upsertAccountByUsername(db, {
        ...input,
        username,
        ...(passwordHash ? { passwordHash, passwordChangedAt: new Date() } : {}),
      });
      return { account, created: !existing };
    },
  };
}

/** Standard claims (OIDC Core §5.1) by scope; sub is the opaque account id, never the username. */
export function accountClaims(account: Account): Record<string, unknown> {
  return {
    sub: account.id,
    name: account.name ?? undefined,
    family_name: account.familyName ?? undefined,
    given_name: account.givenName ?? undefined,
    preferred_username: account.username,
    // an address imported as "NA" from county OpenID 2.0 data is never verified (reference §5.12)
    email: account.email && account.email !== 'NA' ? account.email : undefined,
    email_verified: account.email && account.email !== 'NA' ? account.emailVerified : undefined,
    updated_at: Math.floor(account.updatedAt.getTime() / 1000),
  };
}
