/**
 * Directory queries of account management (帳號管理): the searchable account list under an
 * actor's scope, an account's titles with their history, its class seats, and the title and
 * seat changes of edits and transfers. Rows come back camelCased; no rules live here.
 */
import type { Knex } from 'knex';
import type { DbOrTx } from '../db.js';
import { type Account, type AccountRow, accountFromRow, type IdentityType } from './accounts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

/** Who may be listed: accounts at these schools, at no school, or seated in these classes. */
export interface DirectoryScope {
  schoolIds: readonly string[];
  includeUnassigned: boolean;
  classIds: readonly string[];
}

export type AccountStatusFilter = 'active' | 'disabled' | 'deleted';

export interface AccountSearch {
  scope: DirectoryScope;
  /** prefix of the username */
  username?: string | undefined;
  /** part of the name */
  name?: string | undefined;
  schoolId?: string | undefined;
  /** class filters: the account sits in a class matching all that are given */
  schoolYear?: number | undefined;
  semester?: number | undefined;
  grade?: number | undefined;
  classNo?: number | undefined;
  identityType?: IdentityType | undefined;
  nationalIdHash?: string | undefined;
  nationalIdMasked?: string | undefined;
  /** none: active and disabled, never deleted; 'deleted': only soft-deleted accounts */
  status?: AccountStatusFilter | undefined;
  offset: number;
  limit: number;
}

export interface AccountListRow {
  id: string;
  username: string;
  name: string | null;
  gender: 'M' | 'F' | 'X' | null;
  identityType: IdentityType | null;
  schoolId: string | null;
  schoolName: string | null;
  /** current titles, the main school's first, each school's in stored order */
  titles: string[];
  nationalIdMasked: string | null;
  status: 'active' | 'disabled';
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** the newest class the account sits in */
  classTitle: string | null;
  classSchoolYear: number | null;
  classSemester: number | null;
  seatNo: number | null;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function applySearch(db: DbOrTx, q: Knex.QueryBuilder, f: AccountSearch): Knex.QueryBuilder {
  const { scope } = f;
  q.where((w) => {
    let any = false;
    if (scope.schoolIds.length > 0) {
      w.orWhereIn('a.school_id', [...scope.schoolIds]);
      any = true;
    }
    if (scope.includeUnassigned) {
      w.orWhereNull('a.school_id');
      any = true;
    }
    if (scope.classIds.length > 0) {
      w.orWhereExists(
        db('class_members as sm')
          .select(db.raw('1'))
          .whereRaw('sm.account_id = a.id')
          .whereIn('sm.class_id', [...scope.classIds]),
      );
      any = true;
    }
    if (!any) w.whereRaw('false');
  });
  if (f.status === 'deleted') q.whereNotNull('a.deleted_at');
  else {
    q.whereNull('a.deleted_at');
    if (f.status) q.where('a.status', f.status);
  }
  if (f.username) q.whereRaw(`a.username LIKE ? ESCAPE '\\'`, [`${likeEscape(f.username)}%`]);
  if (f.name) q.whereRaw(`a.name ILIKE ? ESCAPE '\\'`, [`%${likeEscape(f.name)}%`]);
  if (f.schoolId) q.where('a.school_id', f.schoolId);
  if (f.identityType) q.where('a.identity_type', f.identityType);
  if (f.nationalIdHash) q.where('a.national_id_hash', f.nationalIdHash);
  if (f.nationalIdMasked) q.where('a.national_id_masked', f.nationalIdMasked);
  const classFilter =
    f.schoolYear !== undefined ||
    f.semester !== undefined ||
    f.grade !== undefined ||
    f.classNo !== undefined;
  if (classFilter) {
    const sub = db('class_members as fm')
      .join('school_classes as fc', 'fc.id', 'fm.class_id')
      .select(db.raw('1'))
      .whereRaw('fm.account_id = a.id');
    if (f.schoolId) sub.where('fc.school_id', f.schoolId);
    if (f.schoolYear !== undefined) sub.where('fc.school_year', f.schoolYear);
    if (f.semester !== undefined) sub.where('fc.semester', f.semester);
    if (f.grade !== undefined) sub.where('fc.grade', f.grade);
    if (f.classNo !== undefined) sub.where('fc.class_no', f.classNo);
    q.whereExists(sub);
  }
  return q;
}

interface ListRow {
  id: string;
  username: string;
  name: string | null;
  gender: 'M' | 'F' | 'X' | null;
  identity_type: IdentityType | null;
  school_id: string | null;
  school_name: string | null;
  titles: string[] | null;
  national_id_masked: string | null;
  status: 'active' | 'disabled';
  deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
  class_title: string | null;
  class_school_year: number | null;
  class_semester: number | null;
  seat_no: number | null;
}

export async function searchAccounts(
  db: DbOrTx,
  f: AccountSearch,
): Promise<{ rows: AccountListRow[]; total: number }> {
  const base = () => applySearch(db, db('accounts as a'), f);
  const [{ count } = { count: 0 }] = (await base().count({ count: '*' })) as Array<{ count: number }>;
  const rows = (await base()
    .leftJoin('organizations as o', 'o.id', 'a.school_id')
    .joinRaw(
      `LEFT JOIN LATERAL (
         SELECT sc.title, sc.school_year, sc.semester, cm.seat_no
           FROM class_members cm JOIN school_classes sc ON sc.id = cm.class_id
          WHERE cm.account_id = a.id
          ORDER BY sc.school_year DESC, sc.semester DESC, cm.joined_at DESC
          LIMIT 1) c ON true`,
    )
    .select(
      'a.id',
      'a.username',
      'a.name',
      'a.gender',
      'a.identity_type',
      'a.school_id',
      db.raw('coalesce(o.short_name, o.name) AS school_name'),
      'a.national_id_masked',
      'a.status',
      'a.deleted_at',
      'a.created_at',
      'a.updated_at',
      db.raw(
        `(SELECT array_agg(t.title ORDER BY (t.school_id IS NOT DISTINCT FROM a.school_id) DESC,
                 t.school_id, t.position, t.started_at)
            FROM account_titles t WHERE t.account_id = a.id AND t.ended_at IS NULL) AS titles`,
      ),
      'c.title as class_title',
      'c.school_year as class_school_year',
      'c.semester as class_semester',
      'c.seat_no',
    )
    .orderBy('a.username', 'asc')
    .offset(f.offset)
    .limit(f.limit)) as ListRow[];
  return {
    total: Number(count),
    rows: rows.map((r) => ({
      id: r.id,
      username: r.username,
      name: r.name,
      gender: r.gender,
      identityType: r.identity_type,
      schoolId: r.school_id,
      schoolName: r.school_name,
      titles: r.titles ?? [],
      nationalIdMasked: r.national_id_masked,
      status: r.status,
      deletedAt: r.deleted_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      classTitle: r.class_title,
      classSchoolYear: r.class_school_year,
      classSemester: r.class_semester,
      seatNo: r.seat_no,
    })),
  };
}

/** The account row locked for the rest of the transaction (soft-deleted ones included). */
export async function lockAccount(tx: DbOrTx, id: string): Promise<Account | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await tx('accounts').where({ id }).forUpdate().first()) as AccountRow | undefined;
  return row && accountFromRow(row);
}

