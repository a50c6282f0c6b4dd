/**
 * school_classes and class_teachers as the schools console edits them. The roster import has
 * its own upsert of school_classes (adapters/db/roster.ts); both rely on the unique index
 * school_classes__term_class (school, year, semester, grade, class number).
 */
import type { DbOrTx } from '../db.js';
import { isUniqueViolation } from './organizations.js';

export interface SchoolClass {
  id: string;
  schoolId: string;
  /** ROC year (民國), e.g. 115 */
  schoolYear: number;
  semester: 1 | 2;
  grade: number;
  classNo: number;
  title: string;
  createdAt: Date;
}

interface Row {
  id: string;
  school_id: string;
  school_year: number;
  semester: 1 | 2;
  grade: number;
  class_no: number;
  title: string;
  created_at: Date;
}

export const schoolClassFromRow = (r: Row): SchoolClass => ({
  id: r.id,
  schoolId: r.school_id,
  schoolYear: r.school_year,
  semester: r.semester,
  grade: r.grade,
  classNo: r.class_no,
  title: r.title,
  createdAt: r.created_at,
});

export type TeacherKind = 'homeroom' | 'subject';

export interface ClassTeacher {
  classId: string;
  accountId: string;
  username: string;
  name: string | null;
  kind: TeacherKind;
}

export interface ClassWithTeachers extends SchoolClass {
  teachers: ClassTeacher[];
  memberCount: number;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export interface ClassFilter {
  schoolId: string;
  schoolYear?: number | undefined;
  semester?: number | undefined;
  grade?: number | undefined;
  offset: number;
  limit: number;
}

export async function listClasses(
  db: DbOrTx,
  f: ClassFilter,
): Promise<{ rows: ClassWithTeachers[]; total: number }> {
  const q = db('school_classes')
    .where({ school_id: f.schoolId })
    .where((w) => {
      if (f.schoolYear !== undefined) w.where('school_year', f.schoolYear);
      if (f.semester !== undefined) w.where('semester', f.semester);
      if (f.grade !== undefined) w.where('grade', f.grade);
    });
  const [rows, count] = await Promise.all([
    q
      .clone()
      .orderBy([
        { column: 'school_year', order: 'desc' },
        { column: 'semester', order: 'desc' },
        { column: 'grade', order: 'asc' },
        { column: 'class_no', order: 'asc' },
      ])
      .limit(f.limit)
      .offset(f.offset),
    q.clone().count<{ count: number }[]>({ count: '*' }),
  ]);
  const classes = (rows as Row[]).map(schoolClassFromRow);
  const ids = classes.map((c) => c.id);
  const [teachers, members] = await Promise.all([
    listTeachersOfClasses(db, ids),
    ids.length
      ? (db('class_members')
          .whereIn('class_id', ids)
          .groupBy('class_id')
          .select('class_id', db.raw('count(*)::int AS n')) as Promise<
          Array<{ class_id: string; n: number }>
        >)
      : Promise.resolve([]),
  ]);
  const memberCount = new Map(members.map((m) => [m.class_id, m.n]));
  return {
    rows: classes.map((c) => ({
      ...c,
      teachers: teachers.filter((t) => t.classId === c.id),
      memberCount: memberCount.get(c.id) ?? 0,
    })),
    total: Number(count[0]?.count ?? 0),
  };
}

export async function findClassById(db: DbOrTx, id: string): Promise<SchoolClass | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await db('school_classes').where({ id }).first()) as Row | undefined;
  return row && schoolClassFromRow(row);
}

export async function countClassMembers(db: DbOrTx, classId: string): Promise<number> {
  const [row] = await db('class_members').where({ class_id: classId }).count<{ count: number }[]>({
    count: '*',
  });
  return Number(row?.count ?? 0);
}

export interface ClassInput {
  schoolYear: number;
  semester: 1 | 2;
  grade: number;
  classNo: number;
  title: string;
}

