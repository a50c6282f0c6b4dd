import { describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin } from '../helpers/admin.js';
import { callApi, type Orgs, postFrom, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';

const env = useTestInstance();

/** Today in Taiwan, YYYY-MM-DD. */
const taipeiDay = (offsetDays = 0) =>
  new Date(Date.now() + 8 * 3600_000 + offsetDays * 24 * 3600_000).toISOString().slice(0, 10);

function auditRows(body: string): string[] {
  const table = /<table class="data-table" id="audit">([\s\S]*?)<\/table>/.exec(body)?.[1] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .slice(1)
    .map((m) => m[1]!)
    .filter((r) => !r.includes('data-table__empty'));
}

/** Real operations through the console: a school, a class, a range, a role, and one in the other county. */
async function someOperations(o: Orgs) {
  const county = await consoleLogin(env.issuer, 'county');
  await postFrom(county, `/admin/schools/${o.schoolA}/edit`, `/admin/schools/${o.schoolA}`, {
    code: '173637',
    name: '基隆市立暖暖國民小學<script>alert(1)</script>',
    short_name: '暖暖國小',
    level: 'elementary',
  });
  await postFrom(county, '/admin/whitelist', '/admin/whitelist', {
    org_id: o.countyId,
    cidr: '163.25.0.0/16',
  });
  const adminA = await consoleLogin(env.issuer, 'admin-a');
  await postFrom(adminA, `/admin/schools/${o.schoolA}`, `/admin/schools/${o.schoolA}/classes`, {
    school_year: '115',
    semester: '1',
    grade: '1',
    class_no: '1',
  });
  const adminB = await consoleLogin(env.issuer, 'admin-b');
  await postFrom(adminB, '/admin/whitelist', '/admin/whitelist', {
    org_id: o.schoolB,
    cidr: '163.25.2.0/24',
  });
  const other = await consoleLogin(env.issuer, 'county2');
  await postFrom(other, '/admin/whitelist', '/admin/whitelist', {
    org_id: o.otherSchoolId,
    cidr: '163.21.0.0/16',
  });
  expect(await env.runtime.db('audit_log')).toHaveLength(5);
  return county;
}

describe('GET /admin/audit', () => {
  it("shows a county admin the county's entries with before/after as escaped JSON, filtered", async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await someOperations(o);
    const page = await agent.request('/admin/audit');
    expect(page.status).toBe(200);
    const rows = auditRows(page.body);
    expect(rows).toHaveLength(4);
    expect(page.body).toContain('1 - 4 / 4 (4)');
    expect(page.body).not.toContain('163.21.0.0/16');
    // newest first
    expect(rows[0]).toContain('whitelist.add');
    expect(rows[0]).toContain('admin-b');
    expect(rows[3]).toContain('school.update');
    expect(rows[3]).toContain('127.0.0.1');
    expect(rows[3]).toContain('管理後台');
    expect(rows[3]).toContain(
      '&quot;name&quot;: &quot;基隆市立暖暖國民小學&lt;script&gt;alert(1)&lt;/script&gt;&quot;',
    );
    expect(page.body).not.toContain('<script>');
    expect(rows[3]).toContain('<details class="audit-change">');

    const byActor = auditRows((await agent.request('/admin/audit?actor=ADMIN-A')).body);
    expect(byActor).toHaveLength(1);
    expect(byActor[0]).toContain('class.create');
    const byAction = auditRows((await agent.request('/admin/audit?action=whitelist.')).body);
    expect(byAction).toHaveLength(2);
    expect(auditRows((await agent.request('/admin/audit?action=whitelist.add')).body)).toHaveLength(2);
    expect(auditRows((await agent.request('/admin/audit?action=whitelist.delete')).body)).toHaveLength(0);
    const byType = auditRows((await agent.request('/admin/audit?target_type=school')).body);
    expect(byType).toHaveLength(1);
    const byTarget = auditRows((await agent.request(`/admin/audit?target_id=${o.schoolA}`)).body);
    expect(byTarget).toHaveLength(1);
    expect(byTarget[0]).toContain('school.update');
    const today = taipeiDay();
    expect(auditRows((await agent.request(`/admin/audit?from=${today}&to=${today}`)).body)).toHaveLength(4);
    expect(auditRows((await agent.request(`/admin/audit?from=${taipeiDay(1)}`)).body)).toHaveLength(0);
    expect(auditRows((await agent.request(`/admin/audit?to=${taipeiDay(-1)}`)).body)).toHaveLength(0);

    const badDate = await agent.request('/admin/audit?from=2026-02-30&actor=county');
    expect(badDate.status).toBe(400);
    expect(badDate.body).toContain('日期格式不正確');
    expect(badDate.body).toContain('value="2026-02-30"');
    expect(auditRows(badDate.body)).toHaveLength(2);

    const english = await agent.request('/admin/audit?lang=en');
    expect(english.body).toContain('Before');
    expect(english.body).toContain('Console');
  });

  it('pages the log and includes entries of no organisation', async () => {
    const o = await seedOrgs(env.runtime);
    await env.runtime.db('audit_log').insert(
      Array.from({ length: 11 }, (_, i) => ({
        actor_username: 'county',
        via: 'cli',
        action: 'test.entry',
        target_type: 'test',
        target_id: String(i),
        org_id: o.schoolB,
      })),
    );
    await env.runtime
      .db('audit_log')
      .insert({ via: 'public', action: 'application.submit', target_type: 'application', org_id: null });
    const agent = await consoleLogin(env.issuer, 'county');
    const first = await agent.request('/admin/audit');
    expect(first.body).toContain('1 - 10 / 12 (12)');
    expect(first.body).toContain('rel="next"');
    const second = await agent.request('/admin/audit?page=2');
    expect(second.body).toContain('11 - 12 / 12 (12)');
    expect(auditRows(second.body)).toHaveLength(2);
    expect((await agent.request('/admin/audit?action=application')).body).toContain('公開頁面');
  });

  it('is for county admins only, and another county sees none of these entries', async () => {
    const o = await seedOrgs(env.runtime);
    await someOperations(o);
    const adminA = await consoleLogin(env.issuer, 'admin-a');
    const refused = await adminA.request('/admin/audit');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('您沒有執行此操作的權限');
    expect((await adminA.request('/admin')).body).not.toContain('href="/admin/audit"');

    const other = await consoleLogin(env.issuer, 'county2');
    expect((await other.request('/admin')).body).toContain('href="/admin/audit"');
    const rows = auditRows((await other.request('/admin/audit')).body);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('163.21.0.0/16');
    expect(auditRows((await other.request(`/admin/audit?target_id=${o.schoolA}`)).body)).toEqual([]);
  });
});

