/**
 * 登入防護 in the admin console and API: counters and blocks of an account and an address,
 * cross-school denial, clearing (county admins only) with its audit entry.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin, createMember, seedDirectory } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';

const t = useTestInstance();
const IP = '203.0.113.9';
let dir: Awaited<ReturnType<typeof seedDirectory>>;

beforeEach(async () => {
  dir = await seedDirectory(t.runtime);
  await createMember(t.runtime, {
    username: 'kladmin',
    schoolId: null,
    role: { role: 'county_admin', orgId: dir.countyId },
  });
  await createMember(t.runtime, {
    username: 'admina',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  await createMember(t.runtime, { username: 'stua', schoolId: dir.schoolA, identityType: 'student' });
  await createMember(t.runtime, { username: 'stub', schoolId: dir.schoolB, identityType: 'student' });
  // five wrong passwords for each student from one address: both are blocked there
  for (const username of ['stua', 'stub']) {
    for (let i = 0; i < 5; i++) await t.runtime.throttle.guard('password', { account: username, ip: IP });
  }
});

const isBlocked = () =>
  t.runtime.throttle.guard('password', { account: 'stua', ip: IP }).then(
    () => false,
    () => true,
  );

describe('GET /admin/throttle', () => {
  it('shows a school admin the counters and block of an account of the school, without a clear button', async () => {
    const agent = await consoleLogin(t.issuer, 'admina');
    const menu = await agent.request('/admin');
    expect(menu.body).toContain('登入防護');
    const page = await agent.request(`/admin/throttle?username=STUA&ip=${IP}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="throttle-counters"');
    expect(page.body).toContain('帳號＋IP');
    expect(page.body).toContain('badge--error');
    expect(page.body).toContain('Redis（所有節點共用）');
    expect(page.body).not.toContain('/admin/throttle/clear');
  });

  it("reports another school's account and an unknown username to a school admin as absent", async () => {
    const agent = await consoleLogin(t.issuer, 'admina');
    expect((await agent.request(`/admin/throttle?username=stub&ip=${IP}`)).status).toBe(404);
    expect((await agent.request('/admin/throttle?username=nobody')).status).toBe(404);
    // an address alone is no school's secret
    expect((await agent.request(`/admin/throttle?ip=${IP}`)).status).toBe(200);
  });

  it('shows a county admin an unknown username too, and re-renders a bad address with a message', async () => {
    const agent = await consoleLogin(t.issuer, 'kladmin');
    const unknown = await agent.request('/admin/throttle?username=nobody&lang=en');
    expect(unknown.status).toBe(200);
    expect(unknown.body).toContain('No such account');
    const bad = await agent.request('/admin/throttle?username=stua&ip=not-an-ip&lang=zh-TW');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('IP 位址格式不正確');
    expect(bad.body).toContain('value="not-an-ip"');
  });
});

describe('POST /admin/throttle/clear', () => {
  it('lets a county admin clear a block, with an audit entry', async () => {
    expect(await isBlocked()).toBe(true);
    const agent = await consoleLogin(t.issuer, 'kladmin');
    const page = `/admin/throttle?username=stua&ip=${IP}`;
    const res = await postFrom(agent, page, '/admin/throttle/clear', { username: 'stua', ip: IP });
    expect(res.status).toBe(302);
    const after = await agent.request(res.location!);
    expect(after.body).toContain('已清除計數與封鎖');
    expect(after.body).not.toContain('badge--error');
    expect(await isBlocked()).toBe(false);
    const [entry] = await auditEntries(t.runtime, 'throttle.clear');
    expect(entry).toMatchObject({ actor_username: 'kladmin', target_type: 'account', org_id: dir.schoolA });
    expect(JSON.stringify(entry.before)).toContain('account_ip');
  });

  it('refuses a school admin', async () => {
    const agent = await consoleLogin(t.issuer, 'admina');
    const res = await postFrom(agent, `/admin/throttle?username=stua&ip=${IP}`, '/admin/throttle/clear', {
      username: 'stua',
      ip: IP,
    });
    expect(res.status).toBe(403);
    expect(await isBlocked()).toBe(true);
    expect(await auditEntries(t.runtime, 'throttle.clear')).toHaveLength(0);
  });
});

describe('admin API /throttle', () => {
  it('reads counters within the school and denies the other school', async () => {
    const token = await adminApiToken(t.runtime, t.issuer, 'admina');
    const own = await callApi(t.issuer, token, 'GET', `/throttle?username=stua&ip=${IP}`);
    expect(own.status).toBe(200);
    expect(own.json.store).toBe('redis');
    const pair = own.json.counters.find(
      (c: { kind: string; scope: string }) => c.kind === 'password' && c.scope === 'account_ip',
    );
    expect(pair).toMatchObject({ failures: 5, remaining: 0 });
    expect(Date.parse(pair.blocked_until)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(own.json)).not.toMatch(/h1\.|hash/);
    expect((await callApi(t.issuer, token, 'GET', `/throttle?username=stub&ip=${IP}`)).status).toBe(404);
    expect((await callApi(t.issuer, token, 'GET', '/throttle')).status).toBe(400);
    expect(
      (await callApi(t.issuer, token, 'POST', '/throttle/clear', { username: 'stua', ip: IP })).status,
    ).toBe(403);
  });

  it('lets a county admin clear an account and an address, audited', async () => {
    const token = await adminApiToken(t.runtime, t.issuer, 'kladmin');
    const res = await callApi(t.issuer, token, 'POST', '/throttle/clear', { username: 'stub', ip: IP });
    expect(res.status).toBe(200);
    expect(res.json.counters.every((c: { failures: number }) => c.failures === 0)).toBe(true);
    const byIp = await callApi(t.issuer, token, 'POST', '/throttle/clear', { ip: IP });
    expect(byIp.status).toBe(200);
    const entries = await auditEntries(t.runtime, 'throttle.clear');
    expect(entries.map((e) => e.target_type)).toEqual(['account', 'ip']);
    expect(entries[1]).toMatchObject({ target_id: IP, actor_username: 'kladmin' });
  });
});
