/**
 * 學籍資料 in the console and the API, end to end on the real app: a Big5 file with a name that
 * lost a character (王?明 style) and a mistyped ID → the preview with every status → the
 * correction table → 繼續 → the printable list of created usernames; XLSX; the upload form's
 * errors; school, role and uploader boundaries; audit entries; the JSON API round trip.
 */
import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { AppError } from '../../src/errors.js';
import type { Runtime } from '../../src/runtime.js';
import { hashNationalId, withCheckDigit } from '../../src/services/national-id.js';
import { createRosterService } from '../../src/services/roster/import.js';
import { adminApiToken, consoleLogin } from '../helpers/admin.js';
import { auditEntries, callApi, type Orgs, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { csrfFrom, type HttpAgent } from '../helpers/http-agent.js';

const env = useTestInstance();
const YEAR = 115;

const nid = (n: number, sex: '1' | '2' = '1') => withCheckDigit(`R${sex}${String(n).padStart(7, '0')}`);
const masked = (id: string) => `${id.slice(0, 3)}****${id.slice(-3)}`;

interface Student {
  id: string;
  family: string;
  given: string;
  gender?: string;
  birth?: string;
  seat: number;
  grade?: number;
  cls?: number;
}

const HEADER = ['身分證字號', '姓氏在前', '姓氏', '名字', '性別', '出生年月日', '座號'];

function csv(students: Student[], header = HEADER): string {
  const withClass = header.includes('年級');
  const rows = students.map((s) =>
    [
      s.id,
      '是',
      s.family,
      s.given,
      s.gender ?? '男',
      s.birth ?? '102/05/04',
      ...(withClass ? [String(s.grade ?? ''), String(s.cls ?? '')] : []),
      String(s.seat),
    ]
      .filter((_, i) => header[i] !== undefined)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

const big5 = (text: string) => iconv.encode(text, 'big5');

/** A student of school B (exists) and one of A's 3-3 seat 1 (member), imported beforehand. */
async function seedStudents(runtime: Runtime, o: Orgs) {
  const roster = createRosterService({
    db: runtime.db,
    box: runtime.box,
    store: runtime.shortLived,
    usernameRule: runtime.config.studentUsernameRule,
  });
  const member = { id: nid(1), family: '王', given: '小明', seat: 1 };
  const elsewhere = { id: nid(2, '2'), family: '陳', given: '怡君', gender: '女', seat: 9 };
  const load = async (s: Student, schoolId: string, grade: number, classNo: number) => {
    const preview = await roster.preview({
      file: Buffer.from(csv([s]), 'utf8'),
      filename: 'seed.csv',
      target: { schoolId, schoolYear: YEAR, semester: 1, grade, classNo },
      uploaderId: 'seed',
    });
    await roster.apply(preview.id, 'seed');
  };
  await load(member, o.schoolA, 3, 3);
  await load(elsewhere, o.schoolB, 5, 1);
  return { member, elsewhere };
}

/** Posts the upload form of /admin/roster as a browser would (multipart, with its CSRF field). */
async function uploadForm(
  agent: HttpAgent,
  fields: Record<string, string>,
  file?: { name: string; type: string; content: Buffer },
) {
  const page = await agent.request('/admin/roster');
  const form = new FormData();
  form.set('csrf', csrfFrom(page.body));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([new Uint8Array(file.content)], { type: file.type }), file.name);
  return agent.request('/admin/roster', { method: 'POST', body: form });
}

async function postFromPage(
  agent: HttpAgent,
  pagePath: string,
  action: string,
  form: Record<string, string>,
) {
  const page = await agent.request(pagePath);
  return agent.request(action, { form: { ...form, csrf: csrfFrom(page.body) } });
}

const target = (o: Orgs, grade = '3', classNo = '3') => ({
  school_id: o.schoolA,
  school_year: String(YEAR),
  semester: '1',
  grade,
  class_no: classNo,
});

async function accountOf(runtime: Runtime, id: string) {
  return runtime
    .db('accounts')
    .where({ national_id_hash: hashNationalId(runtime.box, id) })
    .first();
}

async function usernamesOf(runtime: Runtime, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await accountOf(runtime, id)).username as string));
}

