/**
 * Classes of a school per school year (ROC 學年度) and semester, and their teachers (導師
 * homeroom, 科任 subject). A school's admins (and the county's) create and edit classes and
 * assign teachers from the accounts of that school; anyone who may see the school sees them.
 * Every change is written to the audit log in the same transaction.
 */
import {
  type ClassInput,
  type ClassTeacher,
  type ClassWithTeachers,
  countClassMembers,
  deleteClassTeacher,
  findClassById,
  findSchoolStaffByUsername,
  insertClass,
  isClassTaken,
  listClasses,
  listTeachersOfClasses,
  type SchoolClass,
  type TeacherKind,
  updateClass,
  upsertClassTeacher,
} from '../adapters/db/classes.js';
import { findOrganizationById, type Organization } from '../adapters/db/organizations.js';
import type { Db } from '../adapters/db.js';
import { assert, defineErrors } from '../errors.js';
import { normalizeUsername } from './accounts.js';
import { type Actor, authorize, authorizeVisible, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';
import { classTitle } from './roster/rows.js';

export type { ClassTeacher, ClassWithTeachers, SchoolClass, TeacherKind } from '../adapters/db/classes.js';

export const TEACHER_KINDS = ['homeroom', 'subject'] as const satisfies readonly TeacherKind[];
export const CLASS_TITLE_MAX = 50;

export const classErrors = defineErrors('class', {
  school_year_invalid: { message: 'class.school_year_invalid' },
  semester_invalid: { message: 'class.semester_invalid' },
  grade_invalid: { message: 'class.grade_invalid' },
  class_no_invalid: { message: 'class.class_no_invalid' },
  title_too_long: { message: 'class.title_too_long' },
  duplicate: { status: 409, message: 'class.duplicate' },
  teacher_not_found: { message: 'class.teacher_not_found' },
  kind_invalid: { message: 'class.kind_invalid' },
  teacher_not_assigned: { status: 404, message: 'class.teacher_not_assigned' },
});

/** The current school year and semester: 1st semester from August to January, 2nd from February. */
export function currentTerm(now = new Date()): { schoolYear: number; semester: 1 | 2 } {
  // the school calendar is Taiwan's: read the month in Asia/Taipei
  const [y, m] = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Taipei',
    year: 'numeric',
    month: '2-digit',
  })
    .format(now)
    .split('-')
    .map(Number) as [number, number];
  const roc = y - 1911;
  if (m >= 8) return { schoolYear: roc, semester: 1 };
  if (m === 1) return { schoolYear: roc - 1, semester: 1 };
  return { schoolYear: roc - 1, semester: 2 };
}

/** A whole number within [min, max] from a form string or a JSON number; else undefined. */
export function wholeNumber(v: unknown, min: number, max: number): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,4}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

export interface ClassFormInput {
  schoolYear: number | string;
  semester: number | string;
  grade: number | string;
  classNo: number | string;
  /** blank: the Chinese title of grade and class number, e.g. 三年三班 */
  title?: string | null | undefined;
}

/** @throws class.* */
export function checkClassInput(input: ClassFormInput): ClassInput {
  const schoolYear = wholeNumber(input.schoolYear, 1, 999);
  const semester = wholeNumber(input.semester, 1, 2) as 1 | 2 | undefined;
  const grade = wholeNumber(input.grade, 1, 12);
  const classNo = wholeNumber(input.classNo, 1, 99);
  assert(schoolYear !== undefined, classErrors.school_year_invalid);
  assert(semester !== undefined, classErrors.semester_invalid);
  assert(grade !== undefined, classErrors.grade_invalid);
  assert(classNo !== undefined, classErrors.class_no_invalid);
  const title =
    (input.title ?? '').normalize('NFC').trim().replace(/\s+/g, ' ') || classTitle(grade, classNo);
  assert(title.length <= CLASS_TITLE_MAX, classErrors.title_too_long);
  return { schoolYear, semester, grade, classNo, title };
}

const snapshot = (c: SchoolClass) => ({
  school_id: c.schoolId,
  school_year: c.schoolYear,
  semester: c.semester,
  grade: c.grade,
  class_no: c.classNo,
  title: c.title,
});

export interface ClassListFilter {
  schoolYear?: number | undefined;
  semester?: number | undefined;
  grade?: number | undefined;
  offset: number;
  limit: number;
}

export interface ClassDetail {
  schoolClass: SchoolClass;
  school: Organization;
  teachers: ClassTeacher[];
  memberCount: number;
}

