/**
 * One-time account links through the real app: the activation link of an approved
 * application and an admin's reset link. Set-password form, policy, replay, expiry.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import Koa from 'koa';
import { createPagesRouter } from '../../src/pages/router.js';
import type { Runtime } from '../../src/runtime.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, silentAuthorization } from '../helpers/flow.js';
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

const NEW_PASSWORD = 'plum blossoms in the rain';
let actorId: string;

async function seedSchool(runtime: Runtime): Promise<string> {
  const [county] = await runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'KL', name: '基隆市' })
    .returning('id');
  const [school] = await runtime
    .db('organizations')
    .insert({ kind: 'school', code: '173601', name: '中正國小', level: 'elementary', parent_id: county.id })
    .returning('id');
  return school.id;
}

beforeEach(async () => {
  smtp.clear();
  sms.clear();
  actorId = (await createAccount(t.runtime, { username: 'kladmin' })).id;
});

/** An approved application; returns the account and the path of its activation link. */
async function approvedAccount() {
  const schoolId = await seedSchool(t.runtime);
  const email = 'chen.yl@kl.edu.tw';
  const mobile = '0955123456';
  const { id } = await t.runtime.applications.submit(
    {
      realName: '陳玉玲',
      email,
      mobile,
      schoolId,
      identityType: 'teacher',
      requestedTitles: [],
      requestsSchoolAdmin: false,
    },
    { ip: '192.0.2.20' },
  );
  await t.runtime.applications.verify(id, {
    emailCode: codeIn(smtp.last(email).text),
    smsCode: codeIn(sms.last(mobile).text),
  });
  const { account } = await t.runtime.applications.approveApplication(id, { actorId });
  const url = /(http:\/\/\S+\/account\/activate\/[A-Za-z0-9_-]+)/.exec(smtp.last(email).text)![1]!;
  return { account, path: new URL(url).pathname };
}

async function setPassword(agent: HttpAgent, path: string, password: string, confirm = password) {
  const form = await agent.request(path);
  expect(form.status).toBe(200);
  return agent.request(formActionFrom(form.body, '/account/'), {
    form: { csrf: csrfFrom(form.body), new_password: password, confirm_password: confirm },
  });
}

