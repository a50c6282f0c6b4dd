/**
 * Directory reads behind eduinfo (reference §4.1): an account's current titles per school and
 * its class seats in each school's current term.
 */
import type { DbOrTx } from '../db.js';

export interface CurrentTitleRow {
  schoolId: string;
  /** MOE school code (reference §12) */
  schoolCode: string;
  title: string;
}

export interface CurrentClassRow {
  schoolId: string;
  schoolCode: string;
  /** ROC school year (民國), e.g. 115 */
  schoolYear: number;
  semester: 1 | 2;
  grade: number;
  classNo: number;
  /** 六年四班 */
  title: string;
  seatNo: number | null;
}

export async function findOrganizationCode(db: DbOrTx, id: string): Promise<string | undefined> {
  const row = (await db('organizations').select('code').where({ id }).first()) as
    | { code: string }
    | undefined;
  return row?.code;
}

/** Titles without ended_at, in stored order (position, then when they started). */
export async function findCurrentTitles(db: DbOrTx, accountId: string): Promise<CurrentTitleRow[]> {
  const rows = (await db('account_titles as t')
    .join('organizations as o', 'o.id', 't.school_id')
    .select('t.school_id', 'o.code', 't.title')
    .where('t.account_id', accountId)
    .whereNull('t.ended_at')
    .orderBy([
      { column: 't.position', order: 'asc' },
      { column: 't.started_at', order: 'asc' },
      { column: 't.title', order: 'asc' },
    ])) as Array<{ school_id: string; code: string; title: string }>;
  return rows.map((r) => ({ schoolId: r.school_id, schoolCode: r.code, title: r.title }));
}

/**
 * Classes the account sits in (class_members) whose term is the newest term its school has
 * classes for: a graduate's old class drops out once the school's next term is imported,
 * and a class stays current until then.
 */
export async function findCurrentClasses(db: DbOrTx, accountId: string): Promise<CurrentClassRow[]> {
  const { rows } = (await db.raw(
    `SELECT c.school_id, o.code, c.school_year, c.semester, c.grade, c.class_no, c.title, m.seat_no
       FROM class_members m
       JOIN school_classes c ON c.id = m.class_id
       JOIN organizations o ON o.id = c.school_id
      WHERE m.account_id = ?
        AND (c.school_year, c.semester) = (
          SELECT l.school_year, l.semester FROM school_classes l
           WHERE l.school_id = c.school_id
           ORDER BY l.school_year DESC, l.semester DESC
           LIMIT 1)
      ORDER BY c.grade, c.class_no`,
    [accountId],
  )) as {
    rows: Array<{
      school_id: string;
      code: string;
      school_year: number;
      semester: 1 | 2;
      grade: number;
      class_no: number;
      title: string;
      seat_no: number | null;
    }>;
  };
  return rows.map((r) => ({
    schoolId: r.school_id,
    schoolCode: r.code,
    schoolYear: r.school_year,
    semester: r.semester,
    grade: r.grade,
    classNo: r.class_no,
    title: r.title,
    seatNo: r.seat_no,
  }));
}