describe('/admin/api/v1/audit', () => {
  it('answers county admins with the same filters, and refuses school admins', async () => {
    const o = await seedOrgs(env.runtime);
    await someOperations(o);
    const token = await adminApiToken(env.runtime, env.issuer, 'county');
    const all = await callApi(env.issuer, token, 'GET', '/audit');
    expect(all.status).toBe(200);
    expect(all.json.total).toBe(4);
    const update = all.json.items.at(-1);
    expect(update).toMatchObject({
      action: 'school.update',
      actor_username: 'county',
      actor_ip: '127.0.0.1',
      via: 'console',
      target_type: 'school',
      target_id: o.schoolA,
      org_id: o.schoolA,
      org_name: '基隆市立暖暖國民小學<script>alert(1)</script>',
    });
    expect(update.before).toMatchObject({ name: '基隆市立暖暖國民小學', moe_number: '173637' });
    const filtered = await callApi(
      env.issuer,
      token,
      'GET',
      `/audit?actor=admin-b&action=whitelist&from=${taipeiDay()}&to=${taipeiDay()}`,
    );
    expect(filtered.json.items).toHaveLength(1);
    expect(filtered.json.items[0].after).toMatchObject({ cidr: '163.25.2.0/24' });
    expect((await callApi(env.issuer, token, 'GET', '/audit?target_type=class&limit=1')).json).toMatchObject({
      total: 1,
      limit: 1,
    });
    const bad = await callApi(env.issuer, token, 'GET', '/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('admin_api.invalid_request');

    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const refused = await callApi(env.issuer, tokenA, 'GET', '/audit');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('admin.forbidden');
    const other = await adminApiToken(env.runtime, env.issuer, 'county2');
    const otherList = await callApi(env.issuer, other, 'GET', '/audit');
    expect(otherList.json.items.map((e: { org_id: string }) => e.org_id)).toEqual([o.otherSchoolId]);
  });
});
