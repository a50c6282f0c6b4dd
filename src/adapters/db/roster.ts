/**
 * Queries of the roster import (學籍資料匯入): set-based, so a county's 33,000 students take a
 * few statements per class instead of a few per student. Look-ups by national ID hash take
 * arrays (= ANY), inserts are multi-row in chunks, memberships go through unnest().
 */
import type { DbOrTx } from '../db.js';
import type { IdentityType } from './accounts.js';

/** Rows per multi-row INSERT: 13 columns × 1,000 stays far below pg's 65,535 parameters. */
const INSERT_CHUNK = 1000;
/** Hashes per = ANY() look-up. */
const LOOKUP_CHUNK = 5000;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

export interface RosterSchool {
  id: string;
  code: string;
  name: string;
  level: 'elementary' | 'junior' | 'senior' | 'other';
}

export async function findRosterSchool(db: DbOrTx, id: string): Promise<RosterSchool | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db('organizations')
    .where({ id, kind: 'school' })
    .first<{ id: string; code: string; name: string; level: RosterSchool['level'] } | undefined>(
      'id',
      'code',
      'name',
      'level',
    );
  return row;
}

export interface RosterTerm {
  schoolId: string;
  /** ROC year */
  schoolYear: number;
  semester: number;
}

/** An account found by national ID hash, with where it sits in the term of the import. */
export interface RosterAccountMatch {
  accountId: string;
  nationalIdHash: string;
  username: string;
  familyName: string | null;
  givenName: string | null;
  schoolId: string | null;
  identityType: IdentityType | null;
  deleted: boolean;
  /** its class in this school, year and semester, if any */
  grade: number | null;
  classNo: number | null;
  seat: number | null;
  /** holds a current 學生 title at the import's school */
  hasStudentTitle: boolean;
}

interface MatchRow {
  id: string;
  national_id_hash: string;
  username: string;
  family_name: string | null;
  given_name: string | null;
  school_id: string | null;
  identity_type: IdentityType | null;
  deleted_at: Date | null;
  grade: number | null;
  class_no: number | null;
  seat_no: number | null;
  has_student_title: boolean;
}

/**
 * Accounts by national ID hash, soft-deleted ones included (the import restores them).
 * forUpdate locks the account rows for the rest of the transaction.
 */
export async function findAccountsByNationalIdHashes(
  db: DbOrTx,
  hashes: readonly string[],
  term: RosterTerm,
  studentTitle: string,
  opts: { forUpdate?: boolean } = {},
): Promise<RosterAccountMatch[]> {
  const out: RosterAccountMatch[] = [];
  for (const chunk of chunks([...new Set(hashes)], LOOKUP_CHUNK)) {
    const result = await db.raw<{ rows: MatchRow[] }>(
      // Both LATERALs start from the account's own rows (OFFSET 0 and LIMIT keep the planner from
      // turning them around into a walk over every class or title of the school, which it does
      // on young tables without statistics: a county's first import)
      `SELECT a.id, a.national_id_hash, a.username, a.family_name, a.given_name, a.school_id,
              a.identity_type, a.deleted_at, m.grade, m.class_no, m.seat_no,
              t.found IS NOT NULL AS has_student_title
         FROM accounts a
         LEFT JOIN LATERAL (
           SELECT sc.grade, sc.class_no, cm.seat_no
             FROM (SELECT class_id, seat_no, joined_at FROM class_members
                    WHERE account_id = a.id OFFSET 0) cm
             JOIN school_classes sc ON sc.id = cm.class_id
            WHERE sc.school_id = :schoolId AND sc.school_year = :schoolYear AND sc.semester = :semester
            ORDER BY cm.joined_at DESC
            LIMIT 1) m ON true
         LEFT JOIN LATERAL (
           SELECT true AS found FROM account_titles
            WHERE account_id = a.id AND school_id = :schoolId AND title = :title AND ended_at IS NULL
            LIMIT 1) t ON true
        WHERE a.national_id_hash = ANY(:hashes)
        ${opts.forUpdate ? 'FOR UPDATE OF a' : ''}`,
      { ...term, title: studentTitle, hashes: chunk },
    );
    for (const r of result.rows) {
      out.push({
        accountId: r.id,
        nationalIdHash: r.national_id_hash,
        username: r.username,
        familyName: r.family_name,
        givenName: r.given_name,
        schoolId: r.school_id,
        identityType: r.identity_type,
        deleted: r.deleted_at !== null,
        grade: r.grade,
        classNo: r.class_no,
        seat: r.seat_no,
        hasStudentTitle: r.has_student_title,
      });
    }
  }
  return out;
}

