import type { DbOrTx } from '../db.js';

export interface Account {
  id: string;
  username: string;
  passwordHash: string | null;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  familyName: string | null;
  givenName: string | null;
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  passwordChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type AccountInput = Partial<Omit<Account, 'id' | 'createdAt' | 'updatedAt'>> & { username: string };

interface Row {
  id: string;
  username: string;
  password_hash: string | null;
  email: string | null;
  email_verified: boolean;
  name: string | null;
  family_name: string | null;
  given_name: string | null;
  status: 'active' | 'disabled';
  must_change_password: boolean;
  password_changed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const fromRow = (r: Row): Account => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  email: r.email,
  emailVerified: r.email_verified,
  name: r.name,
  familyName: r.family_name,
  givenName: r.given_name,
  status: r.status,
  mustChangePassword: r.must_change_password,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (a: Partial<Account>): Partial<Row> => {
  const row: Partial<Row> = {};
  if (a.username !== undefined) row.username = a.username;
  if (a.passwordHash !== undefined) row.password_hash = a.passwordHash;
  if (a.email !== undefined) row.email = a.email;
  if (a.emailVerified !== undefined) row.email_verified = a.emailVerified;
  if (a.name !== undefined) row.name = a.name;
  if (a.familyName !== undefined) row.family_name = a.familyName;
  if (a.givenName !== undefined) row.given_name = a.givenName;
  if (a.status !== undefined) row.status = a.status;
  if (a.mustChangePassword !== undefined) row.must_change_password = a.mustChangePassword;
  if (a.passwordChangedAt !== undefined) row.password_changed_at = a.passwordChangedAt;
  return row;
};

export async function findAccountById(db: DbOrTx, id: string): Promise<Account | undefined> {
  // a malformed id (not a uuid) simply matches nothing instead of raising a cast error
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = (await db('accounts').where({ id }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function findAccountByUsername(db: DbOrTx, username: string): Promise<Account | undefined> {
  const row = (await db('accounts').where({ username }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function upsertAccountByUsername(db: DbOrTx, input: AccountInput): Promise<Account> {
  const row = toRow(input);
  const [saved] = (await db('accounts')
    .insert(row)
    .onConflict('username')
    .merge({ ...row, updated_at: db.fn.now() } as Record<string, unknown>)
    .returning('*')) as Row[];
  return fromRow(saved!);
}

export async function updateAccount(db: DbOrTx, id: string, patch: Partial<Account>): Promise<void> {
  await db('accounts')
    .where({ id })
    .update({ ...toRow(patch), updated_at: db.fn.now() });
}
