/**
 * 登入紀錄 for admins, from real logins through the OP: scope (a school admin sees the
 * school's records only; county admins their county's and records of no school), every
 * filter, keyset pages, the streamed CSV (BOM, escaping, formulas neutralised, audited), the
 * JSON API, and bad filters answered with a message / 400, never a 500.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { createLoginRecorder } from '../../src/services/login-records.js';
import { adminApiToken, consoleLogin, createMember } from '../helpers/admin.js';
import { auditEntries, callApi, type Orgs, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, startAuthorization, submitLogin } from '../helpers/flow.js';
import { HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance();
let orgs: Orgs;
let studentB: { id: string };
let studentTp: { id: string };

async function rpLogin(username: string, password = PASSWORD) {
  const rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  if (password === PASSWORD) {
    await loginAndGetTokens(t.issuer, rp, { username, password });
    return;
  }
  const agent = new HttpAgent(t.issuer);
  const { url } = await startAuthorization(rp, { username, password });
  const page = await agent.follow(url.href);
  const res = await submitLogin(agent, page.body, username, password);
  // the login form again, with the same message for a wrong password and an unknown username
  expect(res.status).toBe(401);
}

beforeEach(async () => {
  orgs = await seedOrgs(t.runtime);
  studentB = await createMember(t.runtime, {
    username: 'student-b',
    schoolId: orgs.schoolB,
    identityType: 'student',
  });
  studentTp = await createMember(t.runtime, {
    username: 'student-tp',
    schoolId: orgs.otherSchoolId,
    identityType: 'student',
  });
  // first party: no consent page (a consent after the login records the success twice today)
  await createClient(t.runtime, { first_party: true });
  await rpLogin('student-a');
  await rpLogin('student-b');
  await rpLogin('student-tp');
  await rpLogin('student-b', 'wrong password!');
  await rpLogin('ghost', 'wrong password!');
  await t.runtime.writer.flush();
});

const rowsOf = (html: string) => {
  const table = html.split('id="login-records"')[1]?.split('</table>')[0] ?? '';
  return table.split('<tr>').slice(2);
};
const namesIn = (html: string) =>
  rowsOf(html)
    .map(
      (r) =>
        /<td><span class="nowrap">[^<]*<\/span><\/td><td><span class="nowrap">([^<]*)/.exec(r)?.[1] ?? '',
    )
    .filter(Boolean);

describe('GET /admin/login-records (scope)', () => {
  it("shows a school admin the school's records only, with the menu entry, counts and the export link", async () => {
    const agent = await consoleLogin(t.issuer, 'admin-a');
    const home = await agent.request('/admin');
    expect(home.body).toContain('登入紀錄');
    const page = await agent.request('/admin/login-records');
    expect(page.status).toBe(200);
    const names = namesIn(page.body);
    expect(names).toContain('student-a');
    expect(names).toContain('admin-a');
    expect(names).not.toContain('student-b');
    expect(names).not.toContain('ghost');
    expect(names).not.toContain('student-tp');
    expect(page.body).toContain(`共 ${names.length} 筆`);
    expect(page.body).toContain('href="/admin/login-records.csv"');
    // the school select offers A only; B and "no school" are not choices
    expect(page.body).toContain(`value="${orgs.schoolA}"`);
    expect(page.body).not.toContain(`value="${orgs.schoolB}"`);
    expect(page.body).not.toContain('value="none"');
  });

  it("refuses a school admin another school's account, school and unknown usernames as absent", async () => {
    const agent = await consoleLogin(t.issuer, 'admin-a');
    const byId = await agent.request(`/admin/login-records?account=${studentB.id}`);
    expect(byId.status).toBe(404);
    expect(byId.body).toContain('找不到資料');
    expect(namesIn(byId.body)).toEqual([]);
    expect((await agent.request('/admin/login-records?account=student-b')).status).toBe(404);
    expect((await agent.request(`/admin/login-records?school=${orgs.schoolB}`)).status).toBe(404);
    expect((await agent.request('/admin/login-records?account=ghost')).status).toBe(404);
    expect((await agent.request('/admin/login-records?school=none')).status).toBe(404);
    expect((await agent.request(`/admin/login-records.csv?account=${studentB.id}`)).status).toBe(404);
  });

  it("shows a county admin both schools and unknown usernames, never another county's records", async () => {
    const agent = await consoleLogin(t.issuer, 'county');
    const page = await agent.request('/admin/login-records?size=100');
    const names = namesIn(page.body);
    expect(names).toEqual(expect.arrayContaining(['student-a', 'student-b', 'ghost']));
    expect(names).not.toContain('student-tp');
    const b = await agent.request(`/admin/login-records?account=student-b`);
    expect(namesIn(b.body)).toEqual(['student-b', 'student-b']);
    const ghost = await agent.request('/admin/login-records?account=ghost');
    expect(namesIn(ghost.body)).toEqual(['ghost']);
    const other = await consoleLogin(t.issuer, 'county2');
    const tp = namesIn((await other.request('/admin/login-records?size=100')).body);
    expect(tp).toContain('student-tp');
    expect(tp).not.toContain('student-a');
    expect((await other.request(`/admin/login-records?account=${orgs.studentA.id}`)).status).toBe(404);
  });
});

describe('GET /admin/login-records (filters)', () => {
  it('filters by school, client, method, success, IPv4 and IPv6 networks and period', async () => {
    const recorder = createLoginRecorder(t.runtime.writer);
    recorder.recordAttempt({
      accountId: orgs.studentA.id,
      username: 'student-a',
      clientId: 'other-app',
      method: 'passkey',
      success: true,
      ip: '2001:288:1001::5',
      at: new Date('2026-01-15T02:00:00Z'),
    });
    await t.runtime.writer.flush();
    const agent = await consoleLogin(t.issuer, 'county');
    const names = async (query: string) => {
      const res = await agent.request(`/admin/login-records?size=100&${query}`);
      expect(res.status).toBe(200);
      return namesIn(res.body);
    };
    expect(await names(`school=${orgs.schoolB}`)).toEqual(['student-b', 'student-b']);
    expect(await names('school=none')).toEqual(expect.arrayContaining(['ghost']));
    expect(await names('school=none')).not.toContain('student-a');
    expect(new Set(await names('client=school-app'))).toEqual(new Set(['student-a', 'student-b', 'ghost']));
    expect(await names('method=passkey')).toEqual(['student-a']);
    expect(await names('success=false')).toEqual(['ghost', 'student-b']);
    expect((await names('success=true')).length).toBeGreaterThan(2);
    expect(await names('ip=2001:288::/32')).toEqual(['student-a']);
    expect(await names('ip=2001:289::/32')).toEqual([]);
    const local = await names('ip=127.0.0.0/8');
    expect(local).toContain('student-b');
    expect(local).not.toContain('student-tp');
    expect(await names('ip=10.0.0.0/8')).toEqual([]);
    expect(await names('ip=127.0.0.1&success=false')).toEqual(['ghost', 'student-b']);
    expect(await names('from=2026-01-15T09:59&to=2026-01-15T10:00')).toEqual(['student-a']);
    expect(await names('from=2026-01-14&to=2026-01-15')).toEqual(['student-a']);
    expect(await names('from=2026-01-16&to=2026-01-16')).toEqual([]);
  });

  it('re-renders bad filters with a message and what was typed', async () => {
    const agent = await consoleLogin(t.issuer, 'county');
    const ip = await agent.request('/admin/login-records?ip=163.20.0.0/33');
    expect(ip.status).toBe(400);
    expect(ip.body).toContain('IP 位址或網段格式不正確');
    expect(ip.body).toContain('value="163.20.0.0/33"');
    const range = await agent.request('/admin/login-records?from=2026-09-02&to=2026-09-01&lang=en');
    expect(range.status).toBe(400);
    expect(range.body).toContain('The start of the period must not be after its end.');
    const cursor = await agent.request('/admin/login-records?before=garbage&lang=zh-TW');
    expect(cursor.status).toBe(400);
    expect(cursor.body).toContain('分頁連結已失效');
  });
});

describe('keyset pages', () => {
  it('walks older and newer pages through records sharing one timestamp, without repeats or gaps', async () => {
    const recorder = createLoginRecorder(t.runtime.writer);
    const at = new Date('2026-03-01T00:00:00Z');
    for (let i = 0; i < 23; i++) {
      recorder.recordAttempt({
        accountId: orgs.studentA.id,
        username: 'student-a',
        method: 'password',
        success: true,
        ip: '198.51.100.7',
        at,
      });
    }
    await t.runtime.writer.flush();
    const token = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const res = await callApi(
        t.issuer,
        token,
        'GET',
        `/login-records?ip=198.51.100.7&limit=5&count=true${next ? `&before=${next}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.json.count).toEqual({ count: 23, capped: false });
      seen.push(...res.json.items.map((r: { id: string }) => r.id));
      next = res.json.next;
      pages += 1;
    } while (next && pages < 10);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);

    // the console's links: older, then newer back to the first page
    const agent = await consoleLogin(t.issuer, 'admin-a');
    const first = await agent.request('/admin/login-records?ip=198.51.100.7&size=10');
    expect(first.body).toContain('共 23 筆');
    expect(first.body).not.toContain('rel="prev"');
    const olderHref = /rel="next" href="([^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(olderHref).toContain('before=');
    const second = await agent.request(olderHref as string);
    expect(rowsOf(second.body)).toHaveLength(10);
    const newerHref = /rel="prev" href="([^"]+)"/.exec(second.body)?.[1]?.replace(/&amp;/g, '&');
    expect(newerHref).toContain('after=');
    const back = await agent.request(newerHref as string);
    expect(rowsOf(back.body)).toEqual(rowsOf(first.body));
    expect(back.body).not.toContain('rel="prev"');
  });
});

describe('GET /admin/login-records.csv', () => {
  it('streams the same scope as CSV with a BOM, quoted cells and formulas neutralised, and audits it', async () => {
    const recorder = createLoginRecorder(t.runtime.writer);
    recorder.recordAttempt({
      username: '=HYPERLINK("http://evil","x"),1',
      method: 'password',
      success: false,
      failureReason: 'password.invalid_credentials',
      ip: '203.0.113.66',
    });
    await t.runtime.writer.flush();
    const county = await consoleLogin(t.issuer, 'county');
    const res = await county.request('/admin/login-records.csv?success=false');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="login-records-\d{8}-\d{6}\.csv"$/,
    );
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toContain('"時間","帳號","account_id","學校"');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil"",""x""),1"`);
    expect(res.body).toContain('"student-b"');
    expect(lines).toHaveLength(4);
    const [entry] = await auditEntries(t.runtime, 'login_records.export');
    expect(entry).toMatchObject({ actor_username: 'county', target_type: 'login_records' });
    expect(entry.after).toEqual({ filters: { success: false } });

    // a school admin's export holds the school's records only; bytes start with the BOM
    const token = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    const raw = await fetch(`${t.issuer}/admin/api/v1/login-records.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text).toContain('"student-a"');
    expect(text).not.toContain('student-b');
    expect(text).not.toContain('HYPERLINK');
  });
});

describe('GET /admin/api/v1/login-records', () => {
  it("answers a school admin with the school's records, 404 for another school's account, 400 for bad filters", async () => {
    const token = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    const list = await callApi(t.issuer, token, 'GET', '/login-records?client=school-app');
    expect(list.status).toBe(200);
    expect(list.json.items.map((r: { username: string }) => r.username)).toEqual(['student-a']);
    expect(list.json.items[0]).toMatchObject({
      school_id: orgs.schoolA,
      school_name: '基隆市立暖暖國民小學',
      client_id: 'school-app',
      client_name: '校務系統',
      method: 'password',
      success: true,
      ip: '127.0.0.1',
      browser: 'Firefox 120',
    });
    expect((await callApi(t.issuer, token, 'GET', `/login-records?account=${studentB.id}`)).status).toBe(404);
    expect((await callApi(t.issuer, token, 'GET', `/login-records?account=${studentTp.id}`)).status).toBe(
      404,
    );
    const bad = await callApi(t.issuer, token, 'GET', '/login-records?ip=300.1.1.1/8');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('login_records.ip_invalid');
    const reversed = await callApi(t.issuer, token, 'GET', '/login-records?from=2026-09-02&to=2026-09-01');
    expect(reversed.json.error).toBe('login_records.range_invalid');
    expect((await callApi(t.issuer, token, 'GET', '/login-records?limit=0')).status).toBe(400);
  });
});