/** Inserts a class; undefined when the school already has that class in that term. */
export async function insertClass(
  db: DbOrTx,
  schoolId: string,
  c: ClassInput,
): Promise<SchoolClass | undefined> {
  const [row] = (await db('school_classes')
    .insert({
      school_id: schoolId,
      school_year: c.schoolYear,
      semester: c.semester,
      grade: c.grade,
      class_no: c.classNo,
      title: c.title,
    })
    .onConflict(['school_id', 'school_year', 'semester', 'grade', 'class_no'])
    .ignore()
    .returning('*')) as Row[];
  return row && schoolClassFromRow(row);
}

/** Whether another class of the school holds this term, grade and class number. */
export async function isClassTaken(
  db: DbOrTx,
  schoolId: string,
  c: Omit<ClassInput, 'title'>,
  exceptId?: string,
): Promise<boolean> {
  const q = db('school_classes').where({
    school_id: schoolId,
    school_year: c.schoolYear,
    semester: c.semester,
    grade: c.grade,
    class_no: c.classNo,
  });
  if (exceptId) q.whereNot('id', exceptId);
  return !!(await q.first('id'));
}

export async function updateClass(
  db: DbOrTx,
  id: string,
  c: ClassInput,
): Promise<SchoolClass | 'conflict' | undefined> {
  try {
    const [row] = (await db('school_classes')
      .where({ id })
      .update({
        school_year: c.schoolYear,
        semester: c.semester,
        grade: c.grade,
        class_no: c.classNo,
        title: c.title,
      })
      .returning('*')) as Row[];
    return row && schoolClassFromRow(row);
  } catch (err) {
    if (isUniqueViolation(err)) return 'conflict';
    throw err;
  }
}

export async function listTeachersOfClasses(
  db: DbOrTx,
  classIds: readonly string[],
): Promise<ClassTeacher[]> {
  if (classIds.length === 0) return [];
  const rows = (await db('class_teachers as t')
    .join('accounts as a', 'a.id', 't.account_id')
    .whereIn('t.class_id', [...classIds])
    .orderBy([{ column: 't.kind' }, { column: 'a.username' }])
    .select('t.class_id', 't.account_id', 't.kind', 'a.username', 'a.name')) as Array<{
    class_id: string;
    account_id: string;
    kind: TeacherKind;
    username: string;
    name: string | null;
  }>;
  return rows.map((r) => ({
    classId: r.class_id,
    accountId: r.account_id,
    username: r.username,
    name: r.name,
    kind: r.kind,
  }));
}

/**
 * An account that belongs to the school (registered there, or holding a current title there),
 * not deleted and not a student: who may be made a teacher of its classes.
 */
export async function findSchoolStaffByUsername(
  db: DbOrTx,
  schoolId: string,
  username: string,
): Promise<{ id: string; username: string; name: string | null } | undefined> {
  return db('accounts as a')
    .where('a.username', username)
    .whereNull('a.deleted_at')
    .where((w) => w.whereNull('a.identity_type').orWhereNot('a.identity_type', 'student'))
    .where((w) =>
      w
        .where('a.school_id', schoolId)
        .orWhereExists((e) =>
          e
            .select(db.raw('1'))
            .from('account_titles as t')
            .whereRaw('t.account_id = a.id')
            .where('t.school_id', schoolId)
            .whereNull('t.ended_at'),
        ),
    )
    .first('a.id', 'a.username', 'a.name');
}

/** Adds a teacher to a class, or changes the kind; returns the kind held before, if any. */
export async function upsertClassTeacher(
  db: DbOrTx,
  classId: string,
  accountId: string,
  kind: TeacherKind,
): Promise<TeacherKind | undefined> {
  const before = (await db('class_teachers')
    .where({ class_id: classId, account_id: accountId })
    .forUpdate()
    .first('kind')) as { kind: TeacherKind } | undefined;
  await db('class_teachers')
    .insert({ class_id: classId, account_id: accountId, kind })
    .onConflict(['class_id', 'account_id'])
    .merge({ kind });
  return before?.kind;
}

export async function deleteClassTeacher(
  db: DbOrTx,
  classId: string,
  accountId: string,
): Promise<TeacherKind | undefined> {
  if (!isUuid(accountId)) return undefined;
  const [row] = (await db('class_teachers')
    .where({ class_id: classId, account_id: accountId })
    .delete()
    .returning('kind')) as Array<{ kind: TeacherKind }>;
  return row?.kind;
}
