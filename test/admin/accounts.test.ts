import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { sealNationalId } from '../../src/services/national-id.js';
import {
  adminApiToken,
  consoleLogin,
  createMember,
  fakeNationalId,
  grantRole,
  seedDirectory,
} from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, silentAuthorization, startAuthorization, submitLogin } from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';

const env = useTestInstance();
const db = () => env.runtime.db;

/**
 * 基隆市 with school A (admin-a, a teacher, a student in 115-1 六年四班 seat 7 taught by the
 * teacher, another student in 六年五班) and school B (admin-b, a teacher).
 */
async function seed() {
  const rt = env.runtime;
  const dir = await seedDirectory(rt);
  const adminA = await createMember(rt, {
    username: 'admin-a',
    name: '林組長',
    schoolId: dir.schoolA,
    titles: ['教師', '資訊組長'],
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const adminB = await createMember(rt, {
    username: 'admin-b',
    schoolId: dir.schoolB,
    role: { role: 'school_admin', orgId: dir.schoolB },
  });
  const teacher = await createMember(rt, {
    username: 't-wang',
    name: '王大明',
    schoolId: dir.schoolA,
    titles: ['教師', '導師'],
  });
  const student = await createMember(rt, {
    username: 's115001',
    name: '陳小華',
    schoolId: dir.schoolA,
    identityType: 'student',
  });
  const student2 = await createMember(rt, {
    username: 's115002',
    name: '李小安',
    schoolId: dir.schoolA,
    identityType: 'student',
  });
  const teacherB = await createMember(rt, { username: 'b-teacher', name: '張老師', schoolId: dir.schoolB });
  const nationalId = fakeNationalId('B', '2');
  const sealed = sealNationalId(rt.box, nationalId);
  await db()('accounts').where({ id: student.id }).update({
    national_id_sealed: sealed.sealed,
    national_id_hash: sealed.hash,
    national_id_masked: sealed.masked,
    gender: 'F',
  });
  const [c4, c5] = await db()('school_classes')
    .insert([
      { school_id: dir.schoolA, school_year: 115, semester: 1, grade: 6, class_no: 4, title: '六年四班' },
      { school_id: dir.schoolA, school_year: 115, semester: 1, grade: 6, class_no: 5, title: '六年五班' },
    ])
    .returning('id');
  await db()('class_members').insert([
    { class_id: c4.id, account_id: student.id, seat_no: 7 },
    { class_id: c5.id, account_id: student2.id, seat_no: 3 },
  ]);
  await db()('class_teachers').insert({ class_id: c4.id, account_id: teacher.id });
  return { ...dir, adminA, adminB, teacher, student, student2, teacherB, nationalId, masked: sealed.masked };
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.issuer}/admin/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, each checked by expect()
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

/** Posts a one-button form of a page (its CSRF token) and returns the response. */
async function post(agent: HttpAgent, path: string, form: Record<string, string> = {}) {
  const page = await agent.request('/admin/accounts');
  return agent.request(path, { form: { csrf: csrfFrom(page.body), ...form } });
}

/** The OP's password login as an RP would start it; returns the response after the form. */
async function tryLogin(username: string, password: string) {
  await createClient(env.runtime, { first_party: true });
  const rp = await discoverRp(env.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  const agent = new HttpAgent(env.issuer);
  const { url } = await startAuthorization(rp, { username, password });
  const page = await agent.follow(url.href);
  return { agent, res: await submitLogin(agent, page.body, username, password) };
}

const auditOf = (action: string) => db()('audit_log').where({ action }).orderBy('id');

describe('GET /admin/accounts (帳號管理 list)', () => {
  it("lists the school's accounts with the seeds' columns, school, class/seat and masked ID", async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const res = await agent.request('/admin/accounts');
    expect(res.status).toBe(200);
    for (const col of [
      '帳號',
      '全名',
      '性別',
      '職稱',
      '身份',
      '申請日期',
      '最後更新',
      '學校',
      '班級／座號',
    ]) {
      expect(res.body).toContain(`>${col}</th>`);
    }
    expect(res.body).toContain('Reset filters');
    expect(res.body).toContain('1 - 4 / 4 (4)');
    expect(res.body).toContain('s115001');
    expect(res.body).toContain('教師、導師');
    expect(res.body).toContain('六年四班 7 號');
    expect(res.body).toContain(s.masked);
    expect(res.body).not.toContain(s.nationalId);
    expect(res.body).not.toContain('b-teacher');
    expect(res.body).not.toContain('>admin-b<');

    const english = await agent.request('/admin/accounts?lang=en');
    expect(english.body).toContain('Full name');
  });

  it('filters by username prefix, name, identity, class, status and masked ID, with pagination', async () => {
    const s = await seed();
    for (let i = 0; i < 8; i++) {
      await createMember(env.runtime, { username: `x-extra${i}`, schoolId: s.schoolA });
    }
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const rows = (body: string) =>
      [...body.matchAll(/href="\/admin\/accounts\/[0-9a-f-]{36}">([^<]+)</g)].map((m) => m[1]);

    expect(rows((await agent.request('/admin/accounts?username=s115')).body)).toEqual(['s115001', 's115002']);
    expect(rows((await agent.request(`/admin/accounts?name=${encodeURIComponent('小安')}`)).body)).toEqual([
      's115002',
    ]);
    expect(rows((await agent.request('/admin/accounts?identity=student')).body)).toEqual([
      's115001',
      's115002',
    ]);
    expect(
      rows((await agent.request('/admin/accounts?year=115&semester=1&grade=6&class_no=4')).body),
    ).toEqual(['s115001']);
    expect(rows((await agent.request(`/admin/accounts?school=${s.schoolA}&class_no=5`)).body)).toEqual([
      's115002',
    ]);
    expect(
      rows((await agent.request(`/admin/accounts?masked_id=${encodeURIComponent(s.masked)}`)).body),
    ).toEqual(['s115001']);
    // another school's id as a filter shows nothing of it
    expect(rows((await agent.request(`/admin/accounts?school=${s.schoolB}`)).body)).toEqual([]);

    const first = await agent.request('/admin/accounts');
    expect(first.body).toContain('1 - 10 / 12 (12)');
    expect(rows(first.body)).toHaveLength(10);
    const second = await agent.request('/admin/accounts?page=2');
    expect(second.body).toContain('11 - 12 / 12 (12)');

    const bad = await agent.request('/admin/accounts?grade=99');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('value="99"');
    expect(bad.body).toContain('role="alert"');
  });

  it('finds a full national ID by its keyed hash in a POST, never in a URL, and never shows it', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request('/admin/accounts');
    const found = await agent.request('/admin/accounts/find', {
      form: { csrf: csrfFrom(page.body), national_id: s.nationalId.toLowerCase() },
    });
    expect(found.status).toBe(200);
    expect(found.body).toContain('身分證字號查詢結果');
    expect(found.body).toMatch(/nid-results[\s\S]*s115001/);
    expect(found.body).not.toContain(s.nationalId);

    const masked = await agent.request('/admin/accounts/find', {
      form: { csrf: csrfFrom(page.body), national_id: s.masked },
    });
    expect(masked.body).toMatch(/nid-results[\s\S]*s115001/);

    const invalid = await agent.request('/admin/accounts/find', {
      form: { csrf: csrfFrom(page.body), national_id: 'A12345' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('value="A12345"');

    const inUrl = await agent.request(`/admin/accounts?identity=student&masked_id=${s.nationalId}`);
    expect(inUrl.status).toBe(302);
    expect(inUrl.location).toBe(`${env.issuer}/admin/accounts?identity=student`);
    const shown = await agent.request(inUrl.location!);
    expect(shown.body).toContain('篩選列只接受遮罩格式');
    expect(shown.body).not.toContain(s.nationalId);

    // B's admin finds nothing with A's student's number
    const agentB = await consoleLogin(env.issuer, 'admin-b');
    const pageB = await agentB.request('/admin/accounts');
    const none = await agentB.request('/admin/accounts/find', {
      form: { csrf: csrfFrom(pageB.body), national_id: s.nationalId },
    });
    expect(none.body).not.toContain('s115001');
  });
});

describe('/admin/api/v1/accounts (search)', () => {
  it('searches with the same filters; full national IDs only in the POST body; no secrets out', async () => {
    const s = await seed();
    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const students = await api(token, 'GET', '/accounts?identity_type=student');
    expect(students.status).toBe(200);
    expect(students.json.total).toBe(2);
    expect(students.json.items.map((i: { username: string }) => i.username)).toEqual(['s115001', 's115002']);
    expect(students.json.items[0]).toMatchObject({
      school: { id: s.schoolA },
      class: { title: '六年四班', seat_no: 7, school_year: 115, semester: 1 },
      national_id_masked: s.masked,
      gender: 'F',
      titles: ['學生'],
    });

    const byClass = await api(token, 'GET', '/accounts?school_year=115&grade=6&class_no=5');
    expect(byClass.json.items.map((i: { username: string }) => i.username)).toEqual(['s115002']);

    const fullInUrl = await api(token, 'GET', `/accounts?national_id_masked=${s.nationalId}`);
    expect(fullInUrl.status).toBe(400);

    const byHash = await api(token, 'POST', '/accounts/search', { national_id: s.nationalId });
    expect(byHash.status).toBe(200);
    expect(byHash.json.items.map((i: { username: string }) => i.username)).toEqual(['s115001']);
    const byMask = await api(token, 'POST', '/accounts/search', { national_id: s.masked });
    expect(byMask.json.total).toBe(1);
    const nonsense = await api(token, 'POST', '/accounts/search', { national_id: 'hello' });
    expect(nonsense.status).toBe(400);
    expect(nonsense.json.error).toBe('account_admin.national_id_query');

    const detail = await api(token, 'GET', `/accounts/${s.student.id}`);
    expect(detail.status).toBe(200);
    expect(detail.json.national_id_masked).toBe(s.masked);
    for (const text of [students.text, byHash.text, detail.text]) {
      expect(text).not.toContain(s.nationalId);
      expect(text).not.toMatch(/hash|sealed|\$argon2/);
    }

    // the console session reaches the same API (unsafe calls echo the CSRF token)
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const viaSession = await agent.request('/admin/api/v1/accounts?username=s115001');
    expect(JSON.parse(viaSession.body).total).toBe(1);
    const page = await agent.request('/admin/accounts');
    const forged = await agent.request(`/admin/api/v1/accounts/${s.student.id}/disable`, { method: 'POST' });
    expect(forged.status).toBe(403);
    const disabled = await agent.request(`/admin/api/v1/accounts/${s.student.id}/disable`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfFrom(page.body) },
    });
    expect(JSON.parse(disabled.body).status).toBe('disabled');

    const doc = (await (await fetch(`${env.issuer}/admin/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/api/v1/accounts',
        '/admin/api/v1/accounts/search',
        '/admin/api/v1/accounts/{id}',
        '/admin/api/v1/accounts/{id}/logins',
        '/admin/api/v1/accounts/{id}/temporary-password',
        '/admin/api/v1/transfers/{id}/approve',
      ]),
    );
    expect(Object.keys(doc.paths['/admin/api/v1/accounts/{id}']!)).toEqual(['get', 'patch']);

    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    const fromB = await api(tokenB, 'POST', '/accounts/search', { national_id: s.nationalId });
    expect(fromB.json.total).toBe(0);
    const listB = await api(tokenB, 'GET', `/accounts?school_id=${s.schoolA}`);
    expect(listB.json.total).toBe(0);
  });
});

describe('GET /admin/accounts/:id (account page)', () => {
  it('shows directory data with the ID masked, titles with history, classes and recent logins', async () => {
    const s = await seed();
    await db()('account_titles').insert({
      account_id: s.teacher.id,
      school_id: s.schoolA,
      title: '訓育組長',
      position: 2,
      started_at: new Date('2024-08-01T00:00:00Z'),
      ended_at: new Date('2025-07-31T00:00:00Z'),
    });
    // the student signs in once: a login record
    const { res } = await tryLogin('s115001', PASSWORD);
    expect(res.location ?? res.body).toMatch(/code=|consent/);
    await env.runtime.writer.flush();

    const agent = await consoleLogin(env.issuer, 'admin-a');
    const student = await agent.request(`/admin/accounts/${s.student.id}`);
    expect(student.status).toBe(200);
    expect(student.body).toContain(s.masked);
    expect(student.body).not.toContain(s.nationalId);
    expect(student.body).toContain('六年四班');
    expect(student.body).toContain('最近登入');
    expect(student.body).toMatch(/id="logins"[\s\S]*Firefox/);
    expect(student.body).toContain('產生重設密碼連結');

    const teacher = await agent.request(`/admin/accounts/${s.teacher.id}`);
    expect(teacher.body).toMatch(/訓育組長<\/td>[\s\S]*?已結束/);
    expect(teacher.body).toMatch(/導師<\/td>[\s\S]*?現職/);

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const logins = await api(token, 'GET', `/accounts/${s.student.id}/logins`);
    expect(logins.status).toBe(200);
    expect(logins.json.items[0]).toMatchObject({ success: true, method: 'password', browser: 'Firefox 120' });
    const detail = await api(token, 'GET', `/accounts/${s.teacher.id}`);
    expect(detail.json.titles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ title: '訓育組長', current: false }),
        expect.objectContaining({ title: '教師', current: true, position: 0 }),
      ]),
    );
  });
});

describe('POST /admin/accounts/:id/disable|enable', () => {
  it('disables an account (login refused), enables it again, audits both, and refuses oneself', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const res = await post(agent, `/admin/accounts/${s.teacher.id}/disable`);
    expect(res.status).toBe(302);
    expect(res.location).toBe(`${env.issuer}/admin/accounts/${s.teacher.id}`);
    const page = await agent.request(`/admin/accounts/${s.teacher.id}`);
    expect(page.body).toContain('帳號已停用。');
    expect(page.body).toContain('badge--warn');

    const refused = await tryLogin('t-wang', PASSWORD);
    expect(refused.res.location).toBeUndefined();
    expect(refused.res.body).toContain('此帳號已停用');

    const [entry] = await auditOf('account.disable');
    expect(entry).toMatchObject({
      actor_username: 'admin-a',
      via: 'console',
      target_type: 'account',
      target_id: s.teacher.id,
      org_id: s.schoolA,
    });
    expect(entry.before.status).toBe('active');
    expect(entry.after.status).toBe('disabled');

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const enabled = await api(token, 'POST', `/accounts/${s.teacher.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.json.status).toBe('active');
    expect((await auditOf('account.enable'))[0]).toMatchObject({ via: 'api' });
    const again = await tryLogin('t-wang', PASSWORD);
    expect(again.res.location ?? again.res.body).toMatch(/code=|consent/);

    const self = await api(token, 'POST', `/accounts/${s.adminA.id}/disable`);
    expect(self.status).toBe(409);
    expect(self.json.error).toBe('account_admin.self');
    const selfConsole = await post(agent, `/admin/accounts/${s.adminA.id}/disable`);
    expect(selfConsole.status).toBe(302);
    expect((await agent.request(selfConsole.location!)).body).toContain('不能停用或刪除自己的帳號');
    expect((await db()('accounts').where({ id: s.adminA.id }).first()).status).toBe('active');
  });
});

describe('POST /admin/accounts/:id/temporary-password and reset-link', () => {
  it('ends the OP sessions the account had before the temporary password', async () => {
    const s = await seed();
    const { agent: teacher, res } = await tryLogin('t-wang', PASSWORD);
    expect(res.location).toContain('code=');
    await env.runtime.writer.flush();
    const rp = await discoverRp(env.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const silent = () => silentAuthorization(rp, teacher);
    expect((await silent()).get('code')).toBeTruthy();
    const admin = await consoleLogin(env.issuer, 'admin-a');
    expect((await post(admin, `/admin/accounts/${s.teacher.id}/temporary-password`)).status).toBe(200);
    expect((await silent()).get('error')).toBe('login_required');
  });

  it('sets a temporary password shown once, which must be changed at the next login', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const res = await post(agent, `/admin/accounts/${s.teacher.id}/temporary-password`);
    expect(res.status).toBe(200);
    const password = /<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/.exec(res.body)?.[1];
    expect(password).toBeDefined();
    const row = await db()('accounts').where({ id: s.teacher.id }).first();
    expect(row.must_change_password).toBe(true);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const { agent: browser, res: login } = await tryLogin('t-wang', password!);
    expect(login.status).toBe(200);
    expect(login.body).toContain('new_password');
    const changed = await browser.follow(formActionFrom(login.body, '/change-password'), {
      form: {
        new_password: 'a brand new passphrase',
        confirm_password: 'a brand new passphrase',
        csrf: csrfFrom(login.body),
      },
    });
    expect(changed.location ?? changed.body).toMatch(/code=|consent/);
    expect((await db()('accounts').where({ id: s.teacher.id }).first()).must_change_password).toBe(false);

    const [entry] = await auditOf('account.temporary_password');
    expect(JSON.stringify(entry)).not.toContain(password!);
    expect(entry.after.mustChange).toBe(true);

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const viaApi = await api(token, 'POST', `/accounts/${s.student.id}/temporary-password`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.json).toEqual({
      password: expect.stringMatching(/^[a-z2-9-]{14}$/),
      must_change_password: true,
    });
    await expect(
      env.runtime.accounts.authenticatePassword('s115001', viaApi.json.password),
    ).resolves.toMatchObject({
      mustChangePassword: true,
    });
  });

  it('creates a one-time reset link shown once and e-mailed to the verified address', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const res = await post(agent, `/admin/accounts/${s.teacher.id}/reset-link`);
    expect(res.status).toBe(200);
    const url = /<code>(http[^<]+)<\/code>/.exec(res.body)?.[1];
    expect(url).toContain(`${env.issuer}/account/reset/`);
    expect(res.body).toContain('aa***@kl.edu.tw');
    const tokens = await db()('account_tokens').where({ account_id: s.teacher.id, purpose: 'reset' });
    expect(tokens).toHaveLength(1);
    expect(tokens[0].created_by).toBe(s.adminA.id);
    const outbox = join(env.runtime.config.dataDir, 'outbox');
    const mails = await Promise.all((await readdir(outbox)).map((f) => readFile(join(outbox, f), 'utf8')));
    expect(mails.some((m) => m.includes('To: aa1234@kl.edu.tw'))).toBe(true);
    const [entry] = await auditOf('account.reset_link');
    expect(entry).toMatchObject({ target_id: s.teacher.id, actor_username: 'admin-a' });
    expect(JSON.stringify(entry)).not.toContain(url!.split('/').pop()!);

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const viaApi = await api(token, 'POST', `/accounts/${s.teacher.id}/reset-link`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.json.url).toContain('/account/reset/');
    expect(viaApi.json.emailed_to).toBe('aa***@kl.edu.tw');
    const open = await fetch(viaApi.json.url);
    expect(open.status).toBe(200);
  });
});

describe('POST /admin/accounts/:id/edit and PATCH /accounts/:id', () => {
  it('keeps the identity title first, ends removed titles (history), and re-renders bad input', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const form = await agent.request(`/admin/accounts/${s.teacher.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('教師\n導師');
    const submit = (fields: Record<string, string>) =>
      agent.request(`/admin/accounts/${s.teacher.id}/edit`, {
        form: {
          csrf: csrfFrom(form.body),
          identity_type: 'teacher',
          titles: '導師\n教師\n資訊組長',
          name: '王大明',
          family_name: '王',
          given_name: '大明',
          email: 'wang@kl.edu.tw',
          mobile: '',
          openid2_ids: 'https://openid.kl.edu.tw/t-wang',
          ...fields,
        },
      });
    const saved = await submit({});
    expect(saved.status).toBe(302);
    const current = () =>
      db()('account_titles')
        .where({ account_id: s.teacher.id, school_id: s.schoolA })
        .whereNull('ended_at')
        .orderBy('position')
        .pluck('title');
    expect(await current()).toEqual(['教師', '導師', '資訊組長']);
    const row = await db()('accounts').where({ id: s.teacher.id }).first();
    expect(row).toMatchObject({ email: 'wang@kl.edu.tw', email_verified: false });
    expect(row.openid2_ids).toEqual(['https://openid.kl.edu.tw/t-wang']);

    const bad = await submit({ email: 'not-an-address', titles: '教師\n校長' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('電子郵件格式不正確');
    expect(bad.body).toContain('value="not-an-address"');
    expect(bad.body).toContain('教師\n校長');
    expect(await current()).toEqual(['教師', '導師', '資訊組長']);
    const badUrl = await submit({ openid2_ids: 'javascript:alert(1)' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toContain('http(s) 網址');

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const staff = await api(token, 'PATCH', `/accounts/${s.teacher.id}`, { identity_type: 'staff' });
    expect(staff.status).toBe(200);
    expect(await current()).toEqual(['職員', '導師', '資訊組長']);
    const ended = await db()('account_titles').where({ account_id: s.teacher.id, title: '教師' });
    expect(ended.every((t: { ended_at: Date | null }) => t.ended_at !== null)).toBe(true);

    const reorder = await api(token, 'PATCH', `/accounts/${s.teacher.id}`, { titles: ['資訊組長', '職員'] });
    expect(reorder.status).toBe(200);
    expect(await current()).toEqual(['職員', '資訊組長']);
    expect(
      reorder.json.titles.find((t: { title: string; current: boolean }) => t.title === '導師' && !t.current),
    ).toBeDefined();

    expect((await api(token, 'PATCH', `/accounts/${s.teacher.id}`, { mobile: '12345' })).json.error).toBe(
      'account_admin.mobile_invalid',
    );
    expect((await api(token, 'PATCH', `/accounts/${s.teacher.id}`, { school_id: s.schoolB })).status).toBe(
      400,
    );
    expect(
      (await api(token, 'PATCH', `/accounts/${s.teacher.id}`, { titles: ['x'], titles_school_id: s.schoolB }))
        .status,
    ).toBe(403);

    const entries = await auditOf('account.update');
    expect(entries).toHaveLength(3);
    expect(entries[1].before.titles[s.schoolA]).toEqual(['教師', '導師', '資訊組長']);
    expect(entries[1].after.titles[s.schoolA]).toEqual(['職員', '導師', '資訊組長']);
    expect(entries[1].after.identityType).toBe('staff');
  });
});

describe('POST /admin/accounts/:id/delete|restore', () => {
  it('soft-deletes after a confirmation: login refused, hidden from lists; only the county restores', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const unconfirmed = await post(agent, `/admin/accounts/${s.teacher.id}/delete`);
    expect(unconfirmed.status).toBe(302);
    expect(unconfirmed.location).toContain(`/admin/accounts/${s.teacher.id}/delete`);
    expect((await db()('accounts').where({ id: s.teacher.id }).first()).deleted_at).toBeNull();
    const confirm = await agent.request(unconfirmed.location!);
    expect(confirm.body).toContain('確定要刪除帳號 t-wang');
    const deleted = await agent.request(`/admin/accounts/${s.teacher.id}/delete`, {
      form: { csrf: csrfFrom(confirm.body), confirm: 'yes' },
    });
    expect(deleted.status).toBe(302);
    expect(deleted.location).toBe(`${env.issuer}/admin/accounts`);
    const row = await db()('accounts').where({ id: s.teacher.id }).first();
    expect(row.deleted_at).not.toBeNull();
    expect(row.status).toBe('disabled');

    const list = await agent.request('/admin/accounts');
    expect(list.body).not.toContain('t-wang');
    expect((await agent.request('/admin/accounts?status=deleted')).body).toContain('t-wang');
    const refused = await tryLogin('t-wang', PASSWORD);
    expect(refused.res.body).toContain('帳號或密碼錯誤');
    const [entry] = await auditOf('account.delete');
    expect(entry.after.deletedAt).not.toBeNull();

    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    expect((await api(tokenA, 'POST', `/accounts/${s.teacher.id}/restore`)).status).toBe(403);
    expect((await api(tokenA, 'POST', `/accounts/${s.teacher.id}/enable`)).json.error).toBe(
      'account_admin.deleted',
    );
    const search = await api(tokenA, 'GET', '/accounts?username=t-');
    expect(search.json.total).toBe(0);

    const county = await createMember(env.runtime, { username: 'county', schoolId: null });
    await grantRole(env.runtime, county.id, 'county_admin', s.countyId);
    const tokenC = await adminApiToken(env.runtime, env.issuer, 'county');
    const restored = await api(tokenC, 'POST', `/accounts/${s.teacher.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject({ deleted: false, status: 'disabled' });
    expect((await auditOf('account.restore'))[0]).toMatchObject({ actor_username: 'county' });
    expect((await api(tokenA, 'GET', '/accounts?username=t-')).json.total).toBe(1);

    // the API deletes without a page, and refuses oneself
    expect((await api(tokenA, 'POST', `/accounts/${s.student.id}/delete`)).json.deleted).toBe(true);
    expect((await api(tokenA, 'POST', `/accounts/${s.adminA.id}/delete`)).status).toBe(409);
  });
});

describe('teachers', () => {
  it('list and view the students of their own classes only, and change nothing', async () => {
    const s = await seed();
    const agent = await consoleLogin(env.issuer, 't-wang');
    const list = await agent.request('/admin/accounts');
    expect(list.status).toBe(200);
    expect(list.body).toContain('s115001');
    expect(list.body).not.toContain('s115002');
    expect(list.body).not.toContain('admin-a');
    const own = await agent.request(`/admin/accounts/${s.student.id}`);
    expect(own.status).toBe(200);
    expect(own.body).not.toContain('/disable');
    expect(own.body).toContain('無法修改');
    expect((await agent.request(`/admin/accounts/${s.student2.id}`)).status).toBe(404);
    expect((await agent.request(`/admin/accounts/${s.student.id}/edit`)).status).toBe(403);
    const disable = await agent.request(`/admin/accounts/${s.student.id}/disable`, {
      form: { csrf: csrfFrom(list.body) },
    });
    expect(disable.status).toBe(403);
    expect((await db()('accounts').where({ id: s.student.id }).first()).status).toBe('active');

    const token = await adminApiToken(env.runtime, env.issuer, 't-wang');
    const items = await api(token, 'GET', '/accounts');
    expect(items.json.items.map((i: { username: string }) => i.username)).toEqual(['s115001']);
    expect((await api(token, 'GET', `/accounts/${s.student2.id}`)).status).toBe(404);
    expect((await api(token, 'POST', `/accounts/${s.student.id}/temporary-password`)).status).toBe(403);
    expect((await api(token, 'PATCH', `/accounts/${s.student.id}`, { name: 'x' })).status).toBe(403);
    expect(await db()('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});

describe('cross-school denial', () => {
  it("never lets school A's admin list, view, change, reset or delete anyone of B", async () => {
    const s = await seed();
    const b = s.teacherB.id;
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const list = await agent.request(`/admin/accounts?school=${s.schoolB}`);
    expect(list.body).not.toContain('b-teacher');
    for (const path of [`/admin/accounts/${b}`, `/admin/accounts/${b}/edit`, `/admin/accounts/${b}/delete`]) {
      expect((await agent.request(path)).status).toBe(404);
    }
    for (const action of ['disable', 'enable', 'reset-link', 'temporary-password', 'restore']) {
      const res = await post(agent, `/admin/accounts/${b}/${action}`);
      expect([action, res.status]).toEqual([action, 404]);
    }
    expect((await post(agent, `/admin/accounts/${b}/delete`, { confirm: 'yes' })).status).toBe(404);
    expect((await post(agent, `/admin/accounts/${b}/edit`, { name: 'hacked' })).status).toBe(404);

    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    expect((await api(token, 'GET', `/accounts?username=b-`)).json.total).toBe(0);
    expect((await api(token, 'GET', `/accounts/${b}`)).status).toBe(404);
    expect((await api(token, 'GET', `/accounts/${b}/logins`)).status).toBe(404);
    expect((await api(token, 'PATCH', `/accounts/${b}`, { name: 'hacked' })).status).toBe(404);
    for (const action of ['disable', 'enable', 'delete', 'restore', 'reset-link', 'temporary-password']) {
      const res = await api(token, 'POST', `/accounts/${b}/${action}`);
      expect([action, res.status, res.json.error]).toEqual([action, 404, 'admin.not_found']);
    }
    expect((await api(token, 'GET', '/accounts/not-a-uuid')).status).toBe(404);

    const row = await db()('accounts').where({ id: b }).first();
    expect(row).toMatchObject({
      status: 'active',
      deleted_at: null,
      name: '張老師',
      must_change_password: false,
    });
    expect(await db()('account_tokens').where({ account_id: b })).toHaveLength(0);
    expect(await db()('audit_log').count({ n: '*' })).toEqual([{ n: 0 }]);
  });
});