/**
 * Transaction-scoped advisory locks on username prefixes, always taken in sorted order so two
 * imports that need the same prefixes cannot deadlock. Released at commit or rollback.
 */
export async function lockUsernamePrefixes(trx: DbOrTx, keys: readonly string[]): Promise<void> {
  if (!keys.length) return;
  await trx.raw(
    `SELECT pg_advisory_xact_lock(h)
       FROM (SELECT hashtextextended('edu-idp/username:' || k, 0) AS h
               FROM unnest(?::text[]) AS k ORDER BY k) AS sorted`,
    [[...new Set(keys)].sort()],
  );
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/**
 * The largest number in use between prefix and suffix (kl001s00042 → 42), 0 when none.
 * A scan of the accounts (no index serves a prefix match under every collation): the import
 * calls it once per prefix and keeps the result as a hint (see allocateUsernames).
 */
export async function maxUsernameSequence(db: DbOrTx, prefix: string, suffix: string): Promise<number> {
  const pattern = `^${regexEscape(prefix)}([0-9]+)${regexEscape(suffix)}$`;
  const result = await db.raw<{ rows: Array<{ max: string | null }> }>(
    'SELECT max(substring(username FROM :pattern)::numeric)::text AS max FROM accounts WHERE username ~ :pattern',
    { pattern },
  );
  return Number(result.rows[0]?.max ?? 0);
}

/** Which of these usernames exist already. */
export async function findTakenUsernames(db: DbOrTx, usernames: readonly string[]): Promise<Set<string>> {
  if (!usernames.length) return new Set();
  const rows = (await db('accounts').whereIn('username', usernames).select('username')) as Array<{
    username: string;
  }>;
  return new Set(rows.map((r) => r.username));
}

export interface SchoolClassKey extends RosterTerm {
  grade: number;
  classNo: number;
}

/**
 * The class's id, creating it with this title when it does not exist. An existing class keeps
 * its title (a school may call 三年一班 忠班). The no-op update locks the row, so concurrent
 * imports of one class run one after the other.
 */
export async function upsertSchoolClass(trx: DbOrTx, key: SchoolClassKey, title: string): Promise<string> {
  const result = await trx.raw<{ rows: Array<{ id: string }> }>(
    `INSERT INTO school_classes (school_id, school_year, semester, grade, class_no, title)
     VALUES (:schoolId, :schoolYear, :semester, :grade, :classNo, :title)
     ON CONFLICT (school_id, school_year, semester, grade, class_no)
       DO UPDATE SET title = school_classes.title
     RETURNING id`,
    { ...key, title },
  );
  return result.rows[0]!.id;
}

export interface NewStudentAccount {
  username: string;
  schoolId: string;
  nationalIdSealed: string;
  nationalIdHash: string;
  nationalIdMasked: string;
  name: string;
  familyName: string;
  givenName: string;
  familyNameFirst: boolean;
  gender: 'M' | 'F' | 'X';
  birthDate: string;
}

/** Student accounts without a password (they set one through passOne). */
export async function insertStudentAccounts(
  trx: DbOrTx,
  students: readonly NewStudentAccount[],
): Promise<Array<{ id: string; nationalIdHash: string }>> {
  const out: Array<{ id: string; nationalIdHash: string }> = [];
  for (const chunk of chunks(students, INSERT_CHUNK)) {
    const rows = (await trx('accounts')
      .insert(
        chunk.map((s) => ({
          username: s.username,
          identity_type: 'student',
          school_id: s.schoolId,
          national_id_sealed: s.nationalIdSealed,
          national_id_hash: s.nationalIdHash,
          national_id_masked: s.nationalIdMasked,
          name: s.name,
          family_name: s.familyName,
          given_name: s.givenName,
          family_name_first: s.familyNameFirst,
          gender: s.gender,
          birth_date: s.birthDate,
          password_hash: null,
        })),
      )
      .returning(['id', 'national_id_hash'])) as Array<{ id: string; national_id_hash: string }>;
    for (const r of rows) out.push({ id: r.id, nationalIdHash: r.national_id_hash });
  }
  return out;
}

export interface ClassPlacement {
  classId: string;
  schoolId: string;
  term: { schoolYear: number; semester: number };
  /** the title every placed student holds at the school, and its position */
  title: string;
  position: number;
  /** accounts that existed before: they move to the school (restored if soft-deleted) */
  movedIds: readonly string[];
  /** every account placed in the class (new and moved) with its seat */
  members: ReadonlyArray<{ accountId: string; seat: number | null }>;
}

/**
 * Places students in a class, in one statement (one round trip per class):
 * moved accounts get the school, lose their current titles at other schools (the rows stay,
 * with ended_at) and their seat in any other class of the same school year and semester;
 * every student gets the title at the school and the seat in this class.
 * The parts touch disjoint rows, so the one snapshot they share is no hazard.
 */
export async function placeStudentsInClass(trx: DbOrTx, p: ClassPlacement): Promise<void> {
  if (!p.members.length) return;
  await trx.raw(
    `WITH moved AS (
       UPDATE accounts
          SET school_id = :schoolId, identity_type = 'student', deleted_at = NULL, updated_at = now()
        WHERE id = ANY(:movedIds::uuid[])
          AND (school_id IS DISTINCT FROM :schoolId OR identity_type IS DISTINCT FROM 'student'
               OR deleted_at IS NOT NULL)
       RETURNING 1),
     ended AS (
       UPDATE account_titles SET ended_at = now()
        WHERE account_id = ANY(:movedIds::uuid[]) AND school_id <> :schoolId AND ended_at IS NULL
       RETURNING 1),
     titled AS (
       INSERT INTO account_titles (account_id, school_id, title, position)
       SELECT id, :schoolId, :title, :position FROM unnest(:memberIds::uuid[]) AS id
       ON CONFLICT (account_id, school_id, title) WHERE ended_at IS NULL DO NOTHING
       RETURNING 1),
     -- the moved students' seats, found from the students (MATERIALIZED: never from every class
     -- of the term, which the planner picks on young tables without statistics)
     seats AS MATERIALIZED (
       SELECT class_id, account_id FROM class_members
        WHERE account_id = ANY(:movedIds::uuid[]) AND class_id <> :classId),
     unseated AS (
       DELETE FROM class_members cm
        USING seats s JOIN school_classes sc ON sc.id = s.class_id
        WHERE cm.class_id = s.class_id AND cm.account_id = s.account_id
          AND sc.school_year = :schoolYear AND sc.semester = :semester
       RETURNING 1),
     seated AS (
       INSERT INTO class_members (class_id, account_id, seat_no)
       SELECT :classId, m.account_id, m.seat_no
         FROM unnest(:memberIds::uuid[], :seats::smallint[]) AS m (account_id, seat_no)
       ON CONFLICT (class_id, account_id) DO UPDATE SET seat_no = EXCLUDED.seat_no
         WHERE class_members.seat_no IS DISTINCT FROM EXCLUDED.seat_no
       RETURNING 1)
     SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM ended) AS ended,
            (SELECT count(*) FROM titled) AS titled, (SELECT count(*) FROM unseated) AS unseated,
            (SELECT count(*) FROM seated) AS seated`,
    {
      classId: p.classId,
      schoolId: p.schoolId,
      schoolYear: p.term.schoolYear,
      semester: p.term.semester,
      title: p.title,
      position: p.position,
      movedIds: p.movedIds,
      memberIds: p.members.map((m) => m.accountId),
      seats: p.members.map((m) => m.seat),
    },
  );
}

/** The constraint a unique violation (23505) is about, or undefined for any other error. */
export function uniqueViolationConstraint(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined;
}