describe('GET/POST /account/activate/:token', () => {
  it('shows the account and sets the first password', async () => {
    const { account, path } = await approvedAccount();
    const agent = new HttpAgent(t.issuer);
    const form = await agent.request(path);
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    expect(form.body).toContain('啟用帳號');
    expect(form.body).toContain(`<strong>${account.username}</strong>`);

    const done = await setPassword(agent, path, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect(done.body).toContain('密碼已設定');
    const signedIn = await t.runtime.accounts.authenticatePassword(account.username, NEW_PASSWORD);
    expect(signedIn.id).toBe(account.id);
  });

  it('re-renders a weak or mismatched password, and the link still works afterwards', async () => {
    const { account, path } = await approvedAccount();
    const agent = new HttpAgent(t.issuer);
    const weak = await setPassword(agent, path, '12345678');
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('這個密碼太常見');
    expect(weak.body).toMatch(/id="new_password"[^>]*aria-invalid="true"/);
    const short = await setPassword(agent, path, 'short');
    expect(short.body).toContain('密碼至少需要 8 個字元');
    const withName = await setPassword(agent, path, `${account.username}-2026-pass`);
    expect(withName.body).toContain('密碼不可包含您的帳號');
    const mismatch = await setPassword(agent, path, NEW_PASSWORD, `${NEW_PASSWORD}!`);
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('兩次輸入的新密碼不一致');
    expect((await t.runtime.accounts.findById(account.id))?.passwordHash).toBeNull();

    expect((await setPassword(agent, path, NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a replay of a used link', async () => {
    const { path } = await approvedAccount();
    const agent = new HttpAgent(t.issuer);
    const form = await agent.request(path);
    const submit = (password: string) =>
      agent.request(formActionFrom(form.body, '/account/'), {
        form: { csrf: csrfFrom(form.body), new_password: password, confirm_password: password },
      });
    expect((await submit(NEW_PASSWORD)).status).toBe(200);
    const replay = await submit('another long passphrase here');
    expect(replay.status).toBe(410);
    expect(replay.body).toContain('這個連結已使用過或已失效');
    expect(replay.body).not.toContain('name="new_password"');
    const reopened = await agent.request(path);
    expect(reopened.status).toBe(410);
  });

  it('refuses an expired link', async () => {
    const { account, path } = await approvedAccount();
    await t.runtime
      .db('account_tokens')
      .where({ account_id: account.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const res = await new HttpAgent(t.issuer).request(path);
    expect(res.status).toBe(410);
    expect(res.body).toContain('這個連結已過期');
  });

  it('shows an unknown or malformed token as invalid, not as a server error', async () => {
    const agent = new HttpAgent(t.issuer);
    for (const token of ['x'.repeat(43), 'short', '%3Cscript%3E']) {
      const res = await agent.request(`/account/activate/${token}`);
      expect(res.status).toBe(404);
      expect(res.body).toContain('這個連結無效');
      expect(res.body).not.toContain('<script>');
    }
  });

  it('keeps the token out of the path the access log records', async () => {
    const { path } = await approvedAccount();
    const logged: string[] = [];
    const app = new Koa();
    app.keys = [...t.runtime.config.cookieKeys];
    app.use(async (ctx, next) => {
      await next();
      logged.push(ctx.path);
    });
    app.use(createPagesRouter({ ...t.runtime }).routes());
    const server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
      expect(res.status).toBe(200);
    } finally {
      server.close();
    }
    expect(logged).toEqual(['/account/activate/[token]']);
  });

  it('does not open an activation link on the reset path', async () => {
    const { path } = await approvedAccount();
    const res = await new HttpAgent(t.issuer).request(path.replace('/activate/', '/reset/'));
    expect(res.status).toBe(404);
  });
});

describe('GET/POST /account/reset/:token', () => {
  it('createResetLink mails a link that sets a new password and ends older links', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    const url = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    expect(url).toMatch(new RegExp(`^${t.issuer}/account/reset/[A-Za-z0-9_-]{43}$`));
    const mail = smtp.last('aa1234@kl.edu.tw');
    expect(mail.subject).toContain('重設密碼');
    expect(mail.text).toContain(url);

    // a newer link replaces the older one
    const newer = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    const agent = new HttpAgent(t.issuer);
    expect((await agent.request(new URL(url).pathname)).status).toBe(410);
    const form = await agent.request(new URL(newer).pathname);
    expect(form.body).toContain('重設密碼');
    const done = await agent.request(formActionFrom(form.body, '/account/reset/'), {
      form: { csrf: csrfFrom(form.body), new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
    });
    expect(done.status).toBe(200);
    await expect(t.runtime.accounts.authenticatePassword('aa1234', PASSWORD)).rejects.toMatchObject({
      code: 'password.invalid_credentials',
    });
    expect((await t.runtime.accounts.authenticatePassword('aa1234', NEW_PASSWORD)).id).toBe(account.id);
  });

  it('ends every OP session of the account once the new password is set', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    await createClient(t.runtime);
    const rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const browser = new HttpAgent(t.issuer);
    await loginAndGetTokens(t.issuer, rp, { username: 'aa1234', password: PASSWORD, agent: browser });
    await t.runtime.writer.flush();
    const silent = () => silentAuthorization(rp, browser);
    expect((await silent()).get('code')).toBeTruthy();

    const url = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    const done = await setPassword(new HttpAgent(t.issuer), new URL(url).pathname, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect((await silent()).get('error')).toBe('login_required');
  });

  it('refuses the old password as the new one', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    const url = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    const res = await setPassword(new HttpAgent(t.issuer), new URL(url).pathname, PASSWORD);
    expect(res.status).toBe(400);
    expect(res.body).toContain('新密碼不可與舊密碼相同');
  });

  it('returns the link without mail for an account without a verified address', async () => {
    const account = await createAccount(t.runtime, { username: 'bb5678' });
    await t.runtime.db('accounts').where({ id: account.id }).update({ email_verified: false });
    const url = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    expect(url).toContain('/account/reset/');
    expect(smtp.messages).toHaveLength(0);
    await expect(
      t.runtime.accountTokens.createResetLink('00000000-0000-4000-8000-000000000000', actorId),
    ).rejects.toMatchObject({ code: 'account_link.account_not_found' });
  });

  it('refuses a form without the CSRF token', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    const url = await t.runtime.accountTokens.createResetLink(account.id, actorId);
    const agent = new HttpAgent(t.issuer);
    await agent.request(new URL(url).pathname);
    const res = await agent.request(new URL(url).pathname, {
      form: { csrf: 'forged', new_password: NEW_PASSWORD, confirm_password: NEW_PASSWORD },
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('表單已逾時');
    expect(res.body).toContain('name="new_password"');
    expect(await t.runtime.db('account_tokens').whereNotNull('used_at').count({ n: '*' }).first()).toEqual({
      n: 0,
    });
  });
});
