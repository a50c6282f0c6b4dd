import { describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin, createMember, grantRole } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';

const env = useTestInstance();

/** The rows of the roles table, as "username role-label org" lines. */
function tableRows(body: string): string[] {
  const table = /<table class="data-table" id="roles">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .slice(1)
    .map((m) =>
      m[1]!
        .replace(/<form[\s\S]*?<\/form>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((r) => !r.includes('沒有符合條件'));
}

async function assignmentId(username: string, role: string) {
  const row = await env.runtime
    .db('role_assignments as r')
    .join('accounts as a', 'a.id', 'r.account_id')
    .where({ 'a.username': username, 'r.role': role })
    .first('r.id');
  return row.id as string;
}

describe('GET /admin/roles', () => {
  it("lists the county's admins and its schools' admins, with filters", async () => {
    await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county');
    const page = await agent.request('/admin/roles');
    expect(page.status).toBe(200);
    const rows = tableRows(page.body);
    expect(rows).toHaveLength(3);
    expect(rows.join('\n')).toMatch(/county county 縣市管理者 kl 基隆市政府教育處/);
    expect(rows.join('\n')).toMatch(/admin-a admin-a 學校管理者 173637 基隆市立暖暖國民小學/);
    expect(rows.join('\n')).not.toContain('county2');
    expect(page.body).toContain('授予權限');
    expect(page.body).toContain('/revoke');

    const schoolAdmins = tableRows((await agent.request('/admin/roles?role=school_admin')).body);
    expect(schoolAdmins.map((r) => r.split(' ')[0])).toEqual(['admin-b', 'admin-a']);
    const byName = tableRows((await agent.request('/admin/roles?username=admin-b')).body);
    expect(byName).toHaveLength(1);
    expect(byName[0]).toContain('admin-b');
  });

  it("shows a school admin their school's admins read-only, and nothing of B", async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request('/admin/roles');
    expect(page.status).toBe(200);
    expect(tableRows(page.body).map((r) => r.split(' ')[0])).toEqual(['admin-a']);
    expect(page.body).not.toMatch(/admin-b(?![a-z_])/);
    expect(page.body).not.toContain('/revoke');
    expect(page.body).toContain('此處僅供檢視');
    const grant = await postFrom(agent, '/admin/roles', '/admin/roles', {
      username: 'teacher-a',
      role: 'school_admin',
      org_id: o.schoolA,
    });
    expect(grant.status).toBe(403);
    expect(grant.body).toContain('您沒有執行此操作的權限');
    const revokeB = await postFrom(
      agent,
      '/admin/roles',
      `/admin/roles/${await assignmentId('admin-b', 'school_admin')}/revoke`,
      {},
    );
    expect(revokeB.status).toBe(404);
    const revokeOwn = await postFrom(
      agent,
      '/admin/roles',
      `/admin/roles/${await assignmentId('admin-a', 'school_admin')}/revoke`,
      {},
    );
    expect(revokeOwn.status).toBe(403);
    expect(revokeOwn.body).toContain('您沒有執行此操作的權限');
    expect(await env.runtime.db('role_assignments')).toHaveLength(4);
    expect(await env.runtime.db('audit_log')).toEqual([]);
  });

  it('shows the admin of another county none of these roles', async () => {
    await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county2');
    const page = await agent.request('/admin/roles');
    expect(tableRows(page.body).map((r) => r.split(' ')[0])).toEqual(['county2']);
    const revoke = await postFrom(
      agent,
      '/admin/roles',
      `/admin/roles/${await assignmentId('admin-a', 'school_admin')}/revoke`,
      {},
    );
    expect(revoke.status).toBe(404);
  });
});

describe('POST /admin/roles (grant) and /admin/roles/:id/revoke', () => {
  it('grants a school-admin role, refusing duplicates, unknown accounts and mismatched organisations', async () => {
    const o = await seedOrgs(env.runtime);
    await createMember(env.runtime, { username: 'taipei-teacher', schoolId: o.otherSchoolId });
    const agent = await consoleLogin(env.issuer, 'county');
    const grant = (form: Record<string, string>) => postFrom(agent, '/admin/roles', '/admin/roles', form);

    const done = await grant({ username: 'teacher-a', role: 'school_admin', org_id: o.schoolA });
    expect(done.status).toBe(302);
    expect((await agent.request('/admin/roles')).body).toContain('已授予 teacher-a 學校管理者權限');
    const [entry] = await auditEntries(env.runtime, 'role.grant');
    expect(entry).toMatchObject({
      actor_username: 'county',
      org_id: o.schoolA,
      target_type: 'role_assignment',
    });
    expect(entry.after).toMatchObject({ username: 'teacher-a', role: 'school_admin', org_id: o.schoolA });
    // the new admin sees the school at the next request
    const teacher = await consoleLogin(env.issuer, 'teacher-a');
    expect((await teacher.request(`/admin/schools/${o.schoolA}`)).status).toBe(200);

    const dup = await grant({ username: 'teacher-a', role: 'school_admin', org_id: o.schoolA });
    expect(dup.status).toBe(409);
    expect(dup.body).toContain('此帳號已經有這個權限');
    expect(dup.body).toContain('value="teacher-a"');
    const unknown = await grant({ username: 'nobody', role: 'school_admin', org_id: o.schoolA });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('找不到此帳號');
    const elsewhere = await grant({ username: 'taipei-teacher', role: 'school_admin', org_id: o.schoolA });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toContain('找不到此帳號');
    const mismatch = await grant({ username: 'teacher-b', role: 'county_admin', org_id: o.schoolB });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('縣市管理者須選縣市');
    const otherCounty = await grant({ username: 'teacher-b', role: 'school_admin', org_id: o.otherSchoolId });
    expect(otherCounty.status).toBe(404);
    expect(await auditEntries(env.runtime, 'role.grant')).toHaveLength(1);
  });

  it('revokes roles, but never the county admin own last county-admin role', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county');
    const revokeB = await postFrom(
      agent,
      '/admin/roles',
      `/admin/roles/${await assignmentId('admin-b', 'school_admin')}/revoke`,
      {},
    );
    expect(revokeB.status).toBe(302);
    expect((await agent.request('/admin/roles')).body).toContain('已撤銷 admin-b 的學校管理者權限');
    const [entry] = await auditEntries(env.runtime, 'role.revoke');
    expect(entry.before).toMatchObject({ username: 'admin-b', role: 'school_admin', org_id: o.schoolB });
    // the revoked admin loses the console at the next request
    const b = await env.runtime.db('role_assignments').where({ account_id: o.adminB.id });
    expect(b).toEqual([]);

    const own = await assignmentId('county', 'county_admin');
    const refused = await postFrom(agent, '/admin/roles', `/admin/roles/${own}/revoke`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('不能撤銷自己唯一的縣市管理者權限');
    expect(await env.runtime.db('role_assignments').where({ id: own })).toHaveLength(1);

    // a colleague may revoke it
    const colleague = await createMember(env.runtime, { username: 'county-b', schoolId: null });
    await grantRole(env.runtime, colleague.id, 'county_admin', o.countyId);
    const other = await consoleLogin(env.issuer, 'county-b');
    const revoked = await postFrom(other, '/admin/roles', `/admin/roles/${own}/revoke`, {});
    expect(revoked.status).toBe(302);
    expect(await env.runtime.db('role_assignments').where({ id: own })).toEqual([]);
    expect((await agent.request('/admin')).status).toBe(403);
  });
});

describe('/admin/api/v1/roles', () => {
  it('lists, grants and revokes within the caller scope', async () => {
    const o = await seedOrgs(env.runtime);
    const token = await adminApiToken(env.runtime, env.issuer, 'county');
    const list = await callApi(env.issuer, token, 'GET', '/roles');
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(3);
    expect(list.json.items.every((r: { manageable: boolean }) => r.manageable)).toBe(true);
    const counties = await callApi(env.issuer, token, 'GET', '/roles?role=county_admin');
    expect(counties.json.items.map((r: { username: string }) => r.username)).toEqual(['county']);
    const byOrg = await callApi(env.issuer, token, 'GET', `/roles?org_id=${o.schoolB}`);
    expect(byOrg.json.items.map((r: { username: string }) => r.username)).toEqual(['admin-b']);

    const granted = await callApi(env.issuer, token, 'POST', '/roles', {
      username: 'teacher-b',
      role: 'school_admin',
      org_id: o.schoolB,
    });
    expect(granted.status).toBe(201);
    expect(granted.json).toMatchObject({ username: 'teacher-b', org_code: '173501', granted_by: 'county' });
    const dup = await callApi(env.issuer, token, 'POST', '/roles', {
      username: 'teacher-b',
      role: 'school_admin',
      org_id: o.schoolB,
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toBe('role.exists');
    const badRole = await callApi(env.issuer, token, 'POST', '/roles', {
      username: 'teacher-b',
      role: 'root',
      org_id: o.schoolB,
    });
    expect(badRole.status).toBe(400);
    expect(badRole.json.error).toBe('role.role_invalid');

    const removed = await callApi(env.issuer, token, 'DELETE', `/roles/${granted.json.id}`);
    expect(removed.status).toBe(200);
    expect(removed.json.username).toBe('teacher-b');
    expect((await callApi(env.issuer, token, 'DELETE', `/roles/${granted.json.id}`)).status).toBe(404);
    const own = await callApi(
      env.issuer,
      token,
      'DELETE',
      `/roles/${await assignmentId('county', 'county_admin')}`,
    );
    expect(own.status).toBe(409);
    expect(own.json.error).toBe('role.last_county_admin');
    expect((await env.runtime.db('audit_log').orderBy('id')).map((e) => [e.action, e.via])).toEqual([
      ['role.grant', 'api'],
      ['role.revoke', 'api'],
    ]);
  });

  it('gives a school admin a read-only view of their school, and the other county nothing', async () => {
    const o = await seedOrgs(env.runtime);
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const list = await callApi(env.issuer, tokenA, 'GET', '/roles');
    expect(list.json.items).toEqual([expect.objectContaining({ username: 'admin-a', manageable: false })]);
    expect((await callApi(env.issuer, tokenA, 'GET', `/roles?org_id=${o.schoolB}`)).json.items).toEqual([]);
    const grant = await callApi(env.issuer, tokenA, 'POST', '/roles', {
      username: 'teacher-a',
      role: 'school_admin',
      org_id: o.schoolA,
    });
    expect(grant.status).toBe(403);
    const adminB = await assignmentId('admin-b', 'school_admin');
    expect((await callApi(env.issuer, tokenA, 'DELETE', `/roles/${adminB}`)).status).toBe(404);

    const other = await adminApiToken(env.runtime, env.issuer, 'county2');
    expect(
      (await callApi(env.issuer, other, 'GET', '/roles')).json.items.map(
        (r: { username: string }) => r.username,
      ),
    ).toEqual(['county2']);
    expect((await callApi(env.issuer, other, 'DELETE', `/roles/${adminB}`)).status).toBe(404);
    const steal = await callApi(env.issuer, other, 'POST', '/roles', {
      username: 'county2',
      role: 'county_admin',
      org_id: o.countyId,
    });
    expect(steal.status).toBe(404);
    expect(await env.runtime.db('audit_log')).toEqual([]);
  });
});
