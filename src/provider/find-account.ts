import type { FindAccount } from 'oidc-provider';
import { type AccountService, accountClaims } from '../services/accounts.js';

/** oidc-provider's findAccount: a disabled or deleted account yields no claims and no tokens. */
export function createFindAccount(accounts: AccountService): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.findById(sub);
    if (account?.status !== 'active') return undefined;
    return {
      accountId: account.id,
      claims: async () => accountClaims(account) as { sub: string },
    };
  };
}
