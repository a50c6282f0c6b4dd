/**
 * The credentials table: every stored login credential (passkey, certificate, …) as one row
 * typed by `type`, with its public identifier and its data as jsonb (STYLE.md §2).
 */
import type { DbOrTx } from '../db.js';

export interface Credential<D extends Record<string, unknown> = Record<string, unknown>> {
  id: string;
  accountId: string;
  type: string;
  identifier: string;
  data: D;
  createdAt: Date;
  lastUsedAt: Date | null;
}

interface Row {
  id: string;
  account_id: string;
  type: string;
  identifier: string;
  data: Record<string, unknown>;
  created_at: Date;
  last_used_at: Date | null;
}

const fromRow = <D extends Record<string, unknown>>(r: Row): Credential<D> => ({
  id: r.id,
  accountId: r.account_id,
  type: r.type,
  identifier: r.identifier,
  data: r.data as D,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

export async function insertCredential<D extends Record<string, unknown>>(
  db: DbOrTx,
  input: { accountId: string; type: string; identifier: string; data: D },
): Promise<Credential<D>> {
  const [row] = (await db('credentials')
    .insert({
      account_id: input.accountId,
      type: input.type,
      identifier: input.identifier,
      data: JSON.stringify(input.data),
    })
    .returning('*')) as Row[];
  return fromRow<D>(row!);
}

/** The credential of this type and identifier; `lock` holds a row lock until the transaction ends. */
export async function findCredential<D extends Record<string, unknown>>(
  db: DbOrTx,
  type: string,
  identifier: string,
  opts: { lock?: boolean } = {},
): Promise<Credential<D> | undefined> {
  const query = db('credentials').where({ type, identifier }).first();
  const row = (await (opts.lock ? query.forUpdate() : query)) as Row | undefined;
  return row && fromRow<D>(row);
}

export async function findCredentialById<D extends Record<string, unknown>>(
  db: DbOrTx,
  id: string,
): Promise<Credential<D> | undefined> {
  const row = (await db('credentials').where({ id }).first()) as Row | undefined;
  return row && fromRow<D>(row);
}

/** The account's credentials of one type, oldest first. */
export async function listCredentials<D extends Record<string, unknown>>(
  db: DbOrTx,
  accountId: string,
  type: string,
): Promise<Credential<D>[]> {
  const rows = (await db('credentials')
    .where({ account_id: accountId, type })
    .orderBy([{ column: 'created_at' }, { column: 'id' }])) as Row[];
  return rows.map((r) => fromRow<D>(r));
}

/** Replaces the data (and, with `used`, stamps last_used_at); returns whether the row exists. */
export async function updateCredentialData(
  db: DbOrTx,
  id: string,
  data: Record<string, unknown>,
  opts: { used?: boolean } = {},
): Promise<boolean> {
  const count = await db('credentials')
    .where({ id })
    .update({ data: JSON.stringify(data), ...(opts.used ? { last_used_at: db.fn.now() } : {}) });
  return count > 0;
}

export async function deleteCredential(db: DbOrTx, id: string): Promise<boolean> {
  return (await db('credentials').where({ id }).delete()) > 0;
}