/**
 * {schoolcode}s{seq:5}: consecutive numbers. Which number comes first depends on the import's
 * per-process hint of the last number, which outlives the tables truncated between tests.
 */
function expectSequence(usernames: string[], prefix: string): void {
  const numbers = usernames.map((u) => {
    expect(u).toMatch(new RegExp(`^${prefix}\\d{5}$`));
    return Number(u.slice(prefix.length));
  });
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
}

describe('/admin/roster (console)', () => {
  it('imports a Big5 file: statuses, correcting the broken name and the mistyped ID, 繼續, the printable usernames', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const { member, elsewhere } = await seedStudents(runtime, o);
    const agent = await consoleLogin(env.issuer, 'admin-a');

    const form = await agent.request('/admin/roster');
    expect(form.status).toBe(200);
    expect(form.body).toContain(
      '學籍資料</strong> 請留意「姓氏」是否正確！資料錯誤將停用管理者管理權限，請詳細檢查。',
    );
    expect(form.body).toContain('自全宜系統匯入');
    expect(form.body).toContain('*可同步更新學生學校單位');
    expect(form.body).toContain(
      '請從左側，先點選學校、年級與班級後匯入。 OpenID 帳號資料為提供教育部教育雲相關服務之重要資料',
    );
    expect(form.body).toContain('enctype="multipart/form-data"');
    // admin-a's one school, chosen; no other school offered
    expect(form.body).toContain(`<option value="${o.schoolA}" selected>173637 基隆市立暖暖國民小學</option>`);
    expect(form.body).not.toContain(o.schoolB);
    expect(form.body).toMatch(/name="school_year"[^>]*value="1\d\d"/);

    const fresh = nid(3);
    const broken = nid(4, '2');
    const valid = nid(50);
    // the last digit mistyped: the check digit fails
    const typo = `${valid.slice(0, -1)}${(Number(valid.slice(-1)) + 1) % 10}`;
    const fixedId = nid(5);
    const file = big5(
      csv([
        member,
        { ...elsewhere, seat: 2 },
        { id: fresh, family: '林', given: '大同', birth: '民國102年5月4日', seat: 3 },
        { id: broken, family: '李', given: '?玲', gender: '女', birth: '2013-06-07', seat: 4 },
        { id: typo, family: '張', given: '三', seat: 5 },
      ]),
    );
    expect(file.includes(Buffer.from('李', 'utf8'))).toBe(false);
    const uploaded = await uploadForm(agent, target(o), {
      name: '3年3班.csv',
      type: 'text/csv',
      content: file,
    });
    expect(uploaded.status).toBe(303);
    const previewPath = new URL(uploaded.location!).pathname;
    expect(previewPath).toMatch(/^\/admin\/roster\/previews\/[\w-]{22}$/);
    const previewId = previewPath.split('/').pop()!;

    const preview = await agent.request(previewPath);
    expect(preview.status).toBe(200);
    const page = preview.body;
    expect(page).toContain('查詢 基隆市立暖暖國民小學 3年 3班');
    expect(page).toContain('3年3班.csv · CSV (BIG5)');
    for (const label of [
      '身份證已是會員 1 筆',
      '身份證已存在 1 筆',
      '新增 1 筆',
      '姓名含無法辨識的字（？） 1 筆',
      '身分證字號錯誤 1 筆',
    ]) {
      expect(page).toContain(label);
    }
    expect(page).toContain('data-status="broken_name">姓名含無法辨識的字（？）：名字</span>');
    expect(page).toContain('請留意「姓氏」及「名字」是否正確，若有「？」請務必修正');
    // rows that are fine show masked IDs only; a row to correct shows what was typed, in its input
    expect(page).toContain(masked(member.id));
    expect(page).toContain(masked(elsewhere.id));
    expect(page).not.toContain(member.id);
    expect(page).not.toContain(elsewhere.id);
    expect(page).not.toContain(fresh);
    expect(page).toContain(
      `name="fix_4_national_id" aria-label="第 6 列 身分證字號" aria-invalid="true" type="text" class="roster-fix__input roster-fix__input--id" value="${typo}"`,
    );
    expect(page).toContain(
      `id="fix_3_national_id" name="fix_3_national_id" aria-label="第 5 列 身分證字號" type="text" class="roster-fix__input roster-fix__input--id" value="${broken}"`,
    );
    expect(page).toContain('value="?玲"');
    expect(page).toContain('1 - 5 / 5 (5)');

    // 繼續 while rows still need correcting: refused, the preview again with the message
    const early = await postFromPage(agent, previewPath, `${previewPath}/apply`, {});
    expect(early.status).toBe(409);
    expect(early.body).toContain('尚有資料需要修正');
    // student-a and the two seeded students only
    expect(await runtime.db('accounts').where({ identity_type: 'student' })).toHaveLength(3);

    // Send: the broken name and the ID corrected
    const corrected = await postFromPage(agent, previewPath, `${previewPath}/corrections`, {
      fix_3_given_name: '美玲',
      fix_3_national_id: broken,
      fix_4_national_id: fixedId,
      fix_4_family_name: '張',
    });
    expect(corrected.status).toBe(303);
    const after = await agent.request(previewPath);
    expect(after.body).toContain('已更新 2 筆資料');
    expect(after.body).toContain('新增 3 筆');
    expect(after.body).not.toContain('需要修正的資料');
    expect(after.body).toContain('共 5 筆資料將匯入（1 個班級）');
    expect(after.body).toContain('>繼續</button>');
    expect(after.body).not.toContain(fixedId);
    expect(after.body).toContain(masked(fixedId));

    const applied = await postFromPage(agent, previewPath, `${previewPath}/apply`, {});
    expect(applied.status).toBe(303);
    expect(new URL(applied.location!).pathname).toBe(`/admin/roster/results/${previewId}`);
    const result = await agent.request(applied.location!);
    expect(result.status).toBe(200);
    expect(result.body).toContain('OpenID 帳號 was created successfully');
    expect(result.body).toContain('基隆市立暖暖國民小學 3年3班');
    expect(result.body).toContain('新增 3 筆、更新 1 筆、未變更 1 筆');
    const created = [
      ...result.body.matchAll(
        /<tr><td class="num">(\d+)<\/td><td>([^<]+)<\/td><td><code class="roster-username">([^<]+)<\/code>/g,
      ),
    ].map((m) => [Number(m[1]), m[2], m[3]]);
    // usernames from the rule {schoolcode}s{seq:5}, in seat order, as the accounts hold them
    const usernames = await usernamesOf(runtime, [fresh, broken, fixedId]);
    expect(created).toEqual([
      [3, '林大同', usernames[0]],
      [4, '李美玲', usernames[1]],
      [5, '張三', usernames[2]],
    ]);
    expectSequence(usernames, '173637s');
    expect(result.body).toContain('若來不及記下【OpenID帳號】，可至【帳號管理】進行查詢。');
    expect(result.body).toContain('class="no-print"');
    expect(result.body).not.toContain(fixedId);

    expect(await accountOf(runtime, broken)).toMatchObject({
      name: '李美玲',
      gender: 'F',
      birth_date: '2013-06-07',
      school_id: o.schoolA,
    });
    expect(await accountOf(runtime, typo)).toBeUndefined();
    // 身份證已存在: moved from school B to A
    expect(await accountOf(runtime, elsewhere.id)).toMatchObject({ school_id: o.schoolA });

    const [entry, ...more] = await auditEntries(runtime, 'roster.import');
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      actor_username: 'admin-a',
      via: 'console',
      target_type: 'school_class',
      org_id: o.schoolA,
    });
    expect(entry.after).toMatchObject({
      school_year: YEAR,
      semester: 1,
      grade: 3,
      class_no: 3,
      created: 3,
      updated: 1,
      unchanged: 1,
      usernames,
      updated_usernames: await usernamesOf(runtime, [elsewhere.id]),
    });
    const classRow = await runtime.db('school_classes').where({ id: entry.target_id }).first();
    expect(classRow).toMatchObject({ school_id: o.schoolA, grade: 3, class_no: 3 });
    const stored = JSON.stringify(entry);
    for (const id of [member.id, elsewhere.id, fresh, broken, fixedId, typo])
      expect(stored).not.toContain(id);

    // reload-safe: the applied preview leads to its result; English wording too
    const again = await agent.request(previewPath);
    expect(again.status).toBe(302);
    expect(again.location).toContain(`/admin/roster/results/${previewId}`);
    const english = await agent.request(`/admin/roster/results/${previewId}?lang=en`);
    expect(english.body).toContain('OpenID accounts were created successfully');
    expect(english.body).toContain('3 created, 1 updated, 1 unchanged');
  });

  it('imports a whole grade from XLSX, one class (and one audit entry) per class, and can leave rows out', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('名冊');
    sheet.addRow(['基隆市立暖暖國民小學 四年級學生名冊']);
    sheet.addRow(['身分證字號', '姓氏在前', '姓氏', '名字', '性別', '出生年月日', '年級', '班級', '座號']);
    sheet.addRow([nid(11), '是', '周', '杰', '男', new Date(Date.UTC(2012, 3, 5)), 4, 1, 1]);
    sheet.addRow([nid(12, '2'), '是', '蔡', '依林', '女', '101/09/15', 4, 2, 1]);
    sheet.addRow([nid(13), '否', 'Smith', 'John', 'M', '2012-01-02', 4, 2, 2]);
    sheet.addRow([nid(14), '是', '吳', '□明', '男', '2012-01-02', 5, 1, 1]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const uploaded = await uploadForm(agent, target(o, '4', ''), {
      name: '四年級.xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content: xlsx,
    });
    expect(uploaded.status).toBe(303);
    const previewPath = new URL(uploaded.location!).pathname;
    const preview = await agent.request(previewPath);
    expect(preview.body).toContain('查詢 基隆市立暖暖國民小學 4年');
    expect(preview.body).toContain('XLSX');
    expect(preview.body).toContain('4年1班 1 筆、4年2班 2 筆');
    expect(preview.body).toContain('新增 3 筆');
    expect(preview.body).toContain('班級不符 1 筆');
    expect(preview.body).toContain('略過 1 筆需要修正的資料，只匯入其餘 3 筆');
    // the status filter shows one kind of row
    const filtered = await agent.request(`${previewPath}?status=wrong_class`);
    expect(filtered.body).toContain('1 - 1 / 1 (1)');

    const applied = await postFromPage(agent, previewPath, `${previewPath}/apply`, { skip_invalid: '1' });
    expect(applied.status).toBe(303);
    const result = await agent.request(applied.location!);
    expect(result.body).toContain('OpenID 帳號 was created successfully');
    expect(result.body).toContain('已略過 1 筆需要修正的資料。');
    expect(result.body).toContain('基隆市立暖暖國民小學 4年1班');
    expect(result.body).toContain('基隆市立暖暖國民小學 4年2班');
    expect(result.body).toContain('John Smith');
    expect(await accountOf(runtime, nid(14))).toBeUndefined();
    const entries = await auditEntries(runtime, 'roster.import');
    expect(entries.map((e) => [e.after.grade, e.after.class_no, e.after.created])).toEqual([
      [4, 1, 1],
      [4, 2, 2],
    ]);
  });

  it('re-renders the upload form with the message and the selections when the file cannot be imported', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const noGender = ['身分證字號', '姓氏在前', '姓氏', '名字', '出生年月日', '座號'];
    const missing = await uploadForm(agent, target(o, '2', '5'), {
      name: 'roster.csv',
      type: 'text/csv',
      content: Buffer.from(`${noGender.join(',')}\r\n${nid(21)},是,王,一,102/01/01,1\r\n`, 'utf8'),
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toContain('檔案缺少必要的欄位：性別 (gender)。');
    expect(missing.body).toContain('請重新選擇檔案');
    expect(missing.body).toContain(`<option value="${o.schoolA}" selected>`);
    expect(missing.body).toContain('value="115"');
    expect(missing.body).toContain('<option value="2" selected>2</option>');
    expect(missing.body).toContain('<option value="5" selected>5</option>');

    const xls = await uploadForm(agent, target(o), {
      name: 'roster.xls',
      type: 'application/vnd.ms-excel',
      content: Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        Buffer.alloc(64),
      ]),
    });
    expect(xls.status).toBe(400);
    expect(xls.body).toContain('不支援此檔案格式');
    expect(xls.body).toContain('Excel 97-2003 (.xls) is not supported');

    const garbage = await uploadForm(agent, target(o), {
      name: 'roster.xlsx',
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      content: Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('not a workbook')]),
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body).toContain('無法讀取檔案內容');

    const noFile = await uploadForm(agent, target(o));
    expect(noFile.status).toBe(400);
    expect(noFile.body).toContain('請選擇要匯入的學籍檔案。');

    const badYear = await uploadForm(
      agent,
      { ...target(o), school_year: 'abc' },
      {
        name: 'r.csv',
        type: 'text/csv',
        content: Buffer.from(csv([{ id: nid(22), family: '王', given: '一', seat: 1 }])),
      },
    );
    expect(badYear.status).toBe(400);
    expect(badYear.body).toContain('學年度、學期、年級或班級不正確。');
    expect(badYear.body).toContain('value="abc"');

    const big = await uploadForm(agent, target(o), {
      name: 'huge.csv',
      type: 'text/csv',
      content: Buffer.alloc(10 * 1024 * 1024 + 10, 0x41),
    });
    expect(big.status).toBe(413);
    expect(big.body).toContain('檔案太大了。');
    expect(big.body).toContain('自全宜系統匯入');

    const english = await agent.request('/admin/roster?lang=en');
    expect(english.body).toContain('Import from the school administration system');
    expect(await runtime.db('accounts').where({ identity_type: 'student' })).toHaveLength(1);
  });

  it('keeps school B from the admin of A, and teachers out, by console and by API', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const file = Buffer.from(csv([{ id: nid(31), family: '王', given: '一', seat: 1 }]), 'utf8');
    const a = await consoleLogin(env.issuer, 'admin-a');
    const intoB = await uploadForm(
      a,
      { ...target(o), school_id: o.schoolB },
      { name: 'r.csv', type: 'text/csv', content: file },
    );
    expect(intoB.status).toBe(403);
    expect(intoB.body).toContain('您沒有執行此操作的權限。');

    const [homeroom] = await runtime
      .db('school_classes')
      .insert({
        school_id: o.schoolA,
        school_year: YEAR,
        semester: 1,
        grade: 1,
        class_no: 1,
        title: '一年一班',
      })
      .returning('id');
    await runtime
      .db('class_teachers')
      .insert({ class_id: homeroom.id, account_id: o.teacherA.id, kind: 'homeroom' });
    const teacher = await consoleLogin(env.issuer, 'teacher-a');
    expect((await teacher.request('/admin/roster')).status).toBe(403);
    const home = await teacher.request('/admin');
    expect(home.body).not.toContain('href="/admin/roster"');
    expect((await a.request('/admin')).body).toContain('href="/admin/roster"');

    const body = {
      school_id: o.schoolB,
      school_year: YEAR,
      semester: 1,
      grade: 1,
      class_no: 1,
      filename: 'r.csv',
      content_base64: file.toString('base64'),
    };
    const tokenA = await adminApiToken(runtime, env.issuer, 'admin-a');
    const apiB = await callApi(env.issuer, tokenA, 'POST', '/roster/previews', body);
    expect(apiB.status).toBe(403);
    expect(apiB.json.error).toBe('admin.forbidden');
    const tokenT = await adminApiToken(runtime, env.issuer, 'teacher-a');
    const apiT = await callApi(env.issuer, tokenT, 'POST', '/roster/previews', {
      ...body,
      school_id: o.schoolA,
    });
    expect(apiT.status).toBe(403);
    // B's admin's preview is not A's to read (by id) nor to apply
    const tokenB = await adminApiToken(runtime, env.issuer, 'admin-b');
    const ofB = await callApi(env.issuer, tokenB, 'POST', '/roster/previews', body);
    expect(ofB.status).toBe(201);
    expect((await callApi(env.issuer, tokenA, 'GET', `/roster/previews/${ofB.json.id}`)).status).toBe(404);
    const applyB = await callApi(env.issuer, tokenA, 'POST', `/roster/previews/${ofB.json.id}/apply`, {});
    expect(applyB).toMatchObject({ status: 404, json: { error: 'roster.preview_not_found' } });
    expect((await a.request(`/admin/roster/previews/${ofB.json.id}`)).status).toBe(404);
    expect(await runtime.db('accounts').where({ identity_type: 'student' })).toHaveLength(1);
    expect(await auditEntries(runtime, 'roster.import')).toHaveLength(0);
  });

  it("refuses another admin's preview and an unknown one with a way back, writing nothing", async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const a = await consoleLogin(env.issuer, 'admin-a');
    const uploaded = await uploadForm(a, target(o), {
      name: 'r.csv',
      type: 'text/csv',
      content: Buffer.from(csv([{ id: nid(41), family: '王', given: '一', seat: 1 }]), 'utf8'),
    });
    const previewPath = new URL(uploaded.location!).pathname;
    // the county admin administers school A too, but the preview is admin-a's
    const county = await consoleLogin(env.issuer, 'county');
    const seen = await county.request(previewPath);
    expect(seen.status).toBe(404);
    expect(seen.body).toContain('這份匯入預覽已過期');
    expect(seen.body).toContain('href="/admin/roster"');
    const applied = await postFromPage(county, '/admin/roster', `${previewPath}/apply`, {});
    expect(applied.status).toBe(404);
    const corrected = await postFromPage(county, '/admin/roster', `${previewPath}/corrections`, {
      fix_0_given_name: '二',
    });
    expect(corrected.status).toBe(404);
    expect((await county.request(`/admin/roster/results/${previewPath.split('/').pop()}`)).status).toBe(404);
    expect((await a.request('/admin/roster/previews/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await a.request('/admin/roster/previews/<script>')).status).toBe(404);
    expect(await runtime.db('accounts').where({ identity_type: 'student' })).toHaveLength(1);
    // still admin-a's to use
    expect((await a.request(previewPath)).status).toBe(200);
  });
});

