/**
 * 新帳號申請 through the real app: the form, the two codes over real SMTP and the HTTP SMS
 * gateway, the pending list, approval, the activation link, and a normal login at the end.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Runtime } from '../../src/runtime.js';
import { maskNationalId, sealNationalId, withCheckDigit } from '../../src/services/national-id.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';
import { codeIn, startSmsCapture } from '../helpers/sms-capture.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';

const smtp = await startSmtpCapture();
const sms = await startSmsCapture();
const captureEnv = {
  SMTP_URL: smtp.url,
  MAIL_FROM: 'edu-idp <no-reply@sso.kl.edu.tw>',
  SMS_PROVIDER: 'http',
  SMS_HTTP_URL: sms.url,
  SMS_HTTP_TOKEN: sms.token,
};
const t = useTestInstance(captureEnv);
afterAll(async () => {
  await smtp.close();
  await sms.close();
});

const EMAIL = 'wang.dm@kl.edu.tw';
const MOBILE = '0912345678';
let schoolId: string;
let admin: { id: string };

async function seedSchools(runtime: Runtime) {
  const [county] = await runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'KL', name: '基隆市' })
    .returning('id');
  const [school] = await runtime
    .db('organizations')
    .insert({
      kind: 'school',
      code: '173601',
      name: '基隆市立中正國小',
      level: 'elementary',
      parent_id: county.id,
    })
    .returning('id');
  await runtime.db('organizations').insert({
    kind: 'school',
    code: '173501',
    name: '基隆市立中正國中',
    level: 'junior',
    parent_id: county.id,
  });
  return school.id as string;
}

beforeEach(async () => {
  smtp.clear();
  sms.clear();
  schoolId = await seedSchools(t.runtime);
  admin = await createAccount(t.runtime, { username: 'kladmin' });
});

function applicationForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    real_name: '王大明',
    email: 'Wang.DM@kl.edu.tw',
    mobile: '0912-345-678',
    school_id: schoolId,
    identity_type: 'teacher',
    titles: '導師',
    titles_other: '資訊組長、設備組長',
    national_id: '',
    username: '',
    ...overrides,
  };
}

/** GET /apply and POST it; returns the agent and the response to the POST. */
async function apply(overrides: Record<string, string> = {}, agent = new HttpAgent(t.issuer)) {
  const page = await agent.request('/apply');
  expect(page.status).toBe(200);
  const res = await agent.request('/apply', {
    form: { ...applicationForm(overrides), csrf: csrfFrom(page.body) },
  });
  return { agent, res };
}

