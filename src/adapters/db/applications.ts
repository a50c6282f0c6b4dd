import type { Knex } from 'knex';
import type { DbOrTx } from '../db.js';
import { type Account, type AccountRow, accountFromRow } from './accounts.js';

export type ApplicationStatus = 'unverified' | 'pending' | 'approved' | 'rejected';
export type ApplicationIdentityType = 'teacher' | 'staff' | 'other';
export type SchoolLevel = 'elementary' | 'junior' | 'senior' | 'other';

/** An application as pages and the admin API see it: the national ID only masked. */
export interface StoredApplication {
  id: string;
  status: ApplicationStatus;
  realName: string;
  email: string;
  mobile: string;
  schoolId: string;
  schoolCode: string;
  schoolName: string;
  /** the county the school belongs to (organizations.parent_id) */
  countyId: string | null;
  identityType: ApplicationIdentityType;
  requestedTitles: string[];
  requestedUsername: string | null;
  requestsSchoolAdmin: boolean;
  nationalIdMasked: string | null;
  /**
   * An account other than this application's own that holds the same national ID: approval
   * fails with national_id.taken (one person, one account). Only the admin side sees it.
   */
  nationalIdAccountId: string | null;
  emailVerifiedAt: Date | null;
  mobileVerifiedAt: Date | null;
  submittedAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  accountId: string | null;
  createdAt: Date;
}

/** With the sealed number and its hash: for the applications service only. */
export interface ApplicationRecord extends StoredApplication {
  nationalIdSealed: string | null;
  nationalIdHash: string | null;
}

export interface ApplicationInsert {
  realName: string;
  email: string;
  mobile: string;
  schoolId: string;
  identityType: ApplicationIdentityType;
  requestedTitles: string[];
  requestedUsername: string | null;
  requestsSchoolAdmin: boolean;
  nationalIdSealed: string | null;
  nationalIdHash: string | null;
  nationalIdMasked: string | null;
}

export interface ApplicationFilter {
  schoolIds?: readonly string[] | 'all';
  status?: ApplicationStatus | readonly ApplicationStatus[];
  requestsSchoolAdmin?: boolean;
  /**
   * When set, a school-admin request is listed only if its school is one of these (the
   * schools whose county admin reviews it); other applications are not affected.
   */
  adminRequestSchoolIds?: readonly string[];
  limit: number;
  offset: number;
}

export interface SchoolOption {
  id: string;
  code: string;
  name: string;
  level: SchoolLevel;
  countyId: string | null;
}

interface Row {
  id: string;
  status: ApplicationStatus;
  real_name: string;
  email: string;
  mobile: string;
  school_id: string;
  school_code: string;
  school_name: string;
  county_id: string | null;
  identity_type: ApplicationIdentityType;
  requested_titles: string[];
  requested_username: string | null;
  requests_school_admin: boolean;
  national_id_sealed: string | null;
  national_id_hash: string | null;
  national_id_masked: string | null;
  national_id_account_id: string | null;
  email_verified_at: Date | null;
  mobile_verified_at: Date | null;
  submitted_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  account_id: string | null;
  created_at: Date;
}

const fromRow = (r: Row): ApplicationRecord => ({
  id: r.id,
  status: r.status,
  realName: r.real_name,
  email: r.email,
  mobile: r.mobile,
  schoolId: r.school_id,
  schoolCode: r.school_code,
  schoolName: r.school_name,
  countyId: r.county_id,
  identityType: r.identity_type,
  requestedTitles: r.requested_titles,
  requestedUsername: r.requested_username,
  requestsSchoolAdmin: r.requests_school_admin,
  nationalIdSealed: r.national_id_sealed,
  nationalIdHash: r.national_id_hash,
  nationalIdMasked: r.national_id_masked,
  nationalIdAccountId: r.national_id_account_id,
  emailVerifiedAt: r.email_verified_at,
  mobileVerifiedAt: r.mobile_verified_at,
  submittedAt: r.submitted_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  accountId: r.account_id,
  createdAt: r.created_at,
});

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Applications joined with their school and with any other account holding the same national ID. */
function selectApplications(db: DbOrTx) {
  return db('account_applications as a')
    .join('organizations as s', 's.id', 'a.school_id')
    .leftJoin('accounts as n', function conflict() {
      this.on('n.national_id_hash', '=', 'a.national_id_hash').andOn(
        db.raw('n.id IS DISTINCT FROM a.account_id'),
      );
    });
}

