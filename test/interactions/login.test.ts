import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import {
  authorize,
  discoverRp,
  loginAndGetTokens,
  startAuthorization,
  submitLogin,
} from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance();
let config: oidc.Configuration;
beforeEach(async () => {
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

async function openLoginPage(agent = new HttpAgent(t.issuer), extraParams: Record<string, string> = {}) {
  const { url } = await startAuthorization(config, { username: '', password: '', extraParams });
  const page = await agent.follow(url.href);
  expect(page.status).toBe(200);
  return { agent, page };
}

const records = async () => {
  await t.runtime.writer.flush();
  return t.runtime.db('login_records').orderBy('created_at');
};

describe('POST /interaction/:uid/password', () => {
  it('lower-cases the username and drops the @domain part, including full-width input', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    for (const typed of ['AA1234@kl.edu.tw', ' Aa1234 ', 'ＡＡ１２３４']) {
      const { tokens } = await loginAndGetTokens(t.issuer, config, { username: typed, password: PASSWORD });
      expect(tokens.claims()?.sub).toBe(account.id);
    }
  });

  it('gives an unknown user and a wrong password the same message and re-renders the form', async () => {
    await createAccount(t.runtime);
    const bodies: string[] = [];
    for (const [username, password] of [
      ['nobody', PASSWORD],
      ['aa1234', 'wrong password here'],
    ] as const) {
      const { agent, page } = await openLoginPage();
      const res = await submitLogin(agent, page.body, username, password);
      expect(res.status).toBe(401);
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain(`value="${username}"`);
      expect(res.body).not.toContain(password);
      bodies.push(/role="alert"[^>]*>([\s\S]*?)<\//.exec(res.body)?.[1] ?? '');
    }
    expect(bodies[0]).toBeTruthy();
    expect(bodies[0]).toBe(bodies[1]);
  });

  it('refuses a disabled account even with the right password', async () => {
    await createAccount(t.runtime, { status: 'disabled' });
    const { agent, page } = await openLoginPage();
    const res = await submitLogin(agent, page.body, 'aa1234', PASSWORD);
    expect(res.status).toBe(403);
    expect(res.location).toBeUndefined();
    const [record] = await records();
    expect(record).toMatchObject({ success: false, failure_reason: 'password.account_disabled' });
  });

  it('re-renders the form (not a 500) for an empty or oversized submission', async () => {
    await createAccount(t.runtime);
    const { agent, page } = await openLoginPage();
    const empty = await submitLogin(agent, page.body, '', '');
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('name="password"');
    const huge = await submitLogin(agent, empty.body, 'x'.repeat(5000), 'y');
    expect(huge.status).toBe(400);
    expect(huge.body).toContain('name="password"');
  });

  it('rejects a form without the CSRF token and shows a fresh form keeping the username', async () => {
    await createAccount(t.runtime);
    const { agent, page } = await openLoginPage();
    const res = await agent.request(formActionFrom(page.body, '/password'), {
      form: { username: 'aa1234', password: PASSWORD, csrf: 'forged' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toContain('value="aa1234"');
    const retry = await submitLogin(agent, res.body, 'aa1234', PASSWORD);
    expect(retry.location).toContain('code=');
  });

  it('shows an expired-interaction page, not a 500, for an unknown interaction', async () => {
    const res = await new HttpAgent(t.issuer).request('/interaction/does-not-exist');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

describe('login records', () => {
  it('records success with session, device and IP, and failures with the reason code', async () => {
    const account = await createAccount(t.runtime);
    const { agent, page } = await openLoginPage();
    const bad = await submitLogin(agent, page.body, 'AA1234', 'not the password');
    const res = await submitLogin(agent, bad.body, 'aa1234', PASSWORD);
    expect(res.location).toContain('code=');
    const rows = await records();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      success: false,
      account_id: account.id,
      username: 'AA1234',
      failure_reason: 'password.invalid_credentials',
      method: 'password',
      client_id: 'school-app',
    });
    expect(rows[1]).toMatchObject({
      success: true,
      account_id: account.id,
      method: 'password',
      client_id: 'school-app',
      os: 'Windows 10',
      browser: 'Firefox 120',
      device: 'desktop',
      ip: '127.0.0.1',
    });
    expect(rows[1].session_id).toBeTruthy();
    const events = await t.runtime
      .db('session_events')
      .where({ session_id: rows[1].session_id })
      .orderBy('created_at');
    expect(events.map((e: { type: string }) => e.type)).toEqual(['login', 'authorize']);
  });

  it('records an unknown username without an account', async () => {
    const { agent, page } = await openLoginPage();
    await submitLogin(agent, page.body, 'ghost', PASSWORD);
    const [row] = await records();
    expect(row).toMatchObject({ success: false, account_id: null, username: 'ghost' });
  });
});

describe('GET /interaction/:uid/change-password', () => {
  it('forces a password change before the login completes, under the password rules', async () => {
    const account = await createAccount(t.runtime, { mustChangePassword: true });
    const { agent, page } = await openLoginPage();
    const res = await submitLogin(agent, page.body, 'aa1234', PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toContain('new_password');
    const action = formActionFrom(res.body, '/change-password');
    const submit = (body: string, pw: string, confirm = pw) =>
      agent.follow(action, { form: { new_password: pw, confirm_password: confirm, csrf: csrfFrom(body) } });
    const mismatch = await submit(res.body, 'a brand new passphrase', 'another passphrase');
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('role="alert"');
    const common = await submit(mismatch.body, 'password123');
    expect(common.status).toBe(400);
    const short = await submit(common.body, 'short');
    expect(short.status).toBe(400);
    const ok = await submit(short.body, 'a brand new passphrase');
    expect(ok.location).toContain('code=');
    const updated = await t.runtime.accounts.findById(account.id);
    expect(updated?.mustChangePassword).toBe(false);
    await expect(
      t.runtime.accounts.authenticatePassword('aa1234', 'a brand new passphrase'),
    ).resolves.toMatchObject({
      id: account.id,
    });
  });

  it('cannot be reached without a verified login', async () => {
    const { agent, page } = await openLoginPage();
    const uid = /\/interaction\/([^/"]+)\/password/.exec(page.body)?.[1];
    const res = await agent.request(`/interaction/${uid}/change-password`);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('new_password');
  });
});

describe('consent', () => {
  beforeEach(async () => {
    await createAccount(t.runtime);
    await createClient(t.runtime, { client_id: 'third-party', client_name: '學習平台', first_party: false });
  });

  it('shows what the client receives, remembers the consent, and asks again after revocation', async () => {
    const rp = await discoverRp(t.issuer, { clientId: 'third-party', clientSecret: CLIENT_SECRET });
    const agent = new HttpAgent(t.issuer);
    const { url } = await startAuthorization(rp, { username: '', password: '' });
    const login = await agent.follow(url.href);
    const consentPage = await submitLogin(agent, login.body, 'aa1234', PASSWORD);
    expect(consentPage.body).toContain('/consent');
    expect(consentPage.body).toContain('學習平台');
    expect(consentPage.body).toContain('讀取您的電子郵件地址');

    const first = await loginAndGetTokens(t.issuer, rp, { username: 'aa1234', password: PASSWORD });
    // a new browser, a new session: the consent is remembered, no consent page
    const second = await authorize(t.issuer, rp, {
      username: 'aa1234',
      password: PASSWORD,
      agent: new HttpAgent(t.issuer),
    });
    expect(second.callback.searchParams.get('code')).toBeTruthy();

    const sub = first.tokens.claims()!.sub;
    expect(await t.runtime.consents.revoke(sub, 'third-party')).toBeGreaterThan(0);
    await expect(oidc.fetchUserInfo(rp, first.tokens.access_token, sub)).rejects.toThrow();
    const again = new HttpAgent(t.issuer);
    const { url: url2 } = await startAuthorization(rp, { username: '', password: '' });
    const login2 = await again.follow(url2.href);
    const asked = await submitLogin(again, login2.body, 'aa1234', PASSWORD);
    expect(asked.body).toContain('/consent');
  });

  it('returns access_denied to the RP when the user declines', async () => {
    const rp = await discoverRp(t.issuer, { clientId: 'third-party', clientSecret: CLIENT_SECRET });
    const flow = await authorize(t.issuer, rp, { username: 'aa1234', password: PASSWORD, consent: 'deny' });
    expect(flow.callback.searchParams.get('error')).toBe('access_denied');
  });

  it('skips the consent page for first-party clients', async () => {
    const agent = new HttpAgent(t.issuer);
    const { url } = await startAuthorization(config, { username: '', password: '' });
    const login = await agent.follow(url.href);
    const res = await submitLogin(agent, login.body, 'aa1234', PASSWORD);
    expect(res.location).toContain('code=');
  });
});

describe('hosted pages', () => {
  it('serve zh-TW by default, English by ui_locales or the switch, with strict headers', async () => {
    const zh = await openLoginPage();
    expect(zh.page.body).toContain('lang="zh-Hant-TW"');
    const csp = zh.page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(zh.page.headers.get('cache-control')).toBe('no-store');
    expect(zh.page.body).not.toMatch(/<script|style=/);
    const en = await openLoginPage(new HttpAgent(t.issuer), { ui_locales: 'en' });
    expect(en.page.body).toContain('lang="en"');
    const switched = await zh.agent.request(`${new URL(zh.page.url).pathname}?lang=en`);
    expect(switched.body).toContain('lang="en"');
  });

  it('escape what the user typed', async () => {
    const { agent, page } = await openLoginPage();
    const res = await submitLogin(agent, page.body, '<script>alert(1)</script>', 'x');
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;');
  });
});

describe('login history', () => {
  it("lists an account's logins with the session's last activity (最後更新) and its operations", async () => {
    const account = await createAccount(t.runtime);
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    await new Promise((r) => setTimeout(r, 20));
    await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    await t.runtime.writer.flush();
    const [login] = await t.runtime.history.recentLogins(account.id);
    expect(login).toMatchObject({ success: true, method: 'password', os: 'Windows 10', ip: '127.0.0.1' });
    expect(login!.lastActivityAt!.getTime()).toBeGreaterThan(login!.createdAt.getTime());
    const ops = await t.runtime.history.sessionOperations(login!.sessionId!);
    expect(ops.map((o) => `${o.type}:${o.detail ?? ''}`)).toEqual([
      'login:password',
      'authorize:',
      'token:authorization_code',
      'token:refresh_token',
    ]);
    expect(login!.lastActivityAt!.getTime()).toBe(ops.at(-1)!.at.getTime());
  });
});

describe('behind a reverse proxy (TRUST_PROXY=true)', () => {
  it('records the address our proxy saw, not what the client wrote into X-Forwarded-For', async () => {
    const { startTestInstance } = await import('../helpers/app.js');
    const proxied = await startTestInstance({ TRUST_PROXY: 'true' });
    try {
      await createAccount(proxied.runtime);
      await createClient(proxied.runtime, { first_party: true });
      const rp = await discoverRp(proxied.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
      const agent = new HttpAgent(proxied.issuer);
      const { url } = await startAuthorization(rp, { username: '', password: '' });
      const page = await agent.follow(url.href);
      await agent.follow(formActionFrom(page.body, '/password'), {
        form: { username: 'aa1234', password: 'wrong password 1', csrf: csrfFrom(page.body) },
        headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' },
      });
      await proxied.runtime.writer.flush();
      const [row] = await proxied.runtime.db('login_records');
      expect(row.ip).toBe('203.0.113.7');
    } finally {
      await proxied.close();
    }
  });
});

describe('first-party grants', () => {
  it('are written once, not at every login, and extended when more is asked', async () => {
    await createAccount(t.runtime);
    const grants = () => t.runtime.db('oidc_payloads').where({ model: 'Grant' }).select('id', 'payload');
    await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
      scope: 'openid profile',
    });
    const [first] = await grants();
    await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
      scope: 'openid profile',
    });
    expect(await grants()).toEqual([first]);
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
      scope: 'openid email',
    });
    expect(tokens.claims()?.email).toBe('aa1234@kl.edu.tw');
    const after = await grants();
    expect(after).toHaveLength(1);
    expect(after[0].payload.openid.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });
});