/** Applies and enters both codes; returns the application id. */
async function applyAndVerify(overrides: Record<string, string> = {}) {
  const { agent, res } = await apply(overrides);
  expect(res.status).toBe(303);
  const verify = await agent.request(res.location!);
  const done = await agent.request(formActionFrom(verify.body, '/verify'), {
    form: {
      csrf: csrfFrom(verify.body),
      email_code: codeIn(smtp.last().text),
      sms_code: codeIn(sms.last().text),
    },
  });
  expect(done.status).toBe(303);
  return { agent, id: /\/apply\/([^/]+)\//.exec(res.location!)![1]! };
}

describe('GET /apply', () => {
  it('shows the form with the schools by level and the identity help, under the strict CSP', async () => {
    const res = await new HttpAgent(t.issuer).request('/apply');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toContain('<optgroup label="國小"><option value="');
    expect(res.body).toContain('基隆市立中正國中');
    expect(res.body).toContain('國中小學生請使用學籍資料申請');
    expect(res.body).toContain('其他身份：如志工、家長等僅需用無線（上網）認證之人員。');
    for (const title of ['教師', '導師', '資訊組長', '校長', '志工', '家長']) {
      expect(res.body).toContain(`name="titles" value="${title}"`);
    }
    expect(res.body).not.toMatch(/<script/i);
  });

  it('speaks English with ?lang=en', async () => {
    const res = await new HttpAgent(t.issuer).request('/apply?lang=en');
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Apply for an account');
    expect(res.body).toContain('(Homeroom teacher)');
  });
});

describe('the whole way: apply → codes → pending → approve → activation link → login', () => {
  it('creates the account and the applicant signs in with the password set from the link', async () => {
    const { agent, res } = await apply();
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/apply\/[0-9a-f-]{36}\/verify$/);

    // both codes went out, through real SMTP and the HTTP gateway with the bearer token
    const mail = smtp.last(EMAIL);
    expect(mail.from).toBe('no-reply@sso.kl.edu.tw');
    expect(mail.subject).toContain('驗證碼');
    expect(mail.text).toMatch(/信箱驗證碼[\s\S]*verification code/);
    const text = sms.last(MOBILE);
    expect(text.authorization).toBe(`Bearer ${sms.token}`);
    expect(text.contentType).toBe('application/json');
    expect(codeIn(text.text)).not.toBe(codeIn(mail.text));

    const verify = await agent.request(res.location!);
    expect(verify.status).toBe(200);
    expect(verify.body).toContain('w***@kl.edu.tw');
    expect(verify.body).toContain('0912***678');
    const submitted = await agent.follow(formActionFrom(verify.body, '/verify'), {
      form: { csrf: csrfFrom(verify.body), email_code: codeIn(mail.text), sms_code: codeIn(text.text) },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toContain('申請已送出');
    expect(submitted.body).toContain('基隆市立中正國小');

    // the school admin's pending list (待審核列表)
    const { rows, total } = await t.runtime.applications.listApplications({
      schoolIds: [schoolId],
      status: 'pending',
      limit: 20,
      offset: 0,
    });
    expect(total).toBe(1);
    const [application] = rows;
    expect(application).toMatchObject({
      realName: '王大明',
      email: EMAIL,
      mobile: MOBILE,
      identityType: 'teacher',
      requestedTitles: ['教師', '導師', '資訊組長', '設備組長'],
      reviewer: 'school',
      requestsSchoolAdmin: false,
    });
    expect(application!.submittedAt).toBeInstanceOf(Date);

    const { account, activationSent } = await t.runtime.applications.approveApplication(application!.id, {
      actorId: admin.id,
    });
    expect(activationSent).toBe(true);
    expect(account.username).toBe('wang.dm');

    const activation = smtp.last(EMAIL);
    expect(activation.subject).toContain('核准');
    expect(activation.text).toContain('帳號：wang.dm');
    const link = new URL(/(http:\/\/\S+\/account\/activate\/\S+)/.exec(activation.text)![1]!);
    expect(link.origin).toBe(t.issuer);

    const browser = new HttpAgent(t.issuer);
    const form = await browser.request(link.pathname);
    expect(form.status).toBe(200);
    expect(form.body).toContain('wang.dm');
    const password = 'a long passphrase for the new teacher';
    const done = await browser.request(formActionFrom(form.body, '/account/activate/'), {
      form: { csrf: csrfFrom(form.body), new_password: password, confirm_password: password },
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('密碼已設定');

    // and the new account signs in through the normal login
    await createClient(t.runtime, { first_party: true });
    const rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, rp, { username: 'wang.dm', password });
    expect(tokens.claims()?.sub).toBe(account.id);
  });
});

describe('POST /apply', () => {
  it('brings the form back with each bad field marked and everything typed kept, sending nothing', async () => {
    const { res } = await apply({
      email: 'not-an-email',
      mobile: '02-2345-6789',
      school_id: '',
      real_name: '<b>王</b>',
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('請輸入有效的電子郵件信箱。');
    expect(res.body).toContain('請輸入 09 開頭的 10 碼手機號碼。');
    expect(res.body).toContain('請選擇學校。');
    expect(res.body).toMatch(/id="email"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('value="not-an-email"');
    expect(res.body).toContain('value="02-2345-6789"');
    // typed markup comes back escaped, never as markup
    expect(res.body).toContain('value="&lt;b&gt;王&lt;/b&gt;"');
    expect(res.body).toContain('name="titles" value="導師" checked');
    expect(smtp.messages).toHaveLength(0);
    expect(sms.messages).toHaveLength(0);
    expect(await t.runtime.db('account_applications').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('accepts full-width digits and +886 and stores the number as 09xxxxxxxx', async () => {
    const { res } = await apply({ mobile: '+886 912 345 678', real_name: '　王大明　' });
    expect(res.status).toBe(303);
    expect(sms.last().to).toBe(MOBILE);
    const row = await t.runtime.db('account_applications').first();
    expect(row).toMatchObject({ mobile: MOBILE, email: EMAIL, real_name: '王大明', status: 'unverified' });
  });

  it('refuses a form without the CSRF token, keeping what was typed', async () => {
    const agent = new HttpAgent(t.issuer);
    await agent.request('/apply');
    const res = await agent.request('/apply', { form: { ...applicationForm(), csrf: 'forged' } });
    expect(res.status).toBe(403);
    expect(res.body).toContain('表單已逾時');
    expect(res.body).toContain('value="王大明"');
    expect(sms.messages).toHaveLength(0);
  });

  it('keeps nothing when the mail relay refuses the code, and says so', async () => {
    smtp.refuseNext();
    const { res } = await apply();
    expect(res.status).toBe(502);
    expect(res.body).toContain('信件或簡訊無法寄出');
    expect(res.body).toContain('value="Wang.DM@kl.edu.tw"');
    expect(await t.runtime.db('account_applications').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('does not reveal that a national ID already has an account (no enumeration)', async () => {
    const nationalId = withCheckDigit('A10000001');
    const existing = await createAccount(t.runtime, { username: 'olduser' });
    const sealed = sealNationalId(t.runtime.box, nationalId);
    await t.runtime.db('accounts').where({ id: existing.id }).update({
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });

    const taken = await apply({ national_id: nationalId.toLowerCase() });
    const fresh = await apply({
      national_id: withCheckDigit('A20000002'),
      email: 'other@kl.edu.tw',
      mobile: '0922000111',
    });
    // the same answer either way
    expect(taken.res.status).toBe(303);
    expect(fresh.res.status).toBe(303);
    const verify = await taken.agent.request(taken.res.location!);
    expect(verify.body).not.toMatch(/已有帳號|already has an account|national_id/);

    // the admin sees the conflict, masked (approval refuses it: test/services/applications.test.ts)
    const [row] = (await t.runtime.applications.listApplications({ limit: 10, offset: 0 })).rows.filter(
      (r) => r.email === EMAIL,
    );
    expect(row).toMatchObject({
      nationalIdMasked: maskNationalId(nationalId),
      nationalIdAccountId: existing.id,
    });
    expect(JSON.stringify(row)).not.toContain(nationalId);
  });

  it('flags a school-admin request for the county admin', async () => {
    const { id } = await applyAndVerify({ requests_school_admin: '1' });
    const forCounty = await t.runtime.applications.listApplications({
      status: 'pending',
      requestsSchoolAdmin: true,
      limit: 20,
      offset: 0,
    });
    expect(forCounty.rows.map((r) => r.id)).toEqual([id]);
    expect(forCounty.rows[0]).toMatchObject({ reviewer: 'county', requestsSchoolAdmin: true });
    const forSchool = await t.runtime.applications.listApplications({
      schoolIds: [schoolId],
      requestsSchoolAdmin: false,
      limit: 20,
      offset: 0,
    });
    expect(forSchool.total).toBe(0);
  });

  it('limits how many applications one address can start', async () => {
    for (let i = 0; i < 10; i++) {
      const { res } = await apply({
        email: `t${i}@kl.edu.tw`,
        mobile: `09120000${String(i).padStart(2, '0')}`,
      });
      expect(res.status).toBe(303);
    }
    const { res } = await apply({ email: 't10@kl.edu.tw', mobile: '0912000010' });
    expect(res.status).toBe(429);
    expect(res.body).toContain('嘗試次數過多');
    expect(res.body).toContain('value="t10@kl.edu.tw"');
  });
});

describe('POST /apply/:id/verify', () => {
  it('re-renders on a wrong code, keeps a right one, and submits once both are right', async () => {
    const { agent, res } = await apply();
    const verify = await agent.request(res.location!);
    const emailCode = codeIn(smtp.last().text);
    const smsCode = codeIn(sms.last().text);
    const wrong = smsCode === '000000' ? '000001' : '000000';
    const first = await agent.request(formActionFrom(verify.body, '/verify'), {
      form: { csrf: csrfFrom(verify.body), email_code: emailCode, sms_code: wrong },
    });
    expect(first.status).toBe(400);
    expect(first.body).toContain('驗證碼不正確');
    expect(first.body).toContain('信箱已完成驗證');
    expect(first.body).toMatch(/id="sms_code"[^>]*aria-invalid="true"/);
    expect(first.body).not.toContain('id="email_code"');
    const row = await t.runtime.db('account_applications').first();
    expect(row.status).toBe('unverified');
    expect(row.email_verified_at).toBeInstanceOf(Date);
    expect(row.mobile_verified_at).toBeNull();

    const second = await agent.follow(formActionFrom(first.body, '/verify'), {
      form: {
        csrf: csrfFrom(first.body),
        sms_code: ` ${[...smsCode].map((d) => String.fromCharCode(0xff10 + Number(d))).join('')} `,
      },
    });
    expect(second.status).toBe(200);
    expect(second.body).toContain('申請已送出');
    expect((await t.runtime.db('account_applications').first()).status).toBe('pending');
  });

  it('throttles code guessing with the shared login throttle: the right code waits too', async () => {
    const { agent, res } = await apply();
    let page = await agent.request(res.location!);
    const emailCode = codeIn(smtp.last().text);
    const smsCode = codeIn(sms.last().text);
    const wrong = (c: string) => (c === '000000' ? '000001' : '000000');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = await agent.request(formActionFrom(page.body, '/verify'), {
        form: { csrf: csrfFrom(page.body), email_code: wrong(emailCode), sms_code: wrong(smsCode) },
      });
      statuses.push(next.status);
      if (next.status === 200 || next.status >= 400) page = next;
    }
    // a handful of wrong codes re-render the form; then the address waits (429)
    expect(statuses.slice(0, 4)).toEqual([400, 400, 400, 400]);
    expect(statuses.slice(4).filter((st) => st === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses[5]).toBe(429);
    expect(page.body).toContain('嘗試次數過多');
    const right = await agent.request(formActionFrom(page.body, '/verify'), {
      form: { csrf: csrfFrom(page.body), email_code: emailCode, sms_code: smsCode },
    });
    expect(right.status).toBe(429);
    expect((await t.runtime.db('account_applications').first()).status).toBe('unverified');
  });

  it('throttles resending and says when it resent', async () => {
    const { agent, res } = await apply();
    const verify = await agent.request(res.location!);
    const resend = await agent.request(formActionFrom(verify.body, '/resend'), {
      form: { csrf: csrfFrom(verify.body), channel: 'sms' },
    });
    expect(resend.status).toBe(429);
    expect(resend.body).toContain('請稍候 60 秒');
    expect(sms.messages).toHaveLength(1);

    // a minute later (the stored code's send time moved back) it goes out, and only the new code works
    const id = /\/apply\/([^/]+)\//.exec(res.location!)![1]!;
    const entry = await t.runtime.shortLived.find('VerificationCode', `sms:${id}`);
    await t.runtime.shortLived.upsert(
      'VerificationCode',
      `sms:${id}`,
      { ...entry, sentAt: (entry!.sentAt as number) - 61 },
      600,
    );
    const oldCode = codeIn(sms.last().text);
    const again = await agent.follow(formActionFrom(resend.body, '/resend'), {
      form: { csrf: csrfFrom(resend.body), channel: 'sms' },
    });
    expect(again.url).toMatch(/\/verify\?sent=sms$/);
    expect(again.body).toContain('已重新傳送手機驗證碼');
    expect(sms.messages).toHaveLength(2);
    const newCode = codeIn(sms.last().text);
    if (newCode !== oldCode) {
      const stale = await agent.request(formActionFrom(again.body, '/verify'), {
        form: { csrf: csrfFrom(again.body), email_code: codeIn(smtp.last().text), sms_code: oldCode },
      });
      expect(stale.body).toContain('驗證碼不正確');
    }
    const done = await agent.follow(formActionFrom(again.body, '/verify'), {
      form: { csrf: csrfFrom(again.body), sms_code: newCode },
    });
    expect(done.body).toContain('申請已送出');
  });

  it('is bound to the browser that applied: another one cannot see or drive it', async () => {
    const { res } = await apply();
    const stranger = new HttpAgent(t.issuer);
    const page = await stranger.request(res.location!);
    expect(page.status).toBe(404);
    expect(page.body).toContain('找不到這份申請');
    const own = await stranger.request('/apply');
    const post = await stranger.request(res.location!, {
      form: {
        csrf: csrfFrom(own.body),
        email_code: codeIn(smtp.last().text),
        sms_code: codeIn(sms.last().text),
      },
    });
    expect(post.status).toBe(404);
    expect((await t.runtime.db('account_applications').first()).status).toBe('unverified');
  });

  it('answers an oversized form with a 413 page, not a server error', async () => {
    const { res } = await apply({ titles_other: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(res.body).toContain('輸入的資料不正確');
  });

  it('shows an unknown application as not found, not as a server error', async () => {
    const res = await new HttpAgent(t.issuer).request('/apply/not-a-uuid/verify');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('an expired code', () => {
  const short = useTestInstance({ ...captureEnv, VERIFICATION_CODE_TTL: '1' });

  it('is refused with a message to send a new one', async () => {
    await seedSchools(short.runtime);
    const school = await short.runtime.db('organizations').where({ code: '173601' }).first();
    const agent = new HttpAgent(short.issuer);
    const page = await agent.request('/apply');
    const res = await agent.request('/apply', {
      form: { ...applicationForm({ school_id: school.id }), csrf: csrfFrom(page.body) },
    });
    expect(res.status).toBe(303);
    const verify = await agent.request(res.location!);
    await new Promise((r) => setTimeout(r, 2100));
    const late = await agent.request(formActionFrom(verify.body, '/verify'), {
      form: {
        csrf: csrfFrom(verify.body),
        email_code: codeIn(smtp.last().text),
        sms_code: codeIn(sms.last().text),
      },
    });
    expect(late.status).toBe(400);
    expect(late.body).toContain('驗證碼已過期');
    expect((await short.runtime.db('account_applications').first()).status).toBe('unverified');
  });
});