const COLUMNS = [
  'a.*',
  's.code as school_code',
  's.name as school_name',
  's.parent_id as county_id',
  'n.id as national_id_account_id',
];

export async function insertApplication(db: DbOrTx, input: ApplicationInsert): Promise<string> {
  const [row] = (await db('account_applications')
    .insert({
      real_name: input.realName,
      email: input.email,
      mobile: input.mobile,
      school_id: input.schoolId,
      identity_type: input.identityType,
      requested_titles: input.requestedTitles,
      requested_username: input.requestedUsername,
      requests_school_admin: input.requestsSchoolAdmin,
      national_id_sealed: input.nationalIdSealed,
      national_id_hash: input.nationalIdHash,
      national_id_masked: input.nationalIdMasked,
    })
    .returning('id')) as Array<{ id: string }>;
  return row!.id;
}

/** `lock` takes the application's row lock until the transaction ends (decisions, code checks). */
export async function findApplicationById(
  db: DbOrTx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<ApplicationRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const query = selectApplications(db).where('a.id', id).first(COLUMNS);
  const row = (await (opts.lock ? query.forUpdate('a') : query)) as Row | undefined;
  return row && fromRow(row);
}

export async function listApplications(
  db: DbOrTx,
  filter: ApplicationFilter,
): Promise<{ rows: ApplicationRecord[]; total: number }> {
  const where = (q: Knex.QueryBuilder) => {
    if (filter.schoolIds !== undefined && filter.schoolIds !== 'all') {
      q.whereIn('a.school_id', filter.schoolIds.filter(isUuid));
    }
    if (filter.status !== undefined) {
      q.whereIn('a.status', typeof filter.status === 'string' ? [filter.status] : [...filter.status]);
    }
    if (filter.requestsSchoolAdmin !== undefined)
      q.where('a.requests_school_admin', filter.requestsSchoolAdmin);
    if (filter.adminRequestSchoolIds !== undefined) {
      const ids = filter.adminRequestSchoolIds.filter(isUuid);
      q.where((w) => {
        w.where('a.requests_school_admin', false);
        if (ids.length > 0) w.orWhereIn('a.school_id', ids);
      });
    }
  };
  const [rows, counted] = await Promise.all([
    selectApplications(db)
      .modify(where)
      .select(COLUMNS)
      // a review queue: oldest submission first; unsubmitted drafts after them
      .orderByRaw('a.submitted_at ASC NULLS LAST, a.created_at ASC, a.id ASC')
      .limit(filter.limit)
      .offset(filter.offset) as Promise<Row[]>,
    db('account_applications as a').modify(where).count({ count: '*' }).first() as Promise<
      { count: number } | undefined
    >,
  ]);
  return { rows: rows.map(fromRow), total: Number(counted?.count ?? 0) };
}

export async function updateApplicationVerification(
  db: DbOrTx,
  id: string,
  patch: { emailVerified?: boolean; mobileVerified?: boolean; submit?: boolean },
): Promise<void> {
  const now = db.fn.now();
  await db('account_applications')
    .where({ id })
    .update({
      ...(patch.emailVerified ? { email_verified_at: now } : {}),
      ...(patch.mobileVerified ? { mobile_verified_at: now } : {}),
      ...(patch.submit ? { status: 'pending', submitted_at: now } : {}),
    });
}

export async function recordApplicationDecision(
  db: DbOrTx,
  id: string,
  decision: {
    status: 'approved' | 'rejected';
    decidedBy: string;
    reason: string | null;
    accountId: string | null;
  },
): Promise<void> {
  await db('account_applications').where({ id }).update({
    status: decision.status,
    decided_by: decision.decidedBy,
    decided_at: db.fn.now(),
    decision_reason: decision.reason,
    account_id: decision.accountId,
  });
}

interface SchoolRow {
  id: string;
  code: string;
  name: string;
  level: SchoolLevel;
  parent_id: string | null;
}

