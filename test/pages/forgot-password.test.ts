/**
 * 忘記密碼 through the real app and a real SMTP server: the link goes to a verified address,
 * every other input gets the very same page, and the page is throttled.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { useTestInstance } from '../helpers/app.js';
import { createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, startAuthorization } from '../helpers/flow.js';
import { csrfFrom, HttpAgent } from '../helpers/http-agent.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';

const smtp = await startSmtpCapture();
const t = useTestInstance({ SMTP_URL: smtp.url, TRUST_PROXY: 'true' });
afterAll(async () => {
  await smtp.close();
});
beforeEach(() => {
  smtp.clear();
});

const ANSWER = '若您有已驗證的電子郵件，重設連結已寄出；學生請洽導師使用 passOne 一次登入';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function forgot(identifier: string, ip = '203.0.113.20', agent = new HttpAgent(t.issuer)) {
  const page = await agent.request('/account/forgot');
  expect(page.status).toBe(200);
  return agent.request('/account/forgot', {
    form: { identifier, csrf: csrfFrom(page.body) },
    headers: { 'x-forwarded-for': ip },
  });
}

async function mailTo(address: string) {
  for (let i = 0; i < 100 && !smtp.messages.some((m) => m.to.includes(address)); i++) await sleep(50);
  return smtp.last(address);
}

async function seedAccounts() {
  const verified = await createAccount(t.runtime, { username: 'aa1234' });
  await t.runtime.accounts.upsert({
    username: 'tc0001',
    password: PASSWORD,
    email: 'Wang.Teacher@example.edu.tw',
    emailVerified: true,
    name: '王老師',
  });
  await t.runtime.accounts.upsert({
    username: 'bb5678',
    password: PASSWORD,
    email: 'bb5678@example.com',
    emailVerified: false,
  });
  await t.runtime.accounts.upsert({
    username: '173601s00001',
    password: PASSWORD,
    identityType: 'student',
    name: '林小華',
  });
  return verified;
}

describe('GET /account/forgot', () => {
  it('is linked from the login page', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, {
      clientId: 'school-app',
      clientSecret: 'school-app-secret-0123456789abcdef',
    });
    const { url } = await startAuthorization(config, { username: '', password: '' });
    const login = await new HttpAgent(t.issuer).follow(url.href);
    expect(login.body).toContain('href="/account/forgot"');
    expect(login.body).toContain('忘記密碼？');
  });

  it('shows the form, both paths explained, in zh-TW and English', async () => {
    const zh = await new HttpAgent(t.issuer).request('/account/forgot');
    expect(zh.body).toContain('name="identifier"');
    expect(zh.body).toContain('passOne 一次登入');
    expect(zh.headers.get('content-security-policy')).toContain("default-src 'none'");
    const en = await new HttpAgent(t.issuer).request('/account/forgot?lang=en');
    expect(en.body).toContain('Forgot password');
  });
});

describe('POST /account/forgot', () => {
  it('mails a one-time reset link to a verified address that sets a new password', async () => {
    await seedAccounts();
    const res = await forgot('ＡＡ1234');
    expect(res.status).toBe(200);
    expect(res.body).toContain(ANSWER);
    const mail = await mailTo('aa1234@kl.edu.tw');
    expect(mail.text).toContain('忘記密碼');
    const link = /(http:\/\/\S+\/account\/reset\/[\w-]{43})/.exec(mail.text)?.[1];
    expect(link).toBeTruthy();
    const agent = new HttpAgent(t.issuer);
    const form = await agent.request(link!);
    expect(form.status).toBe(200);
    expect(form.body).toContain('aa1234');
    const set = await agent.request(link!, {
      form: {
        new_password: 'plum blossoms in the rain',
        confirm_password: 'plum blossoms in the rain',
        csrf: csrfFrom(form.body),
      },
    });
    expect(set.status).toBe(200);
    const account = await t.runtime.accounts.authenticatePassword('aa1234', 'plum blossoms in the rain');
    expect(account.username).toBe('aa1234');
    // used up
    expect((await agent.request(link!)).status).toBe(410);
  });

  it('finds an account by its verified e-mail address', async () => {
    await seedAccounts();
    await forgot('wang.teacher@example.edu.tw');
    const mail = await mailTo('Wang.Teacher@example.edu.tw');
    expect(mail.text).toContain('tc0001');
  });

  it('answers an unknown user, an unverified address and a student exactly alike, sending nothing', async () => {
    await seedAccounts();
    const bodies: string[] = [];
    for (const [i, typed] of ['nobody-here', 'bb5678', 'bb5678@example.com', '173601s00001'].entries()) {
      const res = await forgot(typed, `203.0.113.${30 + i}`);
      expect(res.status).toBe(200);
      bodies.push(res.body);
    }
    // and the account that does get a link: the page is still the same
    const sent = await forgot('aa1234', '203.0.113.40');
    bodies.push(sent.body);
    await mailTo('aa1234@kl.edu.tw');
    for (const body of bodies) expect(body).toBe(bodies[0]);
    expect(bodies[0]).toContain(ANSWER);
    expect(smtp.messages.map((m) => m.to)).toEqual([['aa1234@kl.edu.tw']]);
  });

  it('re-renders the form for an empty submission', async () => {
    const res = await forgot('   ');
    expect(res.status).toBe(400);
    expect(res.body).toContain('name="identifier"');
    expect(res.body).toContain('role="alert"');
  });

  it('is throttled per account and per address', async () => {
    await seedAccounts();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await forgot('aa1234', '203.0.113.50')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await forgot('aa1234', '203.0.113.50');
    expect(limited.body).toContain('嘗試次數過多');
    expect(limited.body).toContain('value="aa1234"');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // unknown names are throttled the same way (nothing tells them apart)
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) unknown.push((await forgot('nobody-here', '203.0.113.51')).status);
    expect(unknown).toEqual([200, 200, 200, 429]);
    // one address asking for many accounts is stopped too
    const spray: number[] = [];
    for (let i = 0; i < 22; i++) spray.push((await forgot(`user${i}`, '203.0.113.52')).status);
    expect(spray.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(spray.slice(20)).toEqual([429, 429]);
    await sleep(300);
    expect(smtp.messages.filter((m) => m.to.includes('aa1234@kl.edu.tw'))).toHaveLength(3);
  });
});