/** A live (not deleted) account by its national ID's keyed hash. */
export async function findLiveAccountByNationalIdHash(
  db: DbOrTx,
  hash: string,
): Promise<Account | undefined> {
  const row = (await db('accounts').where({ national_id_hash: hash }).whereNull('deleted_at').first()) as
    | AccountRow
    | undefined;
  return row && accountFromRow(row);
}

export interface TitleRecord {
  id: string;
  schoolId: string;
  schoolName: string;
  title: string;
  position: number;
  startedAt: Date;
  endedAt: Date | null;
}

/** Every title the account holds or held: current ones first, then ended ones, newest first. */
export async function listTitleHistory(db: DbOrTx, accountId: string): Promise<TitleRecord[]> {
  const rows = (await db('account_titles as t')
    .join('organizations as o', 'o.id', 't.school_id')
    .select(
      't.id',
      't.school_id',
      'o.name as school_name',
      't.title',
      't.position',
      't.started_at',
      't.ended_at',
    )
    .where('t.account_id', accountId)
    .orderByRaw('t.ended_at IS NOT NULL, t.ended_at DESC, o.code, t.position, t.started_at')) as Array<{
    id: string;
    school_id: string;
    school_name: string;
    title: string;
    position: number;
    started_at: Date;
    ended_at: Date | null;
  }>;
  return rows.map((r) => ({
    id: r.id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    title: r.title,
    position: r.position,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  }));
}

/** Current titles at one school, in order. */
export async function listCurrentTitlesAt(
  db: DbOrTx,
  accountId: string,
  schoolId: string,
): Promise<string[]> {
  return db('account_titles')
    .where({ account_id: accountId, school_id: schoolId })
    .whereNull('ended_at')
    .orderBy([{ column: 'position' }, { column: 'started_at' }, { column: 'title' }])
    .pluck('title');
}

/** Schools where the account holds a current title. */
export async function listCurrentTitleSchoolIds(db: DbOrTx, accountId: string): Promise<string[]> {
  return db('account_titles')
    .distinct('school_id')
    .where({ account_id: accountId })
    .whereNull('ended_at')
    .pluck('school_id');
}