describe('roster apply hook (the audit entry of a class)', () => {
  it('runs inside each class transaction: a failing hook leaves nothing of its class, the other classes are written', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const roster = createRosterService({
      db: runtime.db,
      box: runtime.box,
      store: runtime.shortLived,
      usernameRule: runtime.config.studentUsernameRule,
    });
    const header = [...HEADER.slice(0, 6), '年級', '班級', '座號'];
    const file = Buffer.from(
      csv(
        [
          { id: nid(61), family: '王', given: '一', grade: 2, cls: 1, seat: 1 },
          { id: nid(62), family: '王', given: '二', grade: 2, cls: 2, seat: 1 },
        ],
        header,
      ),
    );
    const preview = await roster.preview({
      file,
      target: { schoolId: o.schoolA, schoolYear: YEAR, semester: 1, grade: 2 },
      uploaderId: 'u',
    });
    const seen: string[] = [];
    const result = await roster.apply(preview.id, 'u', {
      onClassApplied: async (trx, c) => {
        // the class's rows are visible inside its transaction
        const inserted = await trx('accounts').where({ username: c.created[0]!.username }).first();
        seen.push(`${c.title}:${inserted ? 'seen' : 'missing'}`);
        await trx('audit_log').insert({ via: 'cli', action: 'hook.test', target_type: 'school_class' });
        if (c.classNo === 2) throw new AppError('roster.hook_failed', 'refused by the hook');
      },
    });
    expect(seen).toEqual(['二年一班:seen', '二年二班:seen']);
    expect(result.classes.map((c) => [c.title, c.ok, c.error?.code ?? null])).toEqual([
      ['二年一班', true, null],
      ['二年二班', false, 'roster.hook_failed'],
    ]);
    expect(await accountOf(runtime, nid(61))).toBeDefined();
    expect(await accountOf(runtime, nid(62))).toBeUndefined();
    expect(await auditEntries(runtime, 'hook.test')).toHaveLength(1);
    expect(await runtime.db('school_classes').where({ school_id: o.schoolA, grade: 2 })).toHaveLength(1);
  });
});