async function selectSchools(db: DbOrTx, where: Record<string, string> = {}): Promise<SchoolOption[]> {
  const rows = (await db('organizations')
    .where({ kind: 'school', ...where })
    .orderBy('code')
    .select('id', 'code', 'name', 'level', 'parent_id')) as SchoolRow[];
  return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, level: r.level, countyId: r.parent_id }));
}

export const listSchoolOptions = (db: DbOrTx) => selectSchools(db);

export async function findSchoolOption(db: DbOrTx, id: string): Promise<SchoolOption | undefined> {
  return isUuid(id) ? (await selectSchools(db, { id }))[0] : undefined;
}

/** Whether any account, soft-deleted ones included, has the username (the index covers them all). */
export async function isUsernameTaken(db: DbOrTx, username: string): Promise<boolean> {
  return Boolean(await db('accounts').where({ username }).first('id'));
}

export async function findAccountIdByNationalIdHash(db: DbOrTx, hash: string): Promise<string | undefined> {
  const row = (await db('accounts').where({ national_id_hash: hash }).first('id')) as
    | { id: string }
    | undefined;
  return row?.id;
}

export interface ApprovedAccountInsert {
  username: string;
  name: string;
  email: string;
  mobile: string;
  identityType: ApplicationIdentityType;
  schoolId: string;
  nationalIdSealed: string | null;
  nationalIdHash: string | null;
  nationalIdMasked: string | null;
  /** in the order RPs read them */
  titles: readonly string[];
  schoolAdmin: boolean;
  grantedBy: string;
}

/** Which unique index refused the account: the caller turns it into a message. */
export type AccountConflict = 'username' | 'national_id';

/**
 * The account of an approved application with its titles at the school and, when asked, the
 * school-admin role. Run it in the decision's transaction. A unique violation (a concurrent
 * approval took the username or the national ID) comes back as the conflict, not a row.
 */
export async function insertApprovedAccount(
  tx: Knex.Transaction,
  input: ApprovedAccountInsert,
): Promise<Account | { conflict: AccountConflict }> {
  let row: AccountRow | undefined;
  try {
    // a savepoint, so that the caller's transaction survives a refused insert
    row = await tx.transaction(async (sp) => {
      const [inserted] = (await sp('accounts')
        .insert({
          username: input.username,
          name: input.name,
          email: input.email,
          email_verified: true,
          mobile: input.mobile,
          mobile_verified: true,
          identity_type: input.identityType,
          school_id: input.schoolId,
          national_id_sealed: input.nationalIdSealed,
          national_id_hash: input.nationalIdHash,
          national_id_masked: input.nationalIdMasked,
          status: 'active',
        })
        .returning('*')) as AccountRow[];
      return inserted;
    });
  } catch (err) {
    const constraint = (err as { code?: string; constraint?: string }).constraint;
    if ((err as { code?: string }).code === '23505') {
      if (constraint === 'accounts__username') return { conflict: 'username' };
      if (constraint === 'accounts__national_id_hash') return { conflict: 'national_id' };
    }
    throw err;
  }
  const account = accountFromRow(row!);
  if (input.titles.length > 0) {
    await tx('account_titles').insert(
      input.titles.map((title, position) => ({
        account_id: account.id,
        school_id: input.schoolId,
        title,
        position,
      })),
    );
  }
  if (input.schoolAdmin) {
    await tx('role_assignments').insert({
      account_id: account.id,
      role: 'school_admin',
      org_id: input.schoolId,
      granted_by: input.grantedBy,
    });
  }
  return account;
}

export interface ReviewerContact {
  email: string;
  name: string | null;
}

/**
 * Who is told of a new application: active, undeleted holders of the role at the organisation
 * with a verified e-mail address, each address once.
 */
export async function listReviewerContacts(
  db: DbOrTx,
  role: 'school_admin' | 'county_admin',
  orgId: string,
): Promise<ReviewerContact[]> {
  if (!isUuid(orgId)) return [];
  const rows = (await db('role_assignments as r')
    .join('accounts as acc', 'acc.id', 'r.account_id')
    .where({ 'r.role': role, 'r.org_id': orgId, 'acc.status': 'active', 'acc.email_verified': true })
    .whereNull('acc.deleted_at')
    .whereNotNull('acc.email')
    .whereNot('acc.email', '')
    .orderBy('acc.username')
    .select('acc.email', 'acc.name')) as Array<{ email: string; name: string | null }>;
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = r.email.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
