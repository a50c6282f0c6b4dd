/**
 * 學校名稱: the schools of a county (MOE school code, full and short name, level). County
 * admins create and edit the schools of their county; school admins read their own school's
 * record. Every change is written to the audit log in the same transaction.
 */
import {
  findOrganizationById,
  findOrganizationsByIds,
  insertSchool,
  isOrganizationCodeTaken,
  listSchools,
  type Organization,
  type SchoolLevel,
  updateSchool,
} from '../adapters/db/organizations.js';
import type { Db } from '../adapters/db.js';
import { assert, defineErrors } from '../errors.js';
import { type Actor, authorize, authorizeVisible, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';

export type { Organization, SchoolLevel } from '../adapters/db/organizations.js';

export const SCHOOL_LEVELS = [
  'elementary',
  'junior',
  'senior',
  'other',
] as const satisfies readonly SchoolLevel[];
/** MOE school code (學校代碼): 6 characters today; up to 8 letters and digits are accepted */
export const SCHOOL_CODE = /^[0-9A-Za-z]{6,8}$/;
export const SCHOOL_NAME_MAX = 100;
export const SCHOOL_SHORT_NAME_MAX = 50;

export const schoolErrors = defineErrors('school', {
  code_invalid: { message: 'school.code_invalid' },
  code_taken: { status: 409, message: 'school.code_taken' },
  name_required: { message: 'school.name_required' },
  name_too_long: { message: 'school.name_too_long' },
  short_name_too_long: { message: 'school.short_name_too_long' },
  level_invalid: { message: 'school.level_invalid' },
  county_required: { message: 'school.county_required' },
});

export interface SchoolInput {
  code: string;
  name: string;
  shortName?: string | null | undefined;
  level: string;
  /** the county a new school belongs to; may be left out by an admin of a single county */
  countyId?: string | undefined;
}

export interface SchoolListFilter {
  code?: string | undefined;
  name?: string | undefined;
  level?: SchoolLevel | undefined;
  offset: number;
  limit: number;
}

const isLevel = (v: string): v is SchoolLevel => (SCHOOL_LEVELS as readonly string[]).includes(v);

/** Trims and checks the fields of a school. @throws school.* */
export function checkSchoolInput(input: SchoolInput) {
  const code = input.code.trim();
  const name = input.name.normalize('NFC').trim().replace(/\s+/g, ' ');
  const shortName = (input.shortName ?? '').normalize('NFC').trim().replace(/\s+/g, ' ') || null;
  const level = input.level.trim();
  assert(SCHOOL_CODE.test(code), schoolErrors.code_invalid);
  assert(name !== '', schoolErrors.name_required);
  assert(name.length <= SCHOOL_NAME_MAX, schoolErrors.name_too_long);
  assert(!shortName || shortName.length <= SCHOOL_SHORT_NAME_MAX, schoolErrors.short_name_too_long);
  assert(isLevel(level), schoolErrors.level_invalid);
  return { code, name, shortName, level };
}

/** What the audit log keeps of a school ("code" keys are redacted there: see services/audit.ts). */
const snapshot = (s: Organization) => ({
  moe_number: s.code,
  name: s.name,
  short_name: s.shortName,
  level: s.level,
  parent_id: s.parentId,
});

export interface SchoolService {
  /** The schools the actor administers, filtered and paged. */
  list(actor: Actor, filter: SchoolListFilter): Promise<{ rows: Organization[]; total: number }>;
  /** @throws admin.not_found (also for a school the actor may not see) */
  get(actor: Actor, id: string): Promise<Organization>;
  /** Counties the actor may add schools to. */
  counties(actor: Actor): Promise<Organization[]>;
  /** The county of a school the caller has already been allowed to see. */
  countyOf(school: Organization): Promise<Organization | undefined>;
  /** @throws admin.forbidden, school.* */
  create(actor: Actor, input: SchoolInput): Promise<Organization>;
  /** @throws admin.not_found, admin.forbidden, school.* */
  update(actor: Actor, id: string, input: SchoolInput): Promise<Organization>;
}

export function createSchoolService(db: Db, audit: AuditLog): SchoolService {
  async function visibleSchool(actor: Actor, id: string): Promise<Organization> {
    const school = await findOrganizationById(db, id);
    authorizeVisible(actor, 'school.view', school?.kind === 'school' ? { schoolId: school.id } : undefined);
    return school!;
  }

  return {
    list: (actor, f) => listSchools(db, { ...f, schoolIds: actor.schoolIds }),

    get: visibleSchool,

    counties: (actor) => findOrganizationsByIds(db, actor.countyIds),

    countyOf: async (school) => (school.parentId ? findOrganizationById(db, school.parentId) : undefined),

    async create(actor, input) {
      const countyId =
        input.countyId || (actor.countyIds.length === 1 ? actor.countyIds[0] : undefined) || undefined;
      // a school admin (no county) is refused before anything about the input is said
      authorize(actor, 'school.manage', countyId ? { countyId } : {});
      assert(countyId, schoolErrors.county_required);
      const fields = checkSchoolInput(input);
      return db.transaction(async (trx) => {
        assert(!(await isOrganizationCodeTaken(trx, fields.code)), schoolErrors.code_taken);
        const school = await insertSchool(trx, { ...fields, parentId: countyId });
        assert(school, schoolErrors.code_taken);
        await audit.record(trx, actor, {
          action: 'school.create',
          targetType: 'school',
          targetId: school.id,
          orgId: school.id,
          after: snapshot(school),
        });
        return school;
      });
    },

    async update(actor, id, input) {
      const before = await visibleSchool(actor, id);
      authorize(actor, 'school.manage', { schoolId: before.id, countyId: before.parentId ?? undefined });
      const fields = checkSchoolInput(input);
      return db.transaction(async (trx) => {
        assert(!(await isOrganizationCodeTaken(trx, fields.code, id)), schoolErrors.code_taken);
        const after = await updateSchool(trx, id, fields);
        assert(after !== 'conflict', schoolErrors.code_taken);
        assert(after, policyErrors.not_found);
        await audit.record(trx, actor, {
          action: 'school.update',
          targetType: 'school',
          targetId: id,
          orgId: id,
          before: snapshot(before),
          after: snapshot(after),
        });
        return after;
      });
    },
  };
}
