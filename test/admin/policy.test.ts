import { describe, expect, it } from '@jest/globals';
import { type Actor, accountScope, can } from '../../src/services/admin/policy.js';

const base: Actor = {
  accountId: 'x',
  username: 'x',
  name: null,
  ip: '127.0.0.1',
  via: 'console',
  countyIds: [],
  adminSchoolIds: [],
  countySchoolIds: [],
  schoolIds: [],
  teacherClassIds: [],
};
const county: Actor = { ...base, countyIds: ['kl'], countySchoolIds: ['A', 'B'], schoolIds: ['A', 'B'] };
// county admin of kl who is also school admin of T, a school of another county
const countyAndOutsideSchool: Actor = {
  ...base,
  countyIds: ['kl'],
  countySchoolIds: ['A', 'B'],
  adminSchoolIds: ['T'],
  schoolIds: ['A', 'B', 'T'],
};
const adminA: Actor = { ...base, adminSchoolIds: ['A'], schoolIds: ['A'] };
const teacherA: Actor = { ...base, teacherClassIds: ['A-3-3'] };

describe('policy', () => {
  it('keeps the login rules of a county for its county admins (login_policy.manage)', () => {
    expect(can(county, 'login_policy.manage', { countyId: 'kl' })).toBe(true);
    expect(can(county, 'login_policy.manage', { countyId: 'tp' })).toBe(false);
    expect(can(adminA, 'login_policy.manage', { countyId: 'kl' })).toBe(false);
    expect(can(teacherA, 'login_policy.manage', { countyId: 'kl' })).toBe(false);
  });

  it('lets a school admin of A act on A and on nothing of B', () => {
    for (const action of [
      'account.view',
      'account.manage',
      'roster.import',
      'application.decide',
      'class.manage',
    ] as const) {
      expect(can(adminA, action, { schoolId: 'A' })).toBe(true);
      expect(can(adminA, action, { schoolId: 'B' })).toBe(false);
    }
    expect(can(adminA, 'account.view', { schoolId: null })).toBe(false);
    expect(can(adminA, 'audit.view')).toBe(false);
  });

  it('keeps school-admin roles and their applications for the county', () => {
    expect(can(adminA, 'role.manage_school_admin', { schoolId: 'A' })).toBe(false);
    expect(can(adminA, 'application.decide_admin', { schoolId: 'A' })).toBe(false);
    expect(can(county, 'role.manage_school_admin', { schoolId: 'B' })).toBe(true);
    expect(can(county, 'application.decide_admin', { schoolId: 'A' })).toBe(true);
    expect(can(county, 'role.manage_county_admin', { countyId: 'kl' })).toBe(true);
    expect(can(county, 'role.manage_county_admin', { countyId: 'tp' })).toBe(false);
  });

  it("gives county business only over the county's own schools, not over a school administered elsewhere", () => {
    expect(can(countyAndOutsideSchool, 'application.decide_admin', { schoolId: 'A' })).toBe(true);
    expect(can(countyAndOutsideSchool, 'application.decide_admin', { schoolId: 'T' })).toBe(false);
    expect(can(countyAndOutsideSchool, 'role.manage_school_admin', { schoolId: 'T' })).toBe(false);
    expect(can(countyAndOutsideSchool, 'school.manage', { schoolId: 'T' })).toBe(false);
    expect(can(countyAndOutsideSchool, 'account.manage', { schoolId: 'T' })).toBe(true);
  });

  it('lets a county admin see accounts at no school; a school admin cannot', () => {
    expect(can(county, 'account.manage', { schoolId: null })).toBe(true);
    expect(accountScope(county).includeUnassigned).toBe(true);
    expect(accountScope(adminA).includeUnassigned).toBe(false);
  });

  it('lets a teacher see the students of own classes, and change nothing', () => {
    expect(can(teacherA, 'account.view', { schoolId: 'A', classIds: ['A-3-3'] })).toBe(true);
    expect(can(teacherA, 'account.view', { schoolId: 'A', classIds: ['A-3-4'] })).toBe(false);
    expect(can(teacherA, 'account.manage', { schoolId: 'A', classIds: ['A-3-3'] })).toBe(false);
    expect(can(teacherA, 'passone.issue', { schoolId: 'A', classIds: ['A-3-3'] })).toBe(true);
  });

  it('lets the releasing school or the county decide a transfer, the receiving school request it', () => {
    expect(can(adminA, 'transfer.request', { schoolId: 'A' })).toBe(true);
    expect(can(adminA, 'transfer.decide', { schoolId: 'B' })).toBe(false);
    expect(can(county, 'transfer.decide', { schoolId: 'B' })).toBe(true);
  });

  it('keeps restoring a soft-deleted account for the county', () => {
    expect(can(adminA, 'account.manage', { schoolId: 'A' })).toBe(true);
    expect(can(adminA, 'account.restore', { schoolId: 'A' })).toBe(false);
    expect(can(county, 'account.restore', { schoolId: 'A' })).toBe(true);
    expect(can(county, 'account.restore', { schoolId: null })).toBe(true);
    expect(can(county, 'account.restore', { schoolId: 'elsewhere' })).toBe(false);
    expect(can(teacherA, 'account.restore', { schoolId: 'A', classIds: ['A-3-3'] })).toBe(false);
  });

  it('shows login-protection counters like the account, and leaves clearing blocks to the county', () => {
    expect(can(adminA, 'throttle.view', { schoolId: 'A' })).toBe(true);
    expect(can(adminA, 'throttle.view', { schoolId: 'B' })).toBe(false);
    expect(can(adminA, 'throttle.view', { schoolId: null })).toBe(false);
    // an address belongs to no school: any admin may look at its counters
    expect(can(adminA, 'throttle.view')).toBe(true);
    expect(can(teacherA, 'throttle.view')).toBe(false);
    expect(can(adminA, 'throttle.clear', { schoolId: 'A' })).toBe(false);
    expect(can(adminA, 'throttle.clear')).toBe(false);
    expect(can(county, 'throttle.clear', { schoolId: 'B' })).toBe(true);
    expect(can(county, 'throttle.clear', { schoolId: null })).toBe(true);
    expect(can(county, 'throttle.clear', { schoolId: 'elsewhere' })).toBe(false);
    expect(can(county, 'throttle.clear')).toBe(true);
  });
});
