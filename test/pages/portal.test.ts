/**
 * The user portal over HTTP, against the real app, Postgres, Redis and SMTP: logins through a
 * real RP (openid-client) and the OP produce the records the 紀錄 table shows and filters;
 * 資料 changes the password, verifies an e-mail address, signs other browsers out of the OP
 * and revokes consents.
 */
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { sealNationalId } from '../../src/services/national-id.js';
import { createMember, fakeNationalId, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import {
  discoverRp,
  loginAndGetTokens,
  silentAuthorization,
  startAuthorization,
  submitLogin,
} from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';

const smtp = await startSmtpCapture();
const t = useTestInstance({ SMTP_URL: smtp.url, TRUST_PROXY: 'true' });
afterAll(async () => {
  await smtp.close();
});

const UA = {
  windowsFirefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
};

/** A browser at a given address (the app trusts X-Forwarded-For in this instance). */
class Browser extends HttpAgent {
  constructor(
    base: string,
    userAgent: string,
    private readonly ip: string,
  ) {
    super(base, userAgent);
  }

  override request(url: string, init: Parameters<HttpAgent['request']>[1] = {}) {
    return super.request(url, { ...init, headers: { 'x-forwarded-for': this.ip, ...init.headers } });
  }
}

let rp: oidc.Configuration;

beforeEach(async () => {
  smtp.clear();
  await createAccount(t.runtime);
  await createAccount(t.runtime, { username: 'bb5678' });
  await createClient(t.runtime);
  rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const flush = () => t.runtime.writer.flush();

/** A real login at the RP (password, consent, code, tokens) in this browser. */
async function rpLogin(agent: HttpAgent, username = 'aa1234', password = PASSWORD) {
  const result = await loginAndGetTokens(t.issuer, rp, { username, password, agent });
  await flush();
  return result;
}

/** A failed login attempt (wrong password) at the RP's login page. */
async function failedLogin(agent: HttpAgent, username = 'aa1234') {
  const { url } = await startAuthorization(rp, { username, password: '' });
  const page = await agent.follow(url.href);
  const res = await submitLogin(agent, page.body, username, 'wrong password 123');
  expect(res.status).toBe(401);
  await flush();
}

/** Opens a portal page; signs in through the OP's login form when the browser has no OP session. */
async function portal(agent: HttpAgent, path: string, username = 'aa1234', password = PASSWORD) {
  let res = await agent.follow(path);
  if (res.status === 200 && /\/interaction\/[\w-]+$/.test(res.url)) {
    res = await submitLogin(agent, res.body, username, password);
  }
  await flush();
  return res;
}

/** The rows of the first 紀錄-style table body as arrays of cell texts. */
function rows(body: string): string[][] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(body)?.[1] ?? '';
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
  );
}

const range = (body: string) => /class="pagination__range">([^<]*)</.exec(body)?.[1];

describe('sign-in', () => {
  it('sends a visitor through the OP login and back to the page and query they asked for', async () => {
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const login = await agent.follow('/account/logins?success=yes&size=25');
    expect(login.url).toMatch(/\/interaction\/[\w-]+$/);
    const page = await submitLogin(agent, login.body, 'aa1234', PASSWORD);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${t.issuer}/account/logins?success=yes&size=25`);
    expect(page.body).toContain('aria-current="page">紀錄</a>');
    expect(page.body).toMatch(/<option value="yes" selected>是<\/option>/);
  });

  it('is silent for a browser already signed in to the OP, and shows the portal nav', async () => {
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    await rpLogin(agent);
    const home = await agent.follow('/account');
    expect(home.status).toBe(200);
    expect(home.url).toBe(`${t.issuer}/account`);
    for (const label of ['站點', '服務', '紀錄', '資料', '登出']) expect(home.body).toContain(`>${label}<`);
    expect(home.body).toContain('王小明，您好');
    expect(home.body).toContain('最近登入');
    expect(rows(home.body)[0]?.slice(0, 3)).toEqual(['是', 'Windows 10', 'Firefox 120']);
  });

  it('signs out of the portal and of the OP, landing on the signed-out page', async () => {
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const home = await portal(agent, '/account');
    const noCsrf = await agent.request('/account/logout', { form: {} });
    expect(noCsrf.status).toBe(403);
    const confirm = await agent.follow('/account/logout', { form: { csrf: csrfFrom(home.body) } });
    expect(confirm.status).toBe(200);
    const action = /<form[^>]*action="([^"]+)"/.exec(confirm.body)?.[1]?.replaceAll('&amp;', '&');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1];
    const done = await agent.follow(action!, { form: { xsrf: xsrf!, logout: 'yes' } });
    expect(done.url).toBe(`${t.issuer}/account/signed-out`);
    expect(done.body).toContain('已登出');
    // both sessions are gone: the portal and an RP need the login form again
    expect((await agent.follow('/account')).url).toMatch(/\/interaction\/[\w-]+$/);
    const { url } = await startAuthorization(rp, { username: '', password: '' });
    expect((await agent.follow(url.href)).body).toContain('name="password"');
  });
});

describe('紀錄 /account/logins', () => {
  it('shows real logins with device, IP and last update; filters per column; resets', async () => {
    await rpLogin(new Browser(t.issuer, UA.androidChrome, '198.51.100.7'));
    await rpLogin(new Browser(t.issuer, UA.iphoneSafari, '198.51.100.8'));
    await failedLogin(new Browser(t.issuer, UA.androidChrome, '192.0.2.99'));
    // another account's logins never show
    await rpLogin(new Browser(t.issuer, UA.iphoneSafari, '198.51.100.8'), 'bb5678');
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const page = await portal(agent, '/account/logins');
    expect(page.status).toBe(200);
    for (const h of ['成功', '系統', '瀏覽器', '設備', 'IP 位址', '時間', '最後更新']) {
      expect(page.body).toContain(`<th scope="col">${h}</th>`);
    }
    const all = rows(page.body);
    expect(all).toHaveLength(4);
    expect(all.map((r) => r.slice(0, 5))).toEqual([
      ['是', 'Windows 10', 'Firefox 120', 'desktop', '203.0.113.10'],
      ['否', 'Android 13', 'Chrome 119', 'mobile', '192.0.2.99'],
      ['是', 'iOS 17.1', 'Mobile Safari 17', 'mobile', '198.51.100.8'],
      ['是', 'Android 13', 'Chrome 119', 'mobile', '198.51.100.7'],
    ]);
    // 時間 and 最後更新 in Taipei time; a session's last update is at or after its login
    expect(all[3]![5]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(all[3]![6]! >= all[3]![5]!).toBe(true);
    expect(all[1]![6]).toBe('');
    expect(range(page.body)).toBe('1 - 4 / 4 (4)');
    // the selects offer this account's own values
    expect(page.body).toContain('<option value="Android 13">Android 13</option>');
    expect(page.body).toContain('<option value="iOS 17.1">iOS 17.1</option>');
    expect(page.body).not.toContain('<option value="Mobile Safari 17" selected');

    const texts = async (query: string) => {
      const res = await agent.follow(`/account/logins?${query}`);
      return { res, rows: rows(res.body) };
    };
    expect((await texts('success=no')).rows.map((r) => r[0])).toEqual(['否']);
    expect((await texts('success=yes')).rows).toHaveLength(3);
    expect((await texts('os=iOS+17.1')).rows.map((r) => r[4])).toEqual(['198.51.100.8']);
    expect((await texts('browser=Chrome+119')).rows).toHaveLength(2);
    expect((await texts('device=desktop')).rows.map((r) => r[1])).toEqual(['Windows 10']);
    expect((await texts('ip=198.51.100.0%2F24')).rows).toHaveLength(2);
    expect((await texts('ip=192.0.2.99')).rows.map((r) => r[0])).toEqual(['否']);
    const both = await texts('success=yes&browser=Chrome+119');
    expect(both.rows.map((r) => r[4])).toEqual(['198.51.100.7']);
    expect(range(both.res.body)).toBe('1 - 1 / 1 (4)');
    expect(both.res.body).toContain('<option value="Chrome 119" selected>');
    // the reset link is the bare page
    expect(both.res.body).toMatch(/<a class="filter-bar__reset link" href="\/account\/logins">重設篩選/);
    // a malformed IP comes back with a message, the typed value and the unfiltered table
    const bad = await texts('ip=not-an-ip');
    expect(bad.res.status).toBe(400);
    expect(bad.res.body).toContain('IP 位址格式不正確');
    expect(bad.res.body).toContain('value="not-an-ip"');
    expect(bad.rows).toHaveLength(4);
    // a value no record has: an empty table, not an error
    expect((await texts('os=%3Cscript%3E')).res.body).not.toContain('<script>');
  });

  it('pages 23 real logins: "1 - 10 / 23 (23)", sizes 10/25/50, page links', async () => {
    for (let i = 0; i < 22; i++)
      await rpLogin(new Browser(t.issuer, UA.windowsFirefox, `203.0.113.${i + 1}`));
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.100');
    // signing in to the portal is the 23rd login; the recorder writes it in its next batch,
    // after the page that sign-in lands on, so the table is read again once it is written
    await portal(agent, '/account/logins');
    const first = await agent.follow('/account/logins');
    expect(range(first.body)).toBe('1 - 10 / 23 (23)');
    expect(rows(first.body)).toHaveLength(10);
    expect(first.body).toContain('href="/account/logins?page=2"');
    expect(first.body).toContain('href="/account/logins?page=3"');
    expect(first.body).toContain('href="/account/logins?size=25"');
    const second = await agent.follow('/account/logins?page=2');
    expect(range(second.body)).toBe('11 - 20 / 23 (23)');
    expect(rows(second.body)[0]?.[4]).toBe('203.0.113.13');
    const third = await agent.follow('/account/logins?page=3');
    expect(range(third.body)).toBe('21 - 23 / 23 (23)');
    expect(rows(third.body).map((r) => r[4])).toEqual(['203.0.113.3', '203.0.113.2', '203.0.113.1']);
    const big = await agent.follow('/account/logins?size=25');
    expect(range(big.body)).toBe('1 - 23 / 23 (23)');
    expect(rows(big.body)).toHaveLength(23);
    // a filter survives paging: the page links carry it
    const filtered = await agent.follow('/account/logins?ip=203.0.113.0%2F24&size=10');
    expect(filtered.body).toContain('href="/account/logins?ip=203.0.113.0%2F24&amp;page=2"');
    // nonsense page numbers and sizes fall back
    expect(range((await agent.follow('/account/logins?page=abc&size=7')).body)).toBe('1 - 10 / 23 (23)');
    expect(range((await agent.follow('/account/logins?page=99')).body)).toBe('21 - 23 / 23 (23)');
  });

  it('lists the operations of an own session (操作紀錄) and 404s for another account’s', async () => {
    const browser = new Browser(t.issuer, UA.androidChrome, '198.51.100.7');
    const { tokens } = await rpLogin(browser);
    await oidc.refreshTokenGrant(rp, tokens.refresh_token ?? '').catch(() => undefined);
    await rpLogin(new Browser(t.issuer, UA.iphoneSafari, '198.51.100.8'), 'bb5678');
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const list = await portal(agent, '/account/logins?os=Android+13');
    const link = /href="(\/account\/logins\/[0-9a-f-]{36})"/.exec(list.body)?.[1];
    expect(link).toBeTruthy();
    const detail = await agent.follow(link!);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('操作紀錄');
    const events = rows(detail.body).map((r) => [r[1], r[2], r[3]]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['登入', '校務系統', 'password'],
        ['授權應用程式', '校務系統', ''],
        ['發出權杖', '校務系統', 'authorization_code'],
      ]),
    );
    expect(events[0]).toEqual(['登入', '校務系統', 'password']);

    const other = await t.runtime
      .db('login_records')
      .join('accounts', 'accounts.id', 'login_records.account_id');
    const foreign = other.find((r: { username: string }) => r.username === 'bb5678') as { id: string };
    const notMine = await agent.follow(`/account/logins/${foreign.id}`);
    expect(notMine.status).toBe(404);
    expect(notMine.body).toContain('找不到這筆紀錄');
    expect(notMine.body).not.toContain('198.51.100.8');
    expect((await agent.follow('/account/logins/not-a-uuid')).status).toBe(404);
  });
});

describe('資料 /account/profile', () => {
  it('shows the profile, the masked national ID, credentials and sessions', async () => {
    const { schoolA } = await seedDirectory(t.runtime);
    const nationalId = fakeNationalId('A');
    const member = await createMember(t.runtime, {
      username: 'cc0001',
      schoolId: schoolA,
      name: '陳老師',
      titles: ['教師', '資訊組長'],
    });
    const sealed = sealNationalId(t.runtime.box, nationalId);
    await t.runtime.db('accounts').where({ id: member.id }).update({
      national_id_sealed: sealed.sealed,
      national_id_hash: sealed.hash,
      national_id_masked: sealed.masked,
    });
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const page = await portal(agent, '/account/profile', 'cc0001');
    expect(page.status).toBe(200);
    expect(page.body).toContain('aria-current="page">資料</a>');
    expect(page.body).toContain(`<dd>${sealed.masked}</dd>`);
    expect(page.body).not.toContain(nationalId);
    expect(page.body).toContain('<dd>基隆市立暖暖國民小學</dd>');
    expect(page.body).toContain('<dd>教師</dd>');
    expect(page.body).toContain('基隆市立暖暖國民小學 教師、基隆市立暖暖國民小學 資訊組長');
    const home = await agent.follow('/account');
    expect(home.body).toContain('陳老師，您好');
    expect(home.body).toContain('基隆市立暖暖國民小學 · 教師');
    expect(page.body).toContain('aa1234@kl.edu.tw');
    expect(page.body).toContain('href="/account/passkeys"');
    expect(page.body).toContain('href="/account/certificate"');
    expect(page.body).toContain('（目前這個）');
  });

  it('changes the password: wrong current or mismatch come back with a message; then only the new one works', async () => {
    // signed in on a phone too: that session ends with the change, this browser's stays
    const phone = new Browser(t.issuer, UA.androidChrome, '198.51.100.7');
    await rpLogin(phone);
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const page = await portal(agent, '/account/profile');
    const csrf = csrfFrom(page.body);
    const wrong = await agent.follow('/account/profile/password', {
      form: {
        csrf,
        current: 'not my password',
        password: 'a new long passphrase 42',
        confirm: 'a new long passphrase 42',
      },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('目前的密碼不正確');
    expect(wrong.body).toMatch(/id="current-password"[^>]*aria-invalid="true"/);
    expect(wrong.body).not.toContain('a new long passphrase 42');
    const mismatch = await agent.follow('/account/profile/password', {
      form: {
        csrf,
        current: PASSWORD,
        password: 'a new long passphrase 42',
        confirm: 'another passphrase 42',
      },
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain('兩次輸入的新密碼不一致');
    const weak = await agent.follow('/account/profile/password', {
      form: { csrf, current: PASSWORD, password: 'short', confirm: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body).toContain('密碼至少需要 8 個字元');
    const done = await agent.follow('/account/profile/password', {
      form: {
        csrf,
        current: PASSWORD,
        password: 'a new long passphrase 42',
        confirm: 'a new long passphrase 42',
      },
    });
    expect(done.status).toBe(200);
    expect(done.url).toBe(`${t.issuer}/account/profile?done=password`);
    expect(done.body).toContain('密碼已變更，其他裝置上的登入已一併登出');
    expect((await silentAuthorization(rp, phone)).get('error')).toBe('login_required');
    expect((await silentAuthorization(rp, agent)).get('code')).toBeTruthy();
    // at the OP: the old password fails, the new one signs in
    const { url } = await startAuthorization(rp, { username: '', password: '' });
    const fresh = new HttpAgent(t.issuer);
    const login = await fresh.follow(url.href);
    expect((await submitLogin(fresh, login.body, 'aa1234', PASSWORD)).status).toBe(401);
    await rpLogin(new HttpAgent(t.issuer), 'aa1234', 'a new long passphrase 42');
  });

  it('verifies an e-mail address with the code that was mailed to it', async () => {
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const page = await portal(agent, '/account/profile');
    const csrf = csrfFrom(page.body);
    const invalid = await agent.follow('/account/profile/email', { form: { csrf, email: 'not an address' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toContain('電子郵件格式不正確');
    expect(invalid.body).toContain('value="not an address"');
    const sent = await agent.follow('/account/profile/email', {
      form: { csrf, email: 'Ming@Example.EDU.tw' },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('驗證碼已寄到 Ming@example.edu.tw');
    for (let i = 0; i < 100 && smtp.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const mail = smtp.last('Ming@example.edu.tw');
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
    expect(code).toBeTruthy();
    const wrongCode = code === '000000' ? '111111' : '000000';
    const wrong = await agent.follow(formActionFrom(sent.body, '/email/verify'), {
      form: { csrf, email: 'Ming@example.edu.tw', code: wrongCode },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('驗證碼不正確');
    expect(wrong.body).toContain('name="email" value="Ming@example.edu.tw"');
    // the code is bound to the address it was sent to
    const elsewhere = await agent.follow('/account/profile/email/verify', {
      form: { csrf, email: 'someone@example.edu.tw', code: code! },
    });
    expect(elsewhere.status).toBe(400);
    const ok = await agent.follow('/account/profile/email/verify', {
      form: { csrf, email: 'Ming@example.edu.tw', code: code! },
    });
    expect(ok.url).toBe(`${t.issuer}/account/profile?done=email`);
    expect(ok.body).toContain('電子郵件已驗證');
    const account = await t.runtime.accounts.findByUsername('aa1234');
    expect(account?.email).toBe('Ming@example.edu.tw');
    expect(account?.emailVerified).toBe(true);
  });

  it('signs out other sessions: the other browser’s OP session really ends', async () => {
    const phone = new Browser(t.issuer, UA.androidChrome, '198.51.100.7');
    await rpLogin(phone);
    const otherAccount = new Browser(t.issuer, UA.iphoneSafari, '198.51.100.8');
    await rpLogin(otherAccount, 'bb5678');
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const page = await portal(agent, '/account/profile');
    const sessions = /<caption>登入中的裝置<\/caption>[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(rows(sessions).map((r) => [r[0], r[3]])).toEqual([
      ['desktop （目前這個）', '203.0.113.10'],
      ['mobile', '198.51.100.7'],
    ]);
    const done = await agent.follow(formActionFrom(page.body, 'sign-out-others'), {
      form: { csrf: csrfFrom(page.body) },
    });
    expect(done.url).toBe(`${t.issuer}/account/profile?done=sessions&count=1`);
    expect(done.body).toContain('已登出其他 1 個工作階段');
    // the phone needs to sign in again; this browser and the other account do not
    expect((await silentAuthorization(rp, phone)).get('error')).toBe('login_required');
    expect((await silentAuthorization(rp, otherAccount)).get('code')).toBeTruthy();
    // the phone's 操作紀錄 ends with this sign-out
    await flush();
    const phoneLogin = await t.runtime
      .db('login_records')
      .where({ ip: '198.51.100.7', success: true })
      .first();
    const ops = await agent.follow(`/account/logins/${phoneLogin.id}`);
    expect(rows(ops.body).at(-1)?.slice(1)).toEqual(['登出', '—', '以「登出其他工作階段」登出']);
    expect((await agent.follow('/account/profile')).url).toBe(`${t.issuer}/account/profile`);
    await flush();
    const after = await agent.follow('/account/profile');
    expect(after.body).toContain('沒有其他登入中的工作階段');
  });

  it('lists consents and revokes one with its tokens', async () => {
    const browser = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    const { tokens } = await rpLogin(browser);
    const page = await portal(browser, '/account/profile');
    expect(page.body).toContain('<td>校務系統</td>');
    expect(page.body).toContain('openid profile email');
    const done = await browser.follow(formActionFrom(page.body, '/consents/revoke'), {
      form: { csrf: csrfFrom(page.body), client_id: 'school-app' },
    });
    expect(done.url).toBe(`${t.issuer}/account/profile?done=revoked`);
    expect(done.body).toContain('已撤銷對這個應用程式的授權');
    expect(done.body).toContain('尚未授權任何應用程式');
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
    // another account's consents cannot be revoked from here
    await rpLogin(new HttpAgent(t.issuer), 'bb5678');
    const other = await t.runtime.accounts.findByUsername('bb5678');
    await browser.follow('/account/profile/consents/revoke', {
      form: { csrf: csrfFrom(page.body), client_id: 'school-app' },
    });
    expect(await t.runtime.consents.list(other!.id)).toHaveLength(1);
  });

  it('refuses forms without CSRF and sends GETs of form paths to the page', async () => {
    const agent = new Browser(t.issuer, UA.windowsFirefox, '203.0.113.10');
    await portal(agent, '/account/profile');
    const res = await agent.request('/account/profile/sessions/sign-out-others', { form: {} });
    expect(res.status).toBe(403);
    const get = await agent.request('/account/profile/password');
    expect(get.status).toBe(302);
    expect(get.location).toBe(`${t.issuer}/account/profile`);
  });
});
