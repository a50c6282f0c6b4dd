import type { DbOrTx } from '../db.js';

export type AccountTokenPurpose = 'activate' | 'reset';

export interface AccountToken {
  id: string;
  accountId: string;
  purpose: AccountTokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
}

interface Row {
  id: string;
  account_id: string;
  purpose: AccountTokenPurpose;
  token_hash: string;
  expires_at: Date;
  used_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

const fromRow = (r: Row): AccountToken => ({
  id: r.id,
  accountId: r.account_id,
  purpose: r.purpose,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export async function insertAccountToken(
  db: DbOrTx,
  input: {
    accountId: string;
    purpose: AccountTokenPurpose;
    tokenHash: string;
    expiresAt: Date;
    createdBy: string | null;
  },
): Promise<AccountToken> {
  const [row] = (await db('account_tokens')
    .insert({
      account_id: input.accountId,
      purpose: input.purpose,
      token_hash: input.tokenHash,
      expires_at: input.expiresAt,
      created_by: input.createdBy,
    })
    .returning('*')) as Row[];
  return fromRow(row!);
}

/** The token with this keyed hash; `lock` takes a row lock until the transaction ends. */
export async function findAccountTokenByHash(
  db: DbOrTx,
  tokenHash: string,
  opts: { lock?: boolean } = {},
): Promise<AccountToken | undefined> {
  const query = db('account_tokens').where({ token_hash: tokenHash }).first();
  const row = (await (opts.lock ? query.forUpdate() : query)) as Row | undefined;
  return row && fromRow(row);
}

export async function markAccountTokenUsed(db: DbOrTx, id: string): Promise<void> {
  await db('account_tokens').where({ id }).update({ used_at: db.fn.now() });
}

/** Ends every unused token of the account (of one purpose, or all): a newer one replaces them. */
export async function revokeAccountTokens(
  db: DbOrTx,
  accountId: string,
  purpose?: AccountTokenPurpose,
): Promise<number> {
  return db('account_tokens')
    .where({ account_id: accountId })
    .whereNull('used_at')
    .modify((q) => {
      if (purpose) q.where({ purpose });
    })
    .update({ used_at: db.fn.now() });
}