/**
 * Makes `titles` (in order) the current titles at a school: titles no longer listed get
 * ended_at (their rows stay as history), kept ones get their new position, new ones are added.
 */
export async function replaceCurrentTitles(
  tx: DbOrTx,
  accountId: string,
  schoolId: string,
  titles: readonly string[],
): Promise<void> {
  const current = (await tx('account_titles')
    .select('id', 'title')
    .where({ account_id: accountId, school_id: schoolId })
    .whereNull('ended_at')) as Array<{ id: string; title: string }>;
  for (const row of current) {
    const at = titles.indexOf(row.title);
    if (at < 0) await tx('account_titles').where({ id: row.id }).update({ ended_at: tx.fn.now() });
    else await tx('account_titles').where({ id: row.id }).update({ position: at });
  }
  const kept = new Set(current.map((r) => r.title));
  const added = titles
    .map((title, position) => ({ account_id: accountId, school_id: schoolId, title, position }))
    .filter((t) => !kept.has(t.title));
  if (added.length > 0) await tx('account_titles').insert(added);
}

export interface ClassMembership {
  classId: string;
  schoolId: string;
  schoolName: string;
  schoolYear: number;
  semester: number;
  grade: number;
  classNo: number;
  title: string;
  seatNo: number | null;
  joinedAt: Date;
}

/** Class seats, newest term first. */
export async function listClassMemberships(db: DbOrTx, accountId: string): Promise<ClassMembership[]> {
  const rows = (await db('class_members as cm')
    .join('school_classes as sc', 'sc.id', 'cm.class_id')
    .join('organizations as o', 'o.id', 'sc.school_id')
    .select(
      'cm.class_id',
      'sc.school_id',
      'o.name as school_name',
      'sc.school_year',
      'sc.semester',
      'sc.grade',
      'sc.class_no',
      'sc.title',
      'cm.seat_no',
      'cm.joined_at',
    )
    .where('cm.account_id', accountId)
    .orderBy([
      { column: 'sc.school_year', order: 'desc' },
      { column: 'sc.semester', order: 'desc' },
      { column: 'sc.grade' },
      { column: 'sc.class_no' },
    ])) as Array<{
    class_id: string;
    school_id: string;
    school_name: string;
    school_year: number;
    semester: number;
    grade: number;
    class_no: number;
    title: string;
    seat_no: number | null;
    joined_at: Date;
  }>;
  return rows.map((r) => ({
    classId: r.class_id,
    schoolId: r.school_id,
    schoolName: r.school_name,
    schoolYear: r.school_year,
    semester: r.semester,
    grade: r.grade,
    classNo: r.class_no,
    title: r.title,
    seatNo: r.seat_no,
    joinedAt: r.joined_at,
  }));
}

export async function listClassIdsOfAccount(db: DbOrTx, accountId: string): Promise<string[]> {
  return db('class_members').where({ account_id: accountId }).pluck('class_id');
}

/** Removes the account's seats in classes of one school; returns what was removed. */
export async function removeClassMembershipsAt(
  tx: DbOrTx,
  accountId: string,
  schoolId: string,
): Promise<ClassMembership[]> {
  const seats = (await listClassMemberships(tx, accountId)).filter((m) => m.schoolId === schoolId);
  if (seats.length > 0) {
    await tx('class_members')
      .where({ account_id: accountId })
      .whereIn(
        'class_id',
        seats.map((s) => s.classId),
      )
      .delete();
  }
  return seats;
}

export interface SchoolRef {
  id: string;
  name: string;
}

/** Names of schools (for filters and labels), in code order. */
export async function listSchoolRefs(db: DbOrTx, ids: readonly string[]): Promise<SchoolRef[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  return (await db('organizations')
    .select('id', 'name')
    .whereIn('id', valid)
    .where({ kind: 'school' })
    .orderBy('code')) as SchoolRef[];
}

/** Ends the account's teaching of classes at one school; returns the class ids. */
export async function removeTaughtClassesAt(
  tx: DbOrTx,
  accountId: string,
  schoolId: string,
): Promise<string[]> {
  const rows = (await tx('class_teachers')
    .where({ account_id: accountId })
    .whereIn('class_id', tx('school_classes').select('id').where({ school_id: schoolId }))
    .delete()
    .returning('class_id')) as Array<{ class_id: string }>;
  return rows.map((r) => r.class_id);
}

/** Removes the account's school-admin role at one school (it left the school); returns how many. */
export async function removeSchoolAdminRolesAt(
  tx: DbOrTx,
  accountId: string,
  schoolId: string,
): Promise<number> {
  const rows = (await tx('role_assignments')
    .where({ account_id: accountId, role: 'school_admin', org_id: schoolId })
    .delete()
    .returning('id')) as unknown[];
  return rows.length;
}
