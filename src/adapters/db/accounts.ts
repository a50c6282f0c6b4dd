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
  identityType: IdentityType | null;
  /** the main school (eduinfo schoolid) */
  schoolId: string | null;
  /** sealed with the secret box (context 'national-id'); see services/national-id.ts */
  nationalIdSealed: string | null;
  nationalIdHash: string | null;
  /** A12****789: the only form a page or an API shows */
  nationalIdMasked: string | null;
  gender: 'M' | 'F' | 'X' | null;
  /** YYYY-MM-DD */
  birthDate: string | null;
  familyNameFirst: boolean;
  mobile: string | null;
  mobileVerified: boolean;
  openid2Ids: string[];
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type IdentityType = 'student' | 'teacher' | 'staff' | 'other';

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
  identity_type: IdentityType | null;
  school_id: string | null;
  national_id_sealed: string | null;
  national_id_hash: string | null;
  national_id_masked: string | null;
  gender: 'M' | 'F' | 'X' | null;
  birth_date: string | null;
  family_name_first: boolean;
  mobile: string | null;
  mobile_verified: boolean;
  openid2_ids: string[];
  deleted_at: Date | null;
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
  identityType: r.identity_type,
  schoolId: r.school_id,
  nationalIdSealed: r.national_id_sealed,
  nationalIdHash: r.national_id_hash,
  nationalIdMasked: r.national_id_masked,
  gender: r.gender,
  birthDate: r.birth_date,
  familyNameFirst: r.family_name_first,
  mobile: r.mobile,
  mobileVerified: r.mobile_verified,
  openid2Ids: r.openid2_ids,
  deletedAt: r.deleted_at,
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
  if (a.identityType !== undefined) row.identity_type = a.identityType;
  if (a.schoolId !== undefined) row.school_id = a.schoolId;
  if (a.nationalIdSealed !== undefined) row.national_id_sealed = a.nationalIdSealed;
  if (a.nationalIdHash !== undefined) row.national_id_hash = a.nationalIdHash;
  if (a.nationalIdMasked !== undefined) row.national_id_masked = a.nationalIdMasked;
  if (a.gender !== undefined) row.gender = a.gender;
  if (a.birthDate !== undefined) row.birth_date = a.birthDate;
  if (a.familyNameFirst !== undefined) row.family_name_first = a.familyNameFirst;
  if (a.mobile !== undefined) row.mobile = a.mobile;
  if (a.mobileVerified !== undefined) row.mobile_verified = a.mobileVerified;
  if (a.openid2Ids !== undefined) row.openid2_ids = a.openid2Ids;
  if (a.deletedAt !== undefined) row.deleted_at = a.deletedAt;
  return row;
};

export async function findAccountById(db: DbOrTx, id: string): Promise<Account | undefined> {
  // a malformed id (not a uuid) simply matches nothing instead of raising a cast error
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = (await db('accounts').where({ id }).whereNull('deleted_at').first()) as Row | undefined;
  return row && fromRow(row);
}

/** Any account, soft-deleted ones included: for administration, never for sign-in. */
export async function findAccountByIdIncludingDeleted(db: DbOrTx, id: string): Promise<Account | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = (await db('accounts').where({ id }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function findAccountByUsername(db: DbOrTx, username: string): Promise<Account | undefined> {
  // a soft-deleted account cannot sign in and is unknown to sign-in
  const row = (await db('accounts').where({ username }).whereNull('deleted_at').first()) as Row | undefined;
  return row && fromRow(row);
}

/** Active accounts with this verified e-mail address (forgot password: at most a few). */
export async function findAccountsByVerifiedEmail(db: DbOrTx, email: string, limit = 2): Promise<Account[]> {
  const rows = (await db('accounts')
    .whereRaw('lower(email) = ?', [email.toLowerCase()])
    .where({ email_verified: true, status: 'active' })
    .whereNull('deleted_at')
    .limit(limit)) as Row[];
  return rows.map(fromRow);
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

export { fromRow as accountFromRow, type Row as AccountRow };

export async function updateAccount(db: DbOrTx, id: string, patch: Partial<Account>): Promise<void> {
  await db('accounts')
    .where({ id })
    .update({ ...toRow(patch), updated_at: db.fn.now() });
}
