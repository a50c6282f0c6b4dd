/**
 * Fixtures for the schools, roles, whitelist and audit tests: a county with two schools and
 * their admins, teachers and a student; a second county with its own admin; and a small
 * client for the admin API.
 */
import type { Runtime } from '../../src/runtime.js';
import { createMember, type Directory, seedDirectory } from './admin.js';
import { csrfFrom, type HttpAgent } from './http-agent.js';

export interface Orgs extends Directory {
  county: { id: string };
  adminA: { id: string };
  adminB: { id: string };
  teacherA: { id: string };
  teacherB: { id: string };
  studentA: { id: string };
  otherCountyId: string;
  otherSchoolId: string;
  otherCounty: { id: string };
}

/**
 * 基隆市 (A 暖暖國小, B 建德國中) with: county (county admin), admin-a / admin-b (school admins),
 * teacher-a / teacher-b, student-a; and 臺北市 (one school) with its admin county2.
 */
export async function seedOrgs(runtime: Runtime): Promise<Orgs> {
  const dir = await seedDirectory(runtime);
  const county = await createMember(runtime, {
    username: 'county',
    schoolId: null,
    role: { role: 'county_admin', orgId: dir.countyId },
  });
  const adminA = await createMember(runtime, {
    username: 'admin-a',
    schoolId: dir.schoolA,
    titles: ['資訊組長'],
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const adminB = await createMember(runtime, {
    username: 'admin-b',
    schoolId: dir.schoolB,
    titles: ['資訊組長'],
    role: { role: 'school_admin', orgId: dir.schoolB },
  });
  const teacherA = await createMember(runtime, { username: 'teacher-a', schoolId: dir.schoolA });
  const teacherB = await createMember(runtime, { username: 'teacher-b', schoolId: dir.schoolB });
  const studentA = await createMember(runtime, {
    username: 'student-a',
    schoolId: dir.schoolA,
    identityType: 'student',
  });
  const [other] = await runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'tp', name: '臺北市政府教育局' })
    .returning('id');
  const [otherSchool] = await runtime
    .db('organizations')
    .insert({
      kind: 'school',
      code: '313601',
      name: '臺北市立建國高級中學',
      short_name: '建國中學',
      level: 'senior',
      parent_id: other.id,
    })
    .returning('id');
  const otherCounty = await createMember(runtime, {
    username: 'county2',
    schoolId: null,
    role: { role: 'county_admin', orgId: other.id },
  });
  return {
    ...dir,
    county,
    adminA,
    adminB,
    teacherA,
    teacherB,
    studentA,
    otherCountyId: other.id,
    otherSchoolId: otherSchool.id,
    otherCounty,
  };
}

export interface ApiResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  json: any;
}

/** Calls the admin API with a bearer token. */
export async function callApi(
  issuer: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult> {
  const res = await fetch(`${issuer}/admin/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Loads a console page and posts a form from it with its CSRF token. */
export async function postFrom(
  agent: HttpAgent,
  pagePath: string,
  action: string,
  form: Record<string, string>,
) {
  const page = await agent.request(pagePath);
  if (page.status !== 200) throw new Error(`${pagePath} answered ${page.status}`);
  return agent.request(action, { form: { ...form, csrf: csrfFrom(page.body) } });
}

/** The audit entries of an action, oldest first. */
export async function auditEntries(runtime: Runtime, action: string) {
  return runtime.db('audit_log').where({ action }).orderBy('id');
}
