/**
 * Delegated administration (權限管理): who may do what to whom. This is the one place an
 * admin action is checked against the actor's scope; console pages and the admin API call
 * authorize() (single targets) or accountScope() (lists) before touching a service.
 *
 *   county admin   every school of the county, accounts without a school, the audit log,
 *                  school-admin roles and applications for them
 *   school admin   the school(s) administered: accounts, roster, applications, transfers,
 *                  whitelist, classes and their teachers
 *   teacher        the students of the classes taught (to issue passOne for them)
 */
import { defineErrors } from '../../errors.js';

export const policyErrors = defineErrors('admin', {
  forbidden: { status: 403, message: 'admin.forbidden' },
  // what an actor may not see is reported as absent: the answer never tells whether it exists
  not_found: { status: 404, message: 'admin.not_found' },
  ip_not_allowed: { status: 403, message: 'admin.ip_not_allowed' },
});

export type AdminVia = 'console' | 'api' | 'cli';

export interface Actor {
  accountId: string;
  username: string;
  name: string | null;
  ip: string;
  via: AdminVia;
  /** counties the actor is county admin of */
  countyIds: readonly string[];
  /** schools the actor is school admin of, directly */
  adminSchoolIds: readonly string[];
  /** schools of the counties in countyIds */
  countySchoolIds: readonly string[];
  /** every school the actor administers: adminSchoolIds plus countySchoolIds */
  schoolIds: readonly string[];
  /** classes the actor teaches (class_teachers) */
  teacherClassIds: readonly string[];
}

export type AdminAction =
  | 'console.enter'
  | 'school.view'
  | 'school.manage'
  | 'class.manage'
  | 'account.view'
  | 'account.manage'
  | 'account.create'
  | 'account.restore'
  | 'roster.import'
  | 'application.decide'
  | 'application.decide_admin'
  | 'transfer.request'
  | 'transfer.decide'
  | 'whitelist.manage'
  | 'role.manage_school_admin'
  | 'role.manage_county_admin'
  | 'audit.view'
  | 'passone.issue'
  | 'throttle.view'
  | 'throttle.clear'
  | 'login_policy.manage'
  | 'service.manage';

/**
 * What an action is done to. schoolId null means "no school" (an account registered at no
 * school, or a county-level record); countyId is set for county-level records.
 */
export interface Target {
  schoolId?: string | null;
  countyId?: string;
  /** classes the target account belongs to (a teacher's reach) */
  classIds?: readonly string[];
}

export const isCountyAdmin = (actor: Actor) => actor.countyIds.length > 0;
export const isSchoolAdmin = (actor: Actor) => actor.schoolIds.length > 0;
export const isTeacher = (actor: Actor) => actor.teacherClassIds.length > 0;

function administersSchool(actor: Actor, schoolId: string | null | undefined): boolean {
  if (schoolId === undefined) return false;
  // accounts at no school belong to the county
  if (schoolId === null) return isCountyAdmin(actor);
  return actor.schoolIds.includes(schoolId);
}

/** The school is in one of the actor's counties (county business, not a school admin's). */
function administersAsCounty(actor: Actor, schoolId: string | null | undefined): boolean {
  return schoolId != null && actor.countySchoolIds.includes(schoolId);
}

function teaches(actor: Actor, classIds: readonly string[] | undefined): boolean {
  return !!classIds?.some((id) => actor.teacherClassIds.includes(id));
}

function administersCounty(actor: Actor, target: Target): boolean {
  return target.countyId !== undefined && actor.countyIds.includes(target.countyId);
}

const RULES: Record<AdminAction, (actor: Actor, target: Target) => boolean> = {
  'console.enter': (a) => isCountyAdmin(a) || isSchoolAdmin(a) || isTeacher(a),
  'school.view': (a, t) => administersSchool(a, t.schoolId) || administersCounty(a, t),
  // creating, renaming, closing a school is the county's business
  'school.manage': (a, t) => administersCounty(a, t) || administersAsCounty(a, t.schoolId),
  'class.manage': (a, t) => administersSchool(a, t.schoolId),
  'account.view': (a, t) => administersSchool(a, t.schoolId) || teaches(a, t.classIds),
  'account.manage': (a, t) => administersSchool(a, t.schoolId),
  'account.create': (a, t) => administersSchool(a, t.schoolId),
  // a soft-deleted account comes back only by the county's decision
  'account.restore': (a, t) =>
    (t.schoolId === null && isCountyAdmin(a)) || administersAsCounty(a, t.schoolId),
  'roster.import': (a, t) => t.schoolId != null && administersSchool(a, t.schoolId),
  'application.decide': (a, t) => t.schoolId != null && administersSchool(a, t.schoolId),
  // a request for a school-admin role is decided by the county, never by the school itself
  'application.decide_admin': (a, t) => administersAsCounty(a, t.schoolId),
  // the receiving school asks; the releasing school (or the county) approves
  'transfer.request': (a, t) => t.schoolId != null && administersSchool(a, t.schoolId),
  'transfer.decide': (a, t) => t.schoolId != null && administersSchool(a, t.schoolId),
  'whitelist.manage': (a, t) =>
    administersCounty(a, t) || (t.schoolId != null && administersSchool(a, t.schoolId)),
  'role.manage_school_admin': (a, t) => administersAsCounty(a, t.schoolId),
  'role.manage_county_admin': (a, t) => administersCounty(a, t),
  'audit.view': (a) => isCountyAdmin(a),
  'passone.issue': (a, t) => administersSchool(a, t.schoolId) || teaches(a, t.classIds),
  // 登入防護: an account's counters like the account itself; an address's (no school) to any admin
  'throttle.view': (a, t) =>
    t.schoolId === undefined ? isCountyAdmin(a) || isSchoolAdmin(a) : administersSchool(a, t.schoolId),
  // lifting a block is the county's call (a school admin could unblock an attacker's address)
  'throttle.clear': (a, t) =>
    isCountyAdmin(a) && (t.schoolId === undefined || administersSchool(a, t.schoolId)),
  // 啟用登入機制: the rules of a county are its county admins' (issue 4)
  'login_policy.manage': (a, t) => administersCounty(a, t),
  // 服務: a county-wide service (no school) is the county's; a school's own service is its
  // admins' (and the county's)
  'service.manage': (a, t) => administersCounty(a, t) || administersSchool(a, t.schoolId),
};

export function can(actor: Actor, action: AdminAction, target: Target = {}): boolean {
  return RULES[action](actor, target);
}

/** @throws admin.forbidden */
export function authorize(actor: Actor, action: AdminAction, target: Target = {}): void {
  if (!can(actor, action, target)) throw policyErrors.forbidden();
}

/**
 * For a record looked up by id: an actor who may not act on it is told it does not exist.
 * @throws admin.not_found
 */
export function authorizeVisible(actor: Actor, action: AdminAction, target: Target | undefined): void {
  if (!target || !can(actor, action, target)) throw policyErrors.not_found();
}

/**
 * The rows of a list an actor may see: accounts at these schools, accounts at no school
 * (county admins), and students of these classes (teachers). Queries apply it as a filter.
 */
export interface AccountScope {
  schoolIds: readonly string[];
  includeUnassigned: boolean;
  classIds: readonly string[];
}

export function accountScope(actor: Actor): AccountScope {
  return {
    schoolIds: actor.schoolIds,
    includeUnassigned: isCountyAdmin(actor),
    classIds: actor.teacherClassIds,
  };
}

/** Schools an actor may manage records of (whitelist, applications, transfers, roster). */
export function managedSchoolIds(actor: Actor): readonly string[] {
  return actor.schoolIds;
}