describe('/admin/api/v1/roster', () => {
  it('previews a Big5 file, corrects it, applies it and returns the usernames, with masked IDs only', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const { member } = await seedStudents(runtime, o);
    const token = await adminApiToken(runtime, env.issuer, 'admin-a');
    const fresh = nid(51);
    const broken = nid(52, '2');
    const file = big5(
      csv([
        member,
        { id: fresh, family: '林', given: '大同', seat: 2 },
        { id: broken, family: '李', given: '?玲', gender: '女', seat: 3 },
      ]),
    );
    const created = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      school_id: o.schoolA,
      school_year: YEAR,
      semester: 1,
      grade: 3,
      class_no: 3,
      filename: '3年3班.csv',
      content_base64: file.toString('base64'),
    });
    expect(created.status).toBe(201);
    const preview = created.json;
    expect(preview).toMatchObject({
      school: { id: o.schoolA, code: '173637' },
      school_year: YEAR,
      grade: 3,
      class_no: 3,
      format: 'csv',
      encoding: 'big5',
      blocking: 1,
      counts: { member: 1, new: 1, broken_name: 1 },
    });
    expect(preview.rows.map((r: { status: string }) => r.status)).toEqual(['member', 'new', 'broken_name']);
    expect(preview.rows[2]).toMatchObject({ problems: ['given_name'], national_id_masked: masked(broken) });
    expect(preview.rows[0].account).toEqual({
      username: (await usernamesOf(runtime, [member.id]))[0],
      name_matches: true,
    });
    const text = JSON.stringify(preview);
    for (const id of [member.id, fresh, broken]) expect(text).not.toContain(id);
    expect(text).not.toContain('national_id"');

    const again = await callApi(
      env.issuer,
      token,
      'GET',
      `/roster/previews/${preview.id}?status=broken_name`,
    );
    expect(again.status).toBe(200);
    expect(again.json.rows).toHaveLength(1);

    const refused = await callApi(env.issuer, token, 'POST', `/roster/previews/${preview.id}/apply`, {});
    expect(refused).toMatchObject({ status: 409, json: { error: 'roster.has_blocking_rows' } });
    const badFix = await callApi(env.issuer, token, 'POST', `/roster/previews/${preview.id}/corrections`, {
      rows: [{ index: 2, fields: { nickname: 'x' } }],
    });
    expect(badFix.status).toBe(400);
    const noRow = await callApi(env.issuer, token, 'POST', `/roster/previews/${preview.id}/corrections`, {
      rows: [{ index: 99, fields: { given_name: '美玲' } }],
    });
    expect(noRow).toMatchObject({ status: 400, json: { error: 'roster.invalid_correction' } });
    const fixed = await callApi(env.issuer, token, 'POST', `/roster/previews/${preview.id}/corrections`, {
      rows: [{ index: 2, fields: { given_name: '美玲' } }],
    });
    expect(fixed.status).toBe(200);
    expect(fixed.json.blocking).toBe(0);
    expect(fixed.json.rows[2]).toMatchObject({ status: 'new', given_name: '美玲' });

    const applied = await callApi(env.issuer, token, 'POST', `/roster/previews/${preview.id}/apply`, {});
    expect(applied.status).toBe(200);
    expect(applied.json.totals).toEqual({
      created: 2,
      updated: 0,
      unchanged: 1,
      skipped: 0,
      failed_classes: 0,
    });
    expect(
      applied.json.classes[0].created.map((s: { seat: number; name: string; username: string }) => [
        s.seat,
        s.name,
        s.username,
      ]),
    ).toEqual([
      [2, '林大同', (await usernamesOf(runtime, [fresh]))[0]],
      [3, '李美玲', (await usernamesOf(runtime, [broken]))[0]],
    ]);
    expectSequence(
      applied.json.classes[0].created.map((s: { username: string }) => s.username),
      '173637s',
    );
    expect(applied.json.classes[0].created[1].national_id_masked).toBe(masked(broken));
    expect(JSON.stringify(applied.json)).not.toContain(broken);
    const kept = await callApi(env.issuer, token, 'GET', `/roster/previews/${preview.id}/result`);
    expect(kept.json).toEqual(applied.json);
    expect((await callApi(env.issuer, token, 'GET', `/roster/previews/${preview.id}`)).status).toBe(404);

    const [entry] = await auditEntries(runtime, 'roster.import');
    expect(entry).toMatchObject({ via: 'api', org_id: o.schoolA, actor_username: 'admin-a' });
    expect(entry.after.usernames).toEqual(await usernamesOf(runtime, [fresh, broken]));
    expect(await accountOf(runtime, broken)).toMatchObject({ name: '李美玲', identity_type: 'student' });
  });

  it('answers bad uploads with 400 JSON errors', async () => {
    const { runtime } = env;
    const o = await seedOrgs(runtime);
    const token = await adminApiToken(runtime, env.issuer, 'admin-a');
    const base = {
      school_id: o.schoolA,
      school_year: YEAR,
      semester: 1,
      grade: 1,
      class_no: 1,
      filename: 'r.csv',
    };
    const notBase64 = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      ...base,
      content_base64: '%%%',
    });
    expect(notBase64).toMatchObject({ status: 400, json: { error: 'admin_api.invalid_request' } });
    const semester = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      ...base,
      semester: 3,
      content_base64: 'YQ==',
    });
    expect(semester.status).toBe(400);
    const missing = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      ...base,
      content_base64: Buffer.from('身分證字號,姓氏,名字\r\nR100000001,王,一\r\n').toString('base64'),
    });
    expect(missing).toMatchObject({
      status: 400,
      json: { error: 'roster.missing_column', error_description: expect.stringContaining('性別 (gender)') },
    });
    const xls = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      ...base,
      filename: 'r.xls',
      content_base64: Buffer.from('whatever').toString('base64'),
    });
    expect(xls).toMatchObject({ status: 400, json: { error: 'roster.unsupported_format' } });
    const unknown = await callApi(env.issuer, token, 'GET', '/roster/previews/AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown).toMatchObject({ status: 404, json: { error: 'roster.preview_not_found' } });
    // the JSON body is limited to 1 MB: a larger file is refused with 413, not a 500
    const huge = await callApi(env.issuer, token, 'POST', '/roster/previews', {
      ...base,
      content_base64: Buffer.alloc(1_200_000, 0x41).toString('base64'),
    });
    expect(huge).toMatchObject({ status: 413, json: { error: 'upload.too_large' } });
    const doc = (await fetch(`${env.issuer}/admin/api/v1/openapi.json`).then((r) => r.json())) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/api/v1/roster/previews',
        '/admin/api/v1/roster/previews/{id}',
        '/admin/api/v1/roster/previews/{id}/corrections',
        '/admin/api/v1/roster/previews/{id}/apply',
      ]),
    );
  });
});
