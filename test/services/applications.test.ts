/**
 * The application service the admin console calls: the pending list, approval (account,
 * titles, role, activation mail), rejection (reason by mail), and the errors a decision can
 * meet. Real Postgres, Redis, SMTP and SMS gateway; no mocks.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { insertApprovedAccount } from '../../src/adapters/db/applications.js';
import { createMailer } from '../../src/adapters/mail/index.js';
import { createSmsSender } from '../../src/adapters/sms/index.js';
import type { Runtime } from '../../src/runtime.js';
import type { ApplicationInput } from '../../src/services/applications.js';
import { sealNationalId, withCheckDigit } from '../../src/services/national-id.js';
import { createVerificationCodeService } from '../../src/services/verification-codes.js';
import { useTestInstance } from '../helpers/app.js';
import { createAccount } from '../helpers/fixtures.js';
import { codeIn, startSmsCapture } from '../helpers/sms-capture.js';
import { parseMail, startSmtpCapture } from '../helpers/smtp-capture.js';

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

let schools: { a: string; b: string; county: string };
let actorId: string;

async function seedSchools(runtime: Runtime) {
  const [county] = await runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'KL', name: '基隆市' })
    .returning('id');
  const [a, b] = await runtime
    .db('organizations')
    .insert([
      { kind: 'school', code: '173601', name: '中正國小', level: 'elementary', parent_id: county.id },
      { kind: 'school', code: '173501', name: '中正國中', level: 'junior', parent_id: county.id },
    ])
    .returning('id');
  return { a: a.id as string, b: b.id as string, county: county.id as string };
}

beforeEach(async () => {
  smtp.clear();
  sms.clear();
  schools = await seedSchools(t.runtime);
  actorId = (await createAccount(t.runtime, { username: 'kladmin' })).id;
});

let serial = 0;
function input(overrides: Partial<ApplicationInput> = {}): ApplicationInput {
  serial++;
  return {
    realName: '林小華',
    email: `lin${serial}@kl.edu.tw`,
    mobile: `09330000${String(serial % 100).padStart(2, '0')}`,
    schoolId: schools.a,
    identityType: 'staff',
    requestedTitles: ['資訊組長'],
    requestsSchoolAdmin: false,
    ...overrides,
  };
}

/** Submits through the service and enters both codes: a pending application. */
async function pending(overrides: Partial<ApplicationInput> = {}) {
  const data = input(overrides);
  const { id } = await t.runtime.applications.submit(data, { ip: '192.0.2.10' });
  await t.runtime.applications.verify(id, {
    emailCode: codeIn(smtp.last(data.email).text),
    smsCode: codeIn(sms.last(data.mobile).text),
  });
  return { id, ...data };
}

describe('listApplications', () => {
  it('filters by school, status and school-admin request, pages, and never returns the sealed ID', async () => {
    const nationalId = withCheckDigit('B20000003');
    const first = await pending({ nationalId });
    const second = await pending({ schoolId: schools.b, requestsSchoolAdmin: true });
    const draft = await t.runtime.applications.submit(input(), { ip: '192.0.2.10' });

    const all = await t.runtime.applications.listApplications({ schoolIds: 'all', limit: 50, offset: 0 });
    expect(all.total).toBe(3);
    // oldest submission first, the unsubmitted draft last
    expect(all.rows.map((r) => r.id)).toEqual([first.id, second.id, draft.id]);

    const ofA = await t.runtime.applications.listApplications({
      schoolIds: [schools.a],
      status: 'pending',
      limit: 50,
      offset: 0,
    });
    expect(ofA.rows.map((r) => r.id)).toEqual([first.id]);
    expect(ofA.rows[0]).toMatchObject({
      schoolName: '中正國小',
      schoolCode: '173601',
      countyId: schools.county,
      nationalIdMasked: `${nationalId.slice(0, 3)}****${nationalId.slice(-3)}`,
      nationalIdAccountId: null,
      reviewer: 'school',
    });
    const keys = Object.keys(ofA.rows[0]!);
    expect(keys).not.toContain('nationalIdSealed');
    expect(keys).not.toContain('nationalIdHash');
    expect(JSON.stringify(ofA.rows)).not.toContain(nationalId);

    const county = await t.runtime.applications.listApplications({
      requestsSchoolAdmin: true,
      limit: 50,
      offset: 0,
    });
    expect(county.rows.map((r) => [r.id, r.reviewer])).toEqual([[second.id, 'county']]);

    expect(
      (await t.runtime.applications.listApplications({ schoolIds: [], limit: 50, offset: 0 })).total,
    ).toBe(0);
    const page2 = await t.runtime.applications.listApplications({ limit: 1, offset: 1 });
    expect(page2).toMatchObject({ total: 3, rows: [{ id: second.id }] });
    expect(
      (await t.runtime.applications.listApplications({ status: ['unverified'], limit: 50, offset: 0 })).rows,
    ).toEqual([expect.objectContaining({ id: draft.id, status: 'unverified', submittedAt: null })]);
  });

  it('getApplication returns one application, and undefined for an unknown or malformed id', async () => {
    const app = await pending();
    expect(await t.runtime.applications.getApplication(app.id)).toMatchObject({
      id: app.id,
      status: 'pending',
    });
    expect(
      await t.runtime.applications.getApplication('00000000-0000-4000-8000-000000000000'),
    ).toBeUndefined();
    expect(await t.runtime.applications.getApplication('nope')).toBeUndefined();
  });
});

