/**
 * 新帳號申請 on the admin side (seeds 003, 機關管理者審查): the applicant applies, the school's
 * admins are e-mailed, the school admin finds it in the 待審核列表, reads 審查詳細資訊 and
 * approves (account, titles in order, activation link) or rejects (reason by e-mail); a
 * school-admin request is the county's; another school's admin sees nothing of it. Console and
 * API, real SMTP and SMS gateway, audit entries.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ApplicationInput } from '../../src/services/applications.js';
import { sealNationalId } from '../../src/services/national-id.js';
import {
  adminApiToken,
  consoleLogin,
  createMember,
  type Directory,
  fakeNationalId,
  seedDirectory,
} from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';
import { codeIn, startSmsCapture } from '../helpers/sms-capture.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';

const smtp = await startSmtpCapture();
const sms = await startSmsCapture();
const t = useTestInstance({
  SMTP_URL: smtp.url,
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: sms.url,
  SMS_HTTP_TOKEN: sms.token,
});
afterAll(async () => {
  await smtp.close();
  await sms.close();
});
const db = () => t.runtime.db;

const MAIL = {
  adminA: 'admin-a@nnes.kl.edu.tw',
  adminB: 'admin-b@jdjh.kl.edu.tw',
  county: 'county@kl.edu.tw',
};

let dir: Directory;
let ids: { adminA: string; adminB: string; county: string };

beforeEach(async () => {
  smtp.clear();
  sms.clear();
  dir = await seedDirectory(t.runtime);
  const adminA = await createMember(t.runtime, {
    username: 'admin-a',
    name: '林組長',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const adminB = await createMember(t.runtime, {
    username: 'admin-b',
    schoolId: dir.schoolB,
    role: { role: 'school_admin', orgId: dir.schoolB },
  });
  const county = await createMember(t.runtime, {
    username: 'county',
    schoolId: null,
    role: { role: 'county_admin', orgId: dir.countyId },
  });
  // each admin has an own verified address (the fixture gives them all one)
  for (const [id, email] of [
    [adminA.id, MAIL.adminA],
    [adminB.id, MAIL.adminB],
    [county.id, MAIL.county],
  ]) {
    await db()('accounts').where({ id }).update({ email, email_verified: true });
  }
  ids = { adminA: adminA.id, adminB: adminB.id, county: county.id };
});

let serial = 0;
/** Submits through the service and enters both codes: a pending application. */
async function pending(overrides: Partial<ApplicationInput> = {}) {
  serial++;
  const data: ApplicationInput = {
    realName: '王大明',
    email: `wang${serial}@kl.edu.tw`,
    mobile: `09120000${String(serial % 100).padStart(2, '0')}`,
    schoolId: dir.schoolA,
    identityType: 'teacher',
    requestedTitles: ['導師'],
    requestsSchoolAdmin: false,
    ...overrides,
  };
  const { id } = await t.runtime.applications.submit(data, { ip: `192.0.2.${serial % 250}` });
  await t.runtime.applications.verify(id, {
    emailCode: codeIn(smtp.last(data.email).text),
    smsCode: codeIn(sms.last(data.mobile).text),
  });
  return { id, ...data };
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.issuer}/admin/api/v1${path}`, {
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

/** POSTs a console form with a CSRF token taken from the application's page. */
async function post(agent: HttpAgent, path: string, form: Record<string, string>) {
  const page = await agent.request('/admin/applications');
  return agent.request(path, { form: { csrf: csrfFrom(page.body), ...form } });
}

const auditOf = (targetId: string) =>
  db()('audit_log').where({ target_type: 'application', target_id: targetId }).orderBy('id');

const titlesOf = (accountId: string) =>
  db()('account_titles').where({ account_id: accountId }).orderBy('position').pluck('title');

const notices = () => smtp.messages.filter((m) => m.subject.includes('新帳號申請待審核'));

describe('the round trip through the console', () => {
  it('apply on the public form → reviewer e-mailed → 待審核列表 → 接受申請 → activation mail → account with titles in order', async () => {
    // the public form, both codes
    const applicant = new HttpAgent(t.issuer);
    const form = await applicant.request('/apply');
    const applied = await applicant.request('/apply', {
      form: {
        csrf: csrfFrom(form.body),
        real_name: '王大明',
        email: 'Wang.DM@kl.edu.tw',
        mobile: '0912-345-678',
        school_id: dir.schoolA,
        identity_type: 'teacher',
        titles: '導師',
        titles_other: '資訊組長',
        national_id: '',
        username: '',
      },
    });
    expect(applied.status).toBe(303);
    const verify = await applicant.request(applied.location!);
    const verified = await applicant.request(formActionFrom(verify.body, '/verify'), {
      form: {
        csrf: csrfFrom(verify.body),
        email_code: codeIn(smtp.last('wang.dm@kl.edu.tw').text),
        sms_code: codeIn(sms.last('0912345678').text),
      },
    });
    expect(verified.status).toBe(303);
    const id = /\/apply\/([0-9a-f-]{36})\//.exec(applied.location!)![1]!;

    // the school's admin is told, zh-TW first then English, with the review link; nobody else
    const notice = smtp.last(MAIL.adminA);
    expect(notice.subject).toBe(
      '教育網路單一帳號：新帳號申請待審核 / A new account application awaits review',
    );
    expect(notice.text).toContain(`${t.issuer}/admin/applications/${id}`);
    expect(notice.text).toMatch(/王大明[\s\S]*基隆市立暖暖國民小學[\s\S]*awaits your review/);
    expect(notices().map((m) => m.to)).toEqual([[MAIL.adminA]]);

    const a = await consoleLogin(t.issuer, 'admin-a');
    const list = await a.request('/admin/applications');
    expect(list.status).toBe(200);
    expect(list.body).toContain('<h1 class="admin-main__title">新帳號申請</h1>');
    expect(list.body).toContain('aria-current="page">新帳號申請</a>');
    expect(list.body).toContain('王大明');
    expect(list.body).toContain('教師、導師、資訊組長');
    expect(list.body).toContain('badge--warn">待審核');
    expect(list.body).toContain(`href="/admin/applications/${id}">審查詳細資訊</a>`);
    expect(list.body).toContain('1 - 1 / 1 (1)');

    const detail = await a.request(`/admin/applications/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('<h1 class="admin-main__title">審查詳細資訊</h1>');
    // the reviewing admin sees the contacts in full and when they were verified
    expect(detail.body).toContain('wang.dm@kl.edu.tw');
    expect(detail.body).toContain('0912345678');
    expect(detail.body).toContain('信箱驗證時間');
    expect(detail.body).toMatch(/<dt>手機驗證時間<\/dt><dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/dd>/);
    // the username the approval would give, editable; the titles in order, one per line
    expect(detail.body).toContain('name="username" type="text" value="wang.dm"');
    expect(detail.body).toContain('教師\n導師\n資訊組長</textarea>');
    expect(detail.body).not.toContain('national-id-conflict');

    const approved = await a.request(`/admin/applications/${id}/approve`, {
      form: { csrf: csrfFrom(detail.body), username: 'Wang.DaMing', titles: '資訊組長\n導師' },
    });
    expect(approved.status).toBe(302);
    expect(approved.location).toBe(`${t.issuer}/admin/applications/${id}`);
    const after = await a.request(approved.location!);
    expect(after.body).toContain('已接受申請，建立帳號 wang.daming，並寄出開通連結。');
    expect(after.body).toContain('badge--ok">已接受');
    expect(after.body).toMatch(/<dt>審核人<\/dt><dd>admin-a<\/dd>/);
    expect(after.body).not.toContain(`action="/admin/applications/${id}/approve"`);

    // the account, its titles in the admin's order with the identity title first
    const account = await db()('accounts').where({ username: 'wang.daming' }).first();
    expect(account).toMatchObject({ school_id: dir.schoolA, identity_type: 'teacher', status: 'active' });
    expect(after.body).toContain(`href="/admin/accounts/${account.id}"`);
    expect(await titlesOf(account.id)).toEqual(['教師', '資訊組長', '導師']);
    expect(await db()('role_assignments').where({ account_id: account.id })).toEqual([]);

    // the applicant's one-time activation link
    const activation = smtp.last('wang.dm@kl.edu.tw');
    expect(activation.subject).toContain('帳號申請已核准');
    expect(activation.text).toContain('帳號：wang.daming');
    expect(activation.text).toMatch(new RegExp(`${t.issuer}/account/activate/[A-Za-z0-9_-]{43}`));

    // one audit entry, atomic with the decision, with no secret in it
    const [entry, ...more] = await auditOf(id);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      action: 'application.approve',
      actor_username: 'admin-a',
      actor_id: ids.adminA,
      via: 'console',
      org_id: dir.schoolA,
      before: {
        status: 'pending',
        requested_username: null,
        requested_titles: ['教師', '導師', '資訊組長'],
        requests_school_admin: false,
      },
      after: {
        status: 'approved',
        account_id: account.id,
        username: 'wang.daming',
        titles: ['教師', '資訊組長', '導師'],
        school_admin_role: false,
      },
    });

    // out of the 待審核列表, in the approved one
    expect((await a.request('/admin/applications')).body).toContain('沒有符合條件的資料。');
    const done = await a.request('/admin/applications?status=approved');
    expect(done.body).toContain('王大明');
    expect(done.body).toContain('badge--ok">已接受');
    expect((await a.request('/admin/applications?status=')).body).toContain('王大明');
  });

  it('rejects only with a reason, e-mails the reason and writes the audit entry', async () => {
    const app = await pending({ realName: '陳小美' });
    const a = await consoleLogin(t.issuer, 'admin-a');
    const empty = await post(a, `/admin/applications/${app.id}/reject`, { reason: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('請填寫退回原因。');
    expect(empty.body).toMatch(/id="field-reason"[^>]*aria-invalid="true"/);
    // the approve form is still there with its defaults
    expect(empty.body).toContain('name="username" type="text" value="wang');

    const tooLong = await post(a, `/admin/applications/${app.id}/reject`, { reason: '長'.repeat(1001) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('退回原因請在 1000 字以內。');
    expect(tooLong.body).toContain(`${'長'.repeat(1001)}</textarea>`);
    expect(await auditOf(app.id)).toEqual([]);

    const rejected = await post(a, `/admin/applications/${app.id}/reject`, {
      reason: '非本校教職員，請向任職學校申請。',
    });
    expect(rejected.status).toBe(302);
    const page = await a.request(rejected.location!);
    expect(page.body).toContain('已退回申請，並以電子郵件通知申請人。');
    expect(page.body).toContain('badge--error">已退回');
    expect(page.body).toMatch(/<dt>退回原因<\/dt><dd>非本校教職員，請向任職學校申請。<\/dd>/);

    const mail = smtp.last(app.email);
    expect(mail.subject).toContain('帳號申請未核准');
    expect(mail.text).toContain('原因：非本校教職員，請向任職學校申請。');
    expect(await auditOf(app.id)).toEqual([
      expect.objectContaining({
        action: 'application.reject',
        actor_username: 'admin-a',
        org_id: dir.schoolA,
        before: expect.objectContaining({ status: 'pending' }),
        after: { status: 'rejected', reason: '非本校教職員，請向任職學校申請。' },
      }),
    ]);
    expect(await db()('accounts').where({ email: app.email }).first()).toBeUndefined();

    // a second decision: the message on the page, nothing changes
    const again = await post(a, `/admin/applications/${app.id}/approve`, { username: '', titles: '' });
    expect(again.status).toBe(409);
    expect(again.body).toContain('這份申請已經審核過了。');
    expect(await auditOf(app.id)).toHaveLength(1);
  });

  it('re-renders the approve form with the message and the input kept, deciding nothing', async () => {
    const app = await pending({ requestedUsername: 'wangdm', realName: '<b>王</b>' });
    const a = await consoleLogin(t.issuer, 'admin-a');
    const detail = await a.request(`/admin/applications/${app.id}`);
    // markup typed by an applicant stays text
    expect(detail.body).toContain('&lt;b&gt;王&lt;/b&gt;');
    expect(detail.body).not.toContain('<b>王</b>');
    expect(detail.body).toContain('name="username" type="text" value="wangdm"');

    const taken = await post(a, `/admin/applications/${app.id}/approve`, {
      username: 'admin-b',
      titles: '資訊組長\n設備組長',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toContain('這個帳號已有人使用，請指定其他帳號。');
    expect(taken.body).toContain('name="username" type="text" value="admin-b"');
    expect(taken.body).toMatch(/id="field-username"[^>]*aria-invalid="true"/);
    expect(taken.body).toContain('資訊組長\n設備組長</textarea>');

    const bad = await post(a, `/admin/applications/${app.id}/approve`, { username: 'Bad Name!', titles: '' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('帳號須為 2–64 個英文小寫字母');
    expect(bad.body).toContain('value="Bad Name!"');

    const longTitle = await post(a, `/admin/applications/${app.id}/approve`, {
      username: 'wangdm',
      titles: '職'.repeat(31),
    });
    expect(longTitle.status).toBe(400);
    expect(longTitle.body).toContain('職稱最多 20 個，每個 30 字以內。');
    expect(longTitle.body).toMatch(/id="field-titles"[^>]*aria-invalid="true"/);

    // the relay refuses the activation mail: nothing is decided, the form says so
    smtp.refuseNext();
    const down = await post(a, `/admin/applications/${app.id}/approve`, { username: 'wangdm', titles: '' });
    expect(down.status).toBe(502);
    expect(down.body).toContain('通知信無法寄出，申請沒有變更。');

    expect(await db()('accounts').where({ username: 'wangdm' }).first()).toBeUndefined();
    expect(await auditOf(app.id)).toEqual([]);
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');

    // an empty titles box: only the identity title
    const ok = await post(a, `/admin/applications/${app.id}/approve`, { username: '', titles: '' });
    expect(ok.status).toBe(302);
    const account = await db()('accounts').where({ username: 'wangdm' }).first();
    expect(await titlesOf(account.id)).toEqual(['教師']);
  });

  it('warns of a national ID that already has an account, links to it, and refuses the approval', async () => {
    const nationalId = fakeNationalId('A', '1');
    const holder = await createMember(t.runtime, { username: 't-holder', schoolId: dir.schoolA });
    const sealed = sealNationalId(t.runtime.box, nationalId);
    await db()('accounts').where({ id: holder.id }).update({
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });
    const app = await pending({ nationalId });
    const a = await consoleLogin(t.issuer, 'admin-a');

    const list = await a.request('/admin/applications');
    expect(list.body).toContain(sealed.masked);
    expect(list.body).toContain('身分證字號已有帳號');
    const detail = await a.request(`/admin/applications/${app.id}`);
    expect(detail.body).toContain('id="national-id-conflict"');
    expect(detail.body).toContain(`href="/admin/accounts/${holder.id}"`);
    expect(detail.body).toContain(sealed.masked);
    expect(detail.body).not.toContain(nationalId);

    const refused = await post(a, `/admin/applications/${app.id}/approve`, { username: '', titles: '' });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('此身分證字號已有帳號（一人一帳號）。');
    expect(await auditOf(app.id)).toEqual([]);
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');
  });

  it('pages and filters the list, and speaks English with ?lang=en', async () => {
    for (let i = 0; i < 11; i++) await pending({ realName: `申請人${String(i).padStart(2, '0')}` });
    const a = await consoleLogin(t.issuer, 'admin-a');
    const first = await a.request('/admin/applications');
    expect(first.body).toContain('1 - 10 / 11 (11)');
    expect(first.body).toContain('申請人00');
    expect(first.body).not.toContain('申請人10');
    expect(first.body).toContain('rel="next" href="/admin/applications?status=pending&amp;page=2"');
    const second = await a.request('/admin/applications?status=pending&page=2');
    expect(second.body).toContain('11 - 11 / 11 (11)');
    expect(second.body).toContain('申請人10');
    expect((await a.request('/admin/applications?status=rejected')).body).toContain('沒有符合條件的資料。');
    // a school filter naming a school the admin does not administer matches nothing
    const other = await a.request(`/admin/applications?status=&school_id=${dir.schoolB}`);
    expect(other.body).toContain('沒有符合條件的資料。');

    const en = await a.request('/admin/applications?lang=en');
    expect(en.body).toContain('<h1 class="admin-main__title">Account applications</h1>');
    expect(en.body).toContain('>Review</a>');
    expect(en.body).toContain('Reset filters');
  });

  it('lists no application still waiting for its codes, and does not show one by id', async () => {
    const { id } = await t.runtime.applications.submit(
      {
        realName: '未驗證',
        email: 'draft@kl.edu.tw',
        mobile: '0987654321',
        schoolId: dir.schoolA,
        identityType: 'staff',
        requestedTitles: [],
        requestsSchoolAdmin: false,
      },
      { ip: '198.51.100.7' },
    );
    const a = await consoleLogin(t.issuer, 'admin-a');
    expect((await a.request('/admin/applications?status=')).body).not.toContain('未驗證');
    expect((await a.request(`/admin/applications/${id}`)).status).toBe(404);
    expect(notices()).toEqual([]);
  });
});

describe('school-admin requests are the county admin’s', () => {
  it('are invisible to the school admin and decided by the county admin, who grants the role', async () => {
    const app = await pending({ requestsSchoolAdmin: true, realName: '張主任', identityType: 'staff' });
    // the county admins are told, not the school's
    expect(notices().map((m) => m.to)).toEqual([[MAIL.county]]);
    expect(smtp.last(MAIL.county).text).toContain('另申請：學校管理者權限');

    const a = await consoleLogin(t.issuer, 'admin-a');
    expect((await a.request('/admin/applications?status=')).body).not.toContain('張主任');
    const hidden = await a.request(`/admin/applications/${app.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toContain('找不到資料，或您沒有檢視的權限。');
    const forged = await post(a, `/admin/applications/${app.id}/approve`, { username: '', titles: '' });
    expect(forged.status).toBe(404);
    const tokenA = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    expect((await api(tokenA, 'GET', '/applications?status=all')).json.items).toEqual([]);
    expect((await api(tokenA, 'GET', `/applications/${app.id}`)).status).toBe(404);
    expect((await api(tokenA, 'POST', `/applications/${app.id}/approve`, {})).status).toBe(404);
    expect((await api(tokenA, 'POST', `/applications/${app.id}/reject`, { reason: 'x' })).status).toBe(404);
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');

    const c = await consoleLogin(t.issuer, 'county');
    const list = await c.request('/admin/applications');
    expect(list.body).toContain('張主任');
    expect(list.body).toContain('申請學校管理者');
    // the county admin reviews every school of the county: the school filter is offered
    expect(list.body).toContain('id="filter-school_id"');
    expect((await c.request(`/admin/applications?school_id=${dir.schoolB}`)).body).not.toContain('張主任');
    const detail = await c.request(`/admin/applications/${app.id}`);
    expect(detail.body).toMatch(/<dt>審核者<\/dt><dd>縣市管理者<\/dd>/);
    const approved = await c.request(`/admin/applications/${app.id}/approve`, {
      form: { csrf: csrfFrom(detail.body), username: 'chang', titles: '總務主任' },
    });
    expect(approved.status).toBe(302);

    const account = await db()('accounts').where({ username: 'chang' }).first();
    expect(await titlesOf(account.id)).toEqual(['職員', '總務主任']);
    expect(await db()('role_assignments').where({ account_id: account.id })).toEqual([
      expect.objectContaining({ role: 'school_admin', org_id: dir.schoolA, granted_by: ids.county }),
    ]);
    expect(await auditOf(app.id)).toEqual([
      expect.objectContaining({
        action: 'application.approve',
        actor_username: 'county',
        after: expect.objectContaining({ school_admin_role: true, username: 'chang' }),
      }),
    ]);
  });

  it('reach the county admins when the school has no admin to tell', async () => {
    await db()('role_assignments').where({ account_id: ids.adminB }).delete();
    await pending({ schoolId: dir.schoolB });
    expect(notices().map((m) => m.to)).toEqual([[MAIL.county]]);
  });

  it('tell only admins with a verified e-mail, and a refused notice leaves the application pending', async () => {
    await db()('accounts').where({ id: ids.adminA }).update({ email_verified: false });
    await pending();
    // nobody verified at school A: the county is told instead
    expect(notices().map((m) => m.to)).toEqual([[MAIL.county]]);

    smtp.clear();
    const data = {
      realName: '李老師',
      email: 'lee@kl.edu.tw',
      mobile: '0955123456',
      schoolId: dir.schoolB,
      identityType: 'teacher' as const,
      requestedTitles: [],
      requestsSchoolAdmin: false,
    };
    const { id } = await t.runtime.applications.submit(data, { ip: '198.51.100.8' });
    const emailCode = codeIn(smtp.last(data.email).text);
    smtp.refuseNext();
    const view = await t.runtime.applications.verify(id, {
      emailCode,
      smsCode: codeIn(sms.last(data.mobile).text),
    });
    expect(view.status).toBe('pending');
    expect(notices()).toEqual([]);
    const b = await consoleLogin(t.issuer, 'admin-b');
    expect((await b.request('/admin/applications')).body).toContain('李老師');
  });
});

describe('another school sees nothing', () => {
  it("keeps B's admin away from A's applications: console and API, list and id", async () => {
    const app = await pending({ realName: '暖暖的申請人' });
    const b = await consoleLogin(t.issuer, 'admin-b');
    for (const path of [
      '/admin/applications',
      '/admin/applications?status=',
      `/admin/applications?school_id=${dir.schoolA}`,
    ]) {
      const list = await b.request(path);
      expect(list.status).toBe(200);
      expect(list.body).not.toContain('暖暖的申請人');
    }
    expect((await b.request(`/admin/applications/${app.id}`)).status).toBe(404);
    const approve = await post(b, `/admin/applications/${app.id}/approve`, {
      username: 'x-steal',
      titles: '',
    });
    expect(approve.status).toBe(404);
    const reject = await post(b, `/admin/applications/${app.id}/reject`, { reason: '不是本校' });
    expect(reject.status).toBe(404);

    const token = await adminApiToken(t.runtime, t.issuer, 'admin-b');
    const list = await api(token, 'GET', '/applications?status=all');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ items: [], total: 0 });
    expect((await api(token, 'GET', `/applications?school_id=${dir.schoolA}`)).json.total).toBe(0);
    const byId = await api(token, 'GET', `/applications/${app.id}`);
    expect(byId.status).toBe(404);
    expect(byId.json.error).toBe('admin.not_found');
    expect(
      (await api(token, 'POST', `/applications/${app.id}/approve`, { username: 'x-steal' })).status,
    ).toBe(404);
    expect((await api(token, 'POST', `/applications/${app.id}/reject`, { reason: '不是本校' })).status).toBe(
      404,
    );

    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');
    expect(await db()('accounts').where({ username: 'x-steal' }).first()).toBeUndefined();
    expect(await auditOf(app.id)).toEqual([]);
  });

  it('hides the menu entry and the list from a teacher', async () => {
    const teacher = await createMember(t.runtime, { username: 't-lin', schoolId: dir.schoolA });
    const [cls] = await db()('school_classes')
      .insert({
        school_id: dir.schoolA,
        school_year: 115,
        semester: 1,
        grade: 3,
        class_no: 1,
        title: '三年一班',
      })
      .returning('id');
    await db()('class_teachers').insert({ class_id: cls.id, account_id: teacher.id });
    const app = await pending();
    const agent = await consoleLogin(t.issuer, 't-lin');
    const home = await agent.request('/admin');
    expect(home.body).not.toContain('href="/admin/applications"');
    expect((await agent.request('/admin/applications?status=')).body).toContain('沒有符合條件的資料。');
    expect((await agent.request(`/admin/applications/${app.id}`)).status).toBe(404);
  });
});

describe('/admin/api/v1/applications', () => {
  it('lists, reads, approves and rejects with an admin token', async () => {
    const nationalId = fakeNationalId('B', '2');
    const first = await pending({ realName: '甲', nationalId, requestedUsername: 'jia' });
    const second = await pending({ realName: '乙', identityType: 'other', requestedTitles: ['志工'] });
    const token = await adminApiToken(t.runtime, t.issuer, 'admin-a');

    const list = await api(token, 'GET', '/applications');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ total: 2, offset: 0, limit: 50 });
    expect(list.json.items.map((i: { real_name: string }) => i.real_name)).toEqual(['甲', '乙']);
    expect(list.json.items[0]).toMatchObject({
      id: first.id,
      status: 'pending',
      reviewer: 'school',
      email: first.email,
      mobile: first.mobile,
      school: { id: dir.schoolA, code: '173637', name: '基隆市立暖暖國民小學' },
      identity_type: 'teacher',
      requested_titles: ['教師', '導師'],
      requested_username: 'jia',
      national_id_masked: `${nationalId.slice(0, 3)}****${nationalId.slice(-3)}`,
      national_id_account_id: null,
      can_decide: true,
    });
    expect(list.text).not.toContain(nationalId);
    expect(list.text).not.toMatch(/sealed|hash/i);
    const paged = await api(token, 'GET', '/applications?limit=1&offset=1');
    expect(paged.json).toMatchObject({ total: 2, limit: 1, offset: 1, items: [{ id: second.id }] });

    const one = await api(token, 'GET', `/applications/${first.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: first.id, submitted_at: expect.any(String), decided_by: null });

    const approved = await api(token, 'POST', `/applications/${first.id}/approve`, {
      titles: ['資訊組長', '導師'],
    });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({
      account: { username: 'jia' },
      activation_sent: true,
      application: { status: 'approved', decided_by: 'admin-a', can_decide: false },
    });
    expect(await titlesOf(approved.json.account.id)).toEqual(['教師', '資訊組長', '導師']);
    expect(smtp.last(first.email).text).toContain('/account/activate/');

    expect((await api(token, 'POST', `/applications/${second.id}/reject`, {})).status).toBe(400);
    expect(
      (await api(token, 'POST', `/applications/${second.id}/reject`, { reason: ' ' })).json,
    ).toMatchObject({
      error: 'application.reason_required',
    });
    const rejected = await api(token, 'POST', `/applications/${second.id}/reject`, { reason: '資料不完整' });
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({ status: 'rejected', decision_reason: '資料不完整' });
    expect(smtp.last(second.email).text).toContain('原因：資料不完整');

    const again = await api(token, 'POST', `/applications/${second.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('application.already_decided');
    expect((await api(token, 'POST', `/applications/${second.id}/approve`, { nope: 1 })).status).toBe(400);
    expect((await api(token, 'GET', '/applications?status=bogus')).status).toBe(400);

    const decided = await api(token, 'GET', '/applications?status=all');
    expect(decided.json.items.map((i: { status: string }) => i.status)).toEqual(['approved', 'rejected']);
    expect((await api(token, 'GET', '/applications')).json.total).toBe(0);

    const audit = await db()('audit_log').where({ target_type: 'application' }).orderBy('id');
    expect(audit.map((e) => [e.action, e.target_id, e.via, e.org_id])).toEqual([
      ['application.approve', first.id, 'api', dir.schoolA],
      ['application.reject', second.id, 'api', dir.schoolA],
    ]);
    expect(JSON.stringify(audit)).not.toContain(nationalId);
  });

  it('reports an unknown id as not found and a username taken as a conflict', async () => {
    const token = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    expect((await api(token, 'GET', '/applications/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api(token, 'GET', '/applications/nope')).status).toBe(404);
    const app = await pending();
    const taken = await api(token, 'POST', `/applications/${app.id}/approve`, { username: 'admin-b' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toBe('application.username_taken');
    const spec = (await (await fetch(`${t.issuer}/admin/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/admin/api/v1/applications',
        '/admin/api/v1/applications/{id}',
        '/admin/api/v1/applications/{id}/approve',
        '/admin/api/v1/applications/{id}/reject',
      ]),
    );
  });
});