export interface ClassService {
  /** @throws admin.not_found */
  list(
    actor: Actor,
    schoolId: string,
    filter: ClassListFilter,
  ): Promise<{ rows: ClassWithTeachers[]; total: number }>;
  /** @throws admin.not_found */
  get(actor: Actor, classId: string): Promise<ClassDetail>;
  /** @throws admin.not_found, admin.forbidden, class.* */
  create(actor: Actor, schoolId: string, input: ClassFormInput): Promise<SchoolClass>;
  /** @throws admin.not_found, admin.forbidden, class.* */
  update(actor: Actor, classId: string, input: ClassFormInput): Promise<SchoolClass>;
  /** Adds a teacher (an account of the class's school) or changes the kind. @throws class.teacher_not_found */
  assignTeacher(
    actor: Actor,
    classId: string,
    input: { username: string; kind: string },
  ): Promise<ClassTeacher[]>;
  /** @throws class.teacher_not_assigned */
  removeTeacher(actor: Actor, classId: string, accountId: string): Promise<ClassTeacher[]>;
}

export function createClassService(db: Db, audit: AuditLog): ClassService {
  async function visibleSchool(actor: Actor, id: string): Promise<Organization> {
    const school = await findOrganizationById(db, id);
    authorizeVisible(actor, 'school.view', school?.kind === 'school' ? { schoolId: school.id } : undefined);
    return school!;
  }

  async function visibleClass(actor: Actor, id: string): Promise<SchoolClass> {
    const found = await findClassById(db, id);
    authorizeVisible(actor, 'school.view', found && { schoolId: found.schoolId });
    return found!;
  }

  async function manageableClass(actor: Actor, id: string): Promise<SchoolClass> {
    const found = await visibleClass(actor, id);
    authorize(actor, 'class.manage', { schoolId: found.schoolId });
    return found;
  }

  return {
    async list(actor, schoolId, f) {
      const school = await visibleSchool(actor, schoolId);
      return listClasses(db, { ...f, schoolId: school.id });
    },

    async get(actor, classId) {
      const schoolClass = await visibleClass(actor, classId);
      const [school, teachers, memberCount] = await Promise.all([
        findOrganizationById(db, schoolClass.schoolId),
        listTeachersOfClasses(db, [classId]),
        countClassMembers(db, classId),
      ]);
      assert(school, policyErrors.not_found);
      return { schoolClass, school, teachers, memberCount };
    },

    async create(actor, schoolId, input) {
      const school = await visibleSchool(actor, schoolId);
      authorize(actor, 'class.manage', { schoolId: school.id });
      const fields = checkClassInput(input);
      return db.transaction(async (trx) => {
        const created = await insertClass(trx, school.id, fields);
        assert(created, classErrors.duplicate);
        await audit.record(trx, actor, {
          action: 'class.create',
          targetType: 'class',
          targetId: created.id,
          orgId: school.id,
          after: snapshot(created),
        });
        return created;
      });
    },

    async update(actor, classId, input) {
      const before = await manageableClass(actor, classId);
      const fields = checkClassInput(input);
      return db.transaction(async (trx) => {
        assert(!(await isClassTaken(trx, before.schoolId, fields, classId)), classErrors.duplicate);
        const after = await updateClass(trx, classId, fields);
        assert(after !== 'conflict', classErrors.duplicate);
        assert(after, policyErrors.not_found);
        await audit.record(trx, actor, {
          action: 'class.update',
          targetType: 'class',
          targetId: classId,
          orgId: before.schoolId,
          before: snapshot(before),
          after: snapshot(after),
        });
        return after;
      });
    },

    async assignTeacher(actor, classId, input) {
      const schoolClass = await manageableClass(actor, classId);
      const kind = input.kind.trim();
      assert((TEACHER_KINDS as readonly string[]).includes(kind), classErrors.kind_invalid);
      const username = normalizeUsername(input.username);
      // an account of another school is reported like an unknown one
      const teacher = username
        ? await findSchoolStaffByUsername(db, schoolClass.schoolId, username)
        : undefined;
      assert(teacher, classErrors.teacher_not_found);
      await db.transaction(async (trx) => {
        const previous = await upsertClassTeacher(trx, classId, teacher.id, kind as TeacherKind);
        if (previous === kind) return;
        await audit.record(trx, actor, {
          action: 'class.teacher_assign',
          targetType: 'class',
          targetId: classId,
          orgId: schoolClass.schoolId,
          before: previous ? { account_id: teacher.id, username: teacher.username, kind: previous } : null,
          after: { account_id: teacher.id, username: teacher.username, kind },
        });
      });
      return listTeachersOfClasses(db, [classId]);
    },

    async removeTeacher(actor, classId, accountId) {
      const schoolClass = await manageableClass(actor, classId);
      await db.transaction(async (trx) => {
        const teachers = await listTeachersOfClasses(trx, [classId]);
        const teacher = teachers.find((t) => t.accountId === accountId);
        assert(teacher, classErrors.teacher_not_assigned);
        assert(await deleteClassTeacher(trx, classId, accountId), classErrors.teacher_not_assigned);
        await audit.record(trx, actor, {
          action: 'class.teacher_remove',
          targetType: 'class',
          targetId: classId,
          orgId: schoolClass.schoolId,
          before: { account_id: teacher.accountId, username: teacher.username, kind: teacher.kind },
        });
      });
      return listTeachersOfClasses(db, [classId]);
    },
  };
}