describe('approveApplication', () => {
  it('creates the account with its titles, role, sealed ID and verified contacts, and mails the link', async () => {
    const nationalId = withCheckDigit('C10000004');
    const app = await pending({
      identityType: 'teacher',
      requestedTitles: ['導師', '教師', '資訊組長'],
      requestsSchoolAdmin: true,
      requestedUsername: 'linxh',
      nationalId,
    });
    const { account } = await t.runtime.applications.approveApplication(app.id, { actorId });
    expect(account).toMatchObject({
      username: 'linxh',
      name: '林小華',
      email: app.email,
      emailVerified: true,
      mobile: app.mobile,
      mobileVerified: true,
      identityType: 'teacher',
      schoolId: schools.a,
      status: 'active',
      passwordHash: null,
      nationalIdMasked: `${nationalId.slice(0, 3)}****${nationalId.slice(-3)}`,
    });
    expect(account.nationalIdHash).toBe(sealNationalId(t.runtime.box, nationalId).hash);

    const titles = await t.runtime
      .db('account_titles')
      .where({ account_id: account.id })
      .orderBy('position')
      .pluck('title');
    expect(titles).toEqual(['教師', '導師', '資訊組長']);
    const roles = await t.runtime.db('role_assignments').where({ account_id: account.id });
    expect(roles).toEqual([
      expect.objectContaining({ role: 'school_admin', org_id: schools.a, granted_by: actorId }),
    ]);

    expect(await t.runtime.applications.getApplication(app.id)).toMatchObject({
      status: 'approved',
      decidedBy: actorId,
      accountId: account.id,
      nationalIdAccountId: null,
    });
    expect(await t.runtime.applications.getApplication(app.id).then((a) => a?.decidedAt)).toBeInstanceOf(
      Date,
    );

    const mail = smtp.last(app.email);
    expect(mail.text).toContain(`${t.issuer}/account/activate/`);
    const token = /\/account\/activate\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    // only the keyed hash is stored
    const [stored] = await t.runtime.db('account_tokens').where({ account_id: account.id });
    expect(stored).toMatchObject({ purpose: 'activate', used_at: null, created_by: actorId });
    expect(stored.token_hash).not.toContain(token);
    const ttl = (stored.expires_at.getTime() - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(7 * 24 * 3600);
  });

  it('uses the admin titles when given, the identity title still first', async () => {
    const app = await pending({ identityType: 'other', requestedTitles: ['志工'] });
    const { account } = await t.runtime.applications.approveApplication(app.id, {
      actorId,
      titles: ['家長', '其他'],
    });
    expect(account.username).toBe(app.email.split('@')[0]);
    const titles = await t.runtime.db('account_titles').where({ account_id: account.id }).orderBy('position');
    expect(titles.map((r) => r.title)).toEqual(['其他', '家長']);
    await expect(
      t.runtime.applications.approveApplication((await pending()).id, { actorId, titles: [''] }),
    ).rejects.toMatchObject({ code: 'application.titles_invalid' });
  });

  it('refuses a taken username until the admin gives another', async () => {
    await createAccount(t.runtime, { username: 'lin' });
    const app = await pending({ email: 'Lin+sso@kl.edu.tw' });
    await expect(t.runtime.applications.approveApplication(app.id, { actorId })).rejects.toMatchObject({
      code: 'application.username_taken',
      status: 409,
    });
    await expect(
      t.runtime.applications.approveApplication(app.id, { actorId, username: 'Bad Name!' }),
    ).rejects.toMatchObject({ code: 'application.username_invalid' });
    expect(await t.runtime.db('accounts').count({ n: '*' }).first()).toEqual({ n: 2 });
    expect(smtp.messages.filter((m) => m.subject.includes('核准'))).toHaveLength(0);
    const { account } = await t.runtime.applications.approveApplication(app.id, {
      actorId,
      username: 'Lin.XH',
    });
    expect(account.username).toBe('lin.xh');
  });

  it('refuses a national ID that already has an account (one person, one account)', async () => {
    const nationalId = withCheckDigit('D10000005');
    const other = await createAccount(t.runtime, { username: 'holder' });
    const sealed = sealNationalId(t.runtime.box, nationalId);
    await t.runtime.db('accounts').where({ id: other.id }).update({
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });
    const app = await pending({ nationalId });
    expect(await t.runtime.applications.getApplication(app.id)).toMatchObject({
      nationalIdAccountId: other.id,
    });
    await expect(t.runtime.applications.approveApplication(app.id, { actorId })).rejects.toMatchObject({
      code: 'national_id.taken',
      status: 409,
    });
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');
  });

  it('reports a username or national ID taken by a concurrent approval as a conflict, keeping the transaction', async () => {
    const nationalId = withCheckDigit('E10000006');
    const sealed = sealNationalId(t.runtime.box, nationalId);
    const base = {
      name: '林小華',
      email: 'lin@kl.edu.tw',
      mobile: '0933000000',
      identityType: 'staff' as const,
      schoolId: schools.a,
      nationalIdSealed: sealed.sealed,
      nationalIdHash: sealed.hash,
      nationalIdMasked: sealed.masked,
      titles: ['職員'],
      schoolAdmin: false,
      grantedBy: actorId,
    };
    await t.runtime.db.transaction(async (tx) => {
      const first = await insertApprovedAccount(tx, { ...base, username: 'lin' });
      expect(first).toMatchObject({ username: 'lin', nationalIdMasked: sealed.masked });
      expect(await insertApprovedAccount(tx, { ...base, username: 'kladmin' })).toEqual({
        conflict: 'username',
      });
      expect(await insertApprovedAccount(tx, { ...base, username: 'lin2' })).toEqual({
        conflict: 'national_id',
      });
      // the savepoint kept the outer transaction usable
      expect(await tx('accounts').where({ username: 'lin' }).first()).toBeDefined();
    });
    expect(await t.runtime.db('account_titles').pluck('title')).toEqual(['職員']);
  });

  it('refuses to decide twice or to decide an unverified application', async () => {
    const app = await pending();
    await t.runtime.applications.approveApplication(app.id, { actorId });
    await expect(t.runtime.applications.approveApplication(app.id, { actorId })).rejects.toMatchObject({
      code: 'application.already_decided',
    });
    await expect(
      t.runtime.applications.rejectApplication(app.id, { actorId, reason: '重複' }),
    ).rejects.toMatchObject({ code: 'application.already_decided' });
    const draft = await t.runtime.applications.submit(input(), { ip: '192.0.2.10' });
    await expect(t.runtime.applications.approveApplication(draft.id, { actorId })).rejects.toMatchObject({
      code: 'application.not_verified',
    });
    await expect(
      t.runtime.applications.approveApplication('00000000-0000-4000-8000-000000000000', { actorId }),
    ).rejects.toMatchObject({ code: 'application.not_found', status: 404 });
  });

  it('decides nothing when the activation mail cannot be sent', async () => {
    const app = await pending();
    smtp.refuseNext();
    await expect(t.runtime.applications.approveApplication(app.id, { actorId })).rejects.toMatchObject({
      code: 'messaging.send_failed',
    });
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('pending');
    expect(await t.runtime.accounts.findByUsername(app.email)).toBeUndefined();
    expect(await t.runtime.db('account_tokens').count({ n: '*' }).first()).toEqual({ n: 0 });
    await t.runtime.applications.approveApplication(app.id, { actorId });
    expect((await t.runtime.applications.getApplication(app.id))?.status).toBe('approved');
  });
});

describe('rejectApplication', () => {
  it('needs a reason and e-mails it to the applicant', async () => {
    const app = await pending();
    await expect(
      t.runtime.applications.rejectApplication(app.id, { actorId, reason: '  ' }),
    ).rejects.toMatchObject({
      code: 'application.reason_required',
    });
    const rejected = await t.runtime.applications.rejectApplication(app.id, {
      actorId,
      reason: '非本校教職員，請洽任職學校申請。',
    });
    expect(rejected).toMatchObject({
      status: 'rejected',
      decidedBy: actorId,
      decisionReason: '非本校教職員，請洽任職學校申請。',
      accountId: null,
    });
    const mail = smtp.last(app.email);
    expect(mail.subject).toContain('未核准');
    expect(mail.text).toContain('原因：非本校教職員，請洽任職學校申請。');
    expect(mail.text).toContain('Reason: 非本校教職員');
    expect(await t.runtime.db('accounts').count({ n: '*' }).first()).toEqual({ n: 1 });
  });
});

describe('verification codes', () => {
  it('spends a code after five wrong tries, even for the right code after them', async () => {
    const data = input();
    const { id } = await t.runtime.applications.submit(data, { ip: '192.0.2.10' });
    const right = codeIn(sms.last(data.mobile).text);
    const wrong = right === '123450' ? '123451' : '123450';
    for (let i = 1; i <= 5; i++) {
      await expect(t.runtime.applications.verify(id, { smsCode: wrong })).rejects.toMatchObject({
        fields: { sms_code: i < 5 ? 'verification.invalid' : 'verification.too_many_attempts' },
      });
    }
    await expect(t.runtime.applications.verify(id, { smsCode: right })).rejects.toMatchObject({
      fields: { sms_code: 'verification.too_many_attempts' },
    });
    // an empty field is not a try
    await expect(t.runtime.applications.verify(id, { emailCode: '' })).rejects.toMatchObject({
      fields: { email_code: 'verification.required' },
    });
    // the right e-mail code is kept although the SMS one still fails
    const err = await t.runtime.applications
      .verify(id, { emailCode: codeIn(smtp.last(data.email).text) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ fields: { sms_code: 'verification.required' } });
    expect((err as { fields: object }).fields).not.toHaveProperty('email_code');
    expect(await t.runtime.applications.getApplication(id)).toMatchObject({
      status: 'unverified',
      emailVerifiedAt: expect.any(Date),
      mobileVerifiedAt: null,
    });
  });

  it('stores only a keyed hash, and limits how many codes one subject gets', async () => {
    const codes = createVerificationCodeService(t.runtime.shortLived, t.runtime.box, {
      ttl: 600,
      resendInterval: 0,
      maxSends: 2,
    });
    const code = await codes.issue('subject-1', 'email');
    expect(code).toMatch(/^\d{6}$/);
    const stored = await t.runtime.shortLived.find('VerificationCode', 'email:subject-1');
    expect(JSON.stringify(stored)).not.toContain(code);
    // the code is bound to its subject and channel
    await expect(codes.verify('subject-2', 'email', code)).rejects.toMatchObject({
      code: 'verification.expired',
    });
    await expect(codes.verify('subject-1', 'sms', code)).rejects.toMatchObject({
      code: 'verification.expired',
    });
    const again = await codes.issue('subject-1', 'email');
    await expect(codes.issue('subject-1', 'email')).rejects.toMatchObject({
      code: 'verification.send_limit',
    });
    if (again !== code) {
      await expect(codes.verify('subject-1', 'email', code)).rejects.toMatchObject({
        code: 'verification.invalid',
      });
    }
    await codes.verify('subject-1', 'email', again);
    await expect(codes.verify('subject-1', 'email', again)).rejects.toMatchObject({
      code: 'verification.expired',
    });
  });

  it('keeps nothing when the SMS gateway fails, and the applicant may try again', async () => {
    sms.failNext(503);
    const data = input();
    await expect(t.runtime.applications.submit(data, { ip: '192.0.2.10' })).rejects.toMatchObject({
      code: 'messaging.send_failed',
    });
    expect(await t.runtime.db('account_applications').count({ n: '*' }).first()).toEqual({ n: 0 });
    await t.runtime.applications.submit(data, { ip: '192.0.2.10' });
    expect(sms.last(data.mobile).text).toMatch(/\d{6}/);
  });
});

describe('outbox transports (no SMTP_URL, SMS_PROVIDER=outbox)', () => {
  it('write each message to DATA_DIR/outbox, owner-only, as mail clients and people read them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'edu-idp-outbox-'));
    try {
      const config = {
        dataDir,
        mail: { smtpUrl: undefined, from: 'edu-idp <no-reply@sso.kl.edu.tw>' },
        sms: { provider: 'outbox' as const, httpUrl: undefined, httpToken: undefined },
      };
      await createMailer(config).send({
        to: 'lin@kl.edu.tw',
        subject: '驗證碼 / code',
        text: '您的驗證碼 123456',
      });
      await createSmsSender(config).send({ to: '0912345678', text: '654321 是您的驗證碼' });
      const dir = join(dataDir, 'outbox');
      const files = await readdir(dir);
      expect(files).toHaveLength(2);
      expect(files).toEqual(
        expect.arrayContaining([expect.stringMatching(/\.eml$/), expect.stringMatching(/\.sms\.txt$/)]),
      );
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const eml = await readFile(join(dir, files.find((f) => f.endsWith('.eml'))!), 'utf8');
      const { headers, text } = parseMail(eml);
      expect(headers.get('to')).toBe('lin@kl.edu.tw');
      expect(headers.get('from')).toContain('no-reply@sso.kl.edu.tw');
      expect(text).toContain('您的驗證碼 123456');
      const smsFile = files.find((f) => f.endsWith('.sms.txt'))!;
      expect((await stat(join(dir, smsFile))).mode & 0o777).toBe(0o600);
      expect(await readFile(join(dir, smsFile), 'utf8')).toMatch(
        /^To: 0912345678\n[\s\S]*654321 是您的驗證碼/,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
