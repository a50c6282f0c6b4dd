import { beforeEach, describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin, createMember, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { csrfFrom, type HttpAgent } from '../helpers/http-agent.js';

const env = useTestInstance();
const db = () => env.runtime.db;
const CODE = /[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}/g;

/**
 * School A: admin-a, teacher t-wang (homeroom of 六年四班 with s115001), s115002 in 六年五班;
 * school B: admin-b and s220001.
 */
async function seed() {
  const rt = env.runtime;
  const dir = await seedDirectory(rt);
  const adminA = await createMember(rt, {
    username: 'admin-a',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const adminB = await createMember(rt, {
    username: 'admin-b',
    schoolId: dir.schoolB,
    role: { role: 'school_admin', orgId: dir.schoolB },
  });
  const teacher = await createMember(rt, { username: 't-wang', name: '王大明', schoolId: dir.schoolA });
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
  const studentB = await createMember(rt, {
    username: 's220001',
    name: '張小美',
    schoolId: dir.schoolB,
    identityType: 'student',
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
  return { ...dir, adminA, adminB, teacher, student, student2, studentB };
}

let w: Awaited<ReturnType<typeof seed>>;
beforeEach(async () => {
  w = await seed();
});

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
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, each checked by expect()
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

/** Add to passOne from the list page (its CSRF token). */
async function addToList(agent: HttpAgent, accountId: string) {
  const page = await agent.request('/admin/passone');
  return agent.request('/admin/passone/list', { form: { csrf: csrfFrom(page.body), account_id: accountId } });
}

/** 建立一次性登入通行碼 as the confirmation page sends it (one account_ids field per student). */
async function createCodes(agent: HttpAgent) {
  const confirm = await agent.request('/admin/passone/confirm');
  const ids = [...confirm.body.matchAll(/name="account_ids" value="([^"]+)"/g)].map((m) => m[1]!);
  const form = new URLSearchParams([
    ['csrf', csrfFrom(confirm.body)],
    ...ids.map((id): [string, string] => ['account_ids', id]),
  ]);
  const res = await agent.request('/admin/passone/codes', {
    body: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { confirm, res };
}

const slipsOf = (html: string) =>
  [...html.matchAll(/<li class="pass-one-slip">([\s\S]*?)<\/li>/g)].map((m) => m[1]!);

describe('/admin/passone (console)', () => {
  it("lists a teacher's own students only, with the seeds' columns and the 使用說明", async () => {
    const agent = await consoleLogin(env.issuer, 't-wang');
    const page = await agent.request('/admin/passone');
    expect(page.status).toBe(200);
    for (const col of ['帳號', '全名', '性別', '職稱', '身份', '申請日期', '最後更新', 'Add to passOne']) {
      expect(page.body).toContain(col);
    }
    expect(page.body).toContain('Reset filters');
    expect(page.body).toContain('使用說明');
    expect(page.body).toContain('請勿將學生帳號與網址抄寫在通行碼上');
    expect(page.body).toContain(`${env.issuer}/passone`);
    expect(page.body).toContain('s115001');
    expect(page.body).not.toContain('s115002');
    expect(page.body).not.toContain('s220001');
    // the menu entry, between 新帳號申請 and 白名單 for those who see them
    expect(page.body).toMatch(/href="\/admin\/passone"[^>]*>一次登入</);
  });

  it('teacher: adds an own student, confirms, creates codes; the slips carry the code only', async () => {
    const agent = await consoleLogin(env.issuer, 't-wang');
    const added = await addToList(agent, w.student.id);
    expect(added.status).toBe(302);
    const list = await agent.request('/admin/passone');
    expect(list.body).toContain('名單中有 1 位學生');
    expect(list.body).toContain('href="/admin/passone/confirm"');

    const { confirm, res } = await createCodes(agent);
    expect(confirm.body).toContain('一次性登入名單確認');
    expect(confirm.body).toContain('建立一次性登入通行碼');
    expect(confirm.body).toContain('s115001');
    expect(res.status).toBe(200);
    const slips = slipsOf(res.body);
    expect(slips).toHaveLength(1);
    expect(slips[0]!.match(CODE)).toHaveLength(1);
    expect(slips[0]).toContain('40 分鐘內有效');
    // no username and no address anywhere on the slips page (the key sheet has the name only)
    expect(res.body).not.toContain('s115001');
    expect(res.body).not.toContain(`${env.issuer}/passone`);
    expect(slips[0]).not.toMatch(/https?:|passone|\/admin/i);
    expect(res.body).toContain('陳小華');
    expect(res.headers.get('cache-control')).toContain('no-store');

    // the code works, the list is emptied, and the audit entry has no code
    const code = slips[0]!.match(CODE)![0];
    expect(await env.runtime.passOne.isUnusedCode('s115001', code)).toBe(true);
    expect((await agent.request('/admin/passone')).body).toContain('名單中尚無學生');
    const audit = await db()('audit_log').where({ action: 'passone.issue' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_type: 'account', target_id: w.student.id, org_id: w.schoolA });
    expect(JSON.stringify(audit)).not.toContain(code);
    expect(JSON.stringify(audit)).not.toContain(code.replaceAll('-', ''));
  });

  it("teacher: another class's student is not found, and forging the create form does not help", async () => {
    const agent = await consoleLogin(env.issuer, 't-wang');
    const res = await addToList(agent, w.student2.id);
    expect(res.status).toBe(404);
    const page = await agent.request('/admin/passone/confirm');
    const forged = await agent.request('/admin/passone/codes', {
      form: { csrf: csrfFrom(page.body), account_ids: w.student2.id },
    });
    expect(forged.status).toBe(404);
    expect(await db()('pass_one_codes')).toHaveLength(0);
    expect(await db()('audit_log').where({ action: 'passone.issue' })).toHaveLength(0);
  });

  it('school admin of A: all of A, none of B (by list and by id)', async () => {
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request('/admin/passone');
    expect(page.body).toContain('s115001');
    expect(page.body).toContain('s115002');
    expect(page.body).not.toContain('s220001');
    expect((await addToList(agent, w.studentB.id)).status).toBe(404);
    const confirm = await agent.request('/admin/passone/confirm');
    const forged = await agent.request('/admin/passone/codes', {
      form: { csrf: csrfFrom(confirm.body), account_ids: w.studentB.id },
    });
    expect(forged.status).toBe(404);
    expect(await db()('pass_one_codes')).toHaveLength(0);
  });

  it('refuses a non-student with a clear message on the page', async () => {
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const res = await addToList(agent, w.teacher.id);
    expect(res.status).toBe(409);
    expect(res.body).toContain('一次登入限學生帳號使用');
    expect(res.body).toContain('Add to passOne');
  });

  it('an empty confirmation re-renders with a message, not a 500', async () => {
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request('/admin/passone/confirm');
    const res = await agent.request('/admin/passone/codes', { form: { csrf: csrfFrom(page.body) } });
    expect(res.status).toBe(400);
    expect(res.body).toContain('名單中沒有學生');
  });

  it('shows issued codes with their state, never the code', async () => {
    const agent = await consoleLogin(env.issuer, 'admin-a');
    await addToList(agent, w.student.id);
    const { res } = await createCodes(agent);
    const code = slipsOf(res.body)[0]!.match(CODE)![0];
    const page = await agent.request('/admin/passone');
    expect(page.body).toContain('已建立的通行碼');
    expect(page.body).toContain('未使用');
    expect(page.body).not.toContain(code);
  });
});

describe('/admin/api/v1/passone/codes', () => {
  it('teacher: creates codes for own students (shown once) and lists their state without codes', async () => {
    const token = await adminApiToken(env.runtime, env.issuer, 't-wang');
    const created = await api(token, 'POST', '/passone/codes', { account_ids: [w.student.id] });
    expect(created.status).toBe(201);
    expect(created.json.codes).toEqual([
      expect.objectContaining({
        account_id: w.student.id,
        username: 's115001',
        code: expect.stringMatching(CODE),
      }),
    ]);
    const code = created.json.codes[0].code as string;
    const other = await api(token, 'POST', '/passone/codes', { account_ids: [w.student2.id] });
    expect(other.status).toBe(404);

    const listed = await api(token, 'GET', '/passone/codes');
    expect(listed.status).toBe(200);
    expect(listed.json.items).toEqual([
      expect.objectContaining({ account_id: w.student.id, status: 'unused', issued_by: 't-wang' }),
    ]);
    expect(listed.text).not.toContain(code);
    expect(listed.text).not.toMatch(/code_hash|h1\./);

    // a second batch revokes the first code
    await api(token, 'POST', '/passone/codes', { account_ids: [w.student.id] });
    const again = await api(token, 'GET', `/passone/codes?account_id=${w.student.id}`);
    expect(again.json.items.map((i: { status: string }) => i.status).sort()).toEqual(['revoked', 'unused']);
    const audit = await db()('audit_log').where({ action: 'passone.issue' });
    expect(audit).toHaveLength(2);
    expect(audit.every((a) => a.actor_username === 't-wang' || a.actor_id)).toBe(true);
  });

  it('school admin of A cannot create or see codes of B', async () => {
    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    expect((await api(tokenB, 'POST', '/passone/codes', { account_ids: [w.studentB.id] })).status).toBe(201);
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const denied = await api(tokenA, 'POST', '/passone/codes', { account_ids: [w.studentB.id] });
    expect(denied.status).toBe(404);
    expect(denied.json.error).toBe('admin.not_found');
    // one id of B in a batch refuses the whole batch
    const mixed = await api(tokenA, 'POST', '/passone/codes', { account_ids: [w.student.id, w.studentB.id] });
    expect(mixed.status).toBe(404);
    const listA = await api(tokenA, 'GET', '/passone/codes');
    expect(listA.json.items).toEqual([]);
    const byId = await api(tokenA, 'GET', `/passone/codes?account_id=${w.studentB.id}`);
    expect(byId.json.items).toEqual([]);
    expect(await db()('pass_one_codes')).toHaveLength(1);
  });

  it('refuses non-students and bad bodies with 4xx JSON', async () => {
    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const teacher = await api(token, 'POST', '/passone/codes', { account_ids: [w.teacher.id] });
    expect(teacher.status).toBe(409);
    expect(teacher.json.error).toBe('pass_one.not_student');
    expect((await api(token, 'POST', '/passone/codes', { account_ids: [] })).status).toBe(400);
    expect((await api(token, 'POST', '/passone/codes', { account_ids: ['x'] })).status).toBe(404);
    expect((await api(token, 'GET', '/passone/codes?account_id=nope')).status).toBe(400);
  });
});
