/**
 * 自然人憑證 on a card, end to end without a browser, through the real app: the certificate is
 * registered on /account/certificate (signed in through the OP's password login), then signs
 * an RP's login through /interaction/:uid/certificate. The "card" is the test PKI's software
 * key signing exactly what the HiPKI signer would (PKCS#7 over the page's nonce).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, startAuthorization, submitLogin } from '../helpers/flow.js';
import { type AgentResponse, csrfFrom, HttpAgent } from '../helpers/http-agent.js';
import {
  certB64,
  createPkiFixtures,
  type PkiFixtures,
  signPkcs7,
  type TestCert,
} from '../helpers/pki-fixtures.js';

let t: TestInstance;
let pki: PkiFixtures;
let config: oidc.Configuration;

beforeAll(async () => {
  pki = await createPkiFixtures();
  t = await startTestInstance({ CARD_TRUST_ANCHORS: pki.anchorsFile, CARD_HTTP_TIMEOUT_MS: '2000' });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await pki?.close();
});

beforeEach(async () => {
  await resetStores(t.runtime);
  pki.ocsp.mode = 'up';
  pki.crl.mode = 'up';
  await createAccount(t.runtime);
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const alertText = (body: string) => /role="alert"[\s\S]*?<\/span>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';
const nonceOf = (body: string) => {
  const nonce = /data-tbs="([^"]+)"/.exec(body)?.[1];
  if (!nonce) throw new Error('no nonce on the page');
  return nonce;
};

/** The form the page's script would submit after the signer answered. */
async function signedForm(page: AgentResponse, cert: TestCert, nonce = nonceOf(page.body)) {
  return {
    csrf: csrfFrom(page.body),
    signature: await signPkcs7(Buffer.from(nonce), cert),
    certificate: certB64(cert),
    ret_code: '0',
    last_error: '0',
    client_error: '',
  };
}

/** A browser signed in to the account pages, on /account/certificate. */
async function accountPage() {
  const agent = new HttpAgent(t.issuer);
  const login = await agent.follow('/account/certificate');
  expect(login.url).toMatch(/\/interaction\/[\w-]+$/);
  const page = await submitLogin(agent, login.body, 'aa1234', PASSWORD);
  expect(page.status).toBe(200);
  expect(new URL(page.url).pathname).toBe('/account/certificate');
  return { agent, page };
}

async function bind(cert: TestCert) {
  const { agent, page } = await accountPage();
  const res = await agent.follow('/account/certificate', { form: await signedForm(page, cert) });
  return { agent, res };
}

/** An RP's authorization up to our card page. */
async function cardLoginPage(agent = new HttpAgent(t.issuer)) {
  const flow = await startAuthorization(config, { username: '', password: '' });
  const login = await agent.follow(flow.url.href);
  expect(login.status).toBe(200);
  expect(login.body).toContain('data-method="certificate"');
  const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1]!;
  const page = await agent.follow(`/interaction/${uid}/certificate`);
  expect(page.status).toBe(200);
  return { agent, flow, uid, page };
}

async function tokensFrom(flow: Awaited<ReturnType<typeof startAuthorization>>, res: AgentResponse) {
  if (!res.location) throw new Error(`no redirect to the RP: ${res.status} ${alertText(res.body)}`);
  return oidc.authorizationCodeGrant(config, new URL(res.location), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

const certificateRecords = async () => {
  await t.runtime.writer.flush();
  return t.runtime.db('login_records').where({ method: 'certificate' }).orderBy('created_at');
};

describe('GET /interaction/:uid/certificate', () => {
  it('shows the card page with a nonce, the signer URL and its own script under a page CSP', async () => {
    const { page } = await cardLoginPage();
    expect(page.body).toContain('data-signer="http://localhost:61161"');
    expect(nonceOf(page.body)).toMatch(/^[\w-]{43}$/);
    expect(page.body).toContain('<script src="/static/hipki.js" defer></script>');
    expect(page.body).not.toMatch(/<script>/);
    // the PIN field has no name: it is never posted here
    expect(page.body).toMatch(/<input class="input" id="card-pin" type="password"(?![^>]*name=)/);
    // the no-JavaScript explanation
    expect(page.body).toContain('<noscript>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await new HttpAgent(t.issuer).request('/static/hipki.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(script.body).toContain('getTbs');
  });
});

describe('POST /account/certificate (binding)', () => {
  it('binds a verified certificate with its issuer, serial, subject, last four ID digits and not-after', async () => {
    const { agent, res } = await bind(pki.users.valid);
    expect(res.status).toBe(200);
    expect(new URL(res.url).search).toBe('?done=added');
    expect(res.body).toContain('自然人憑證已註冊完成');
    expect(res.body).toContain(pki.users.valid.serial.toUpperCase());
    expect(res.body).not.toContain('憑證上的姓名與帳號姓名不同');
    const rows = await t.runtime.db('credentials').where({ type: 'certificate' });
    expect(rows).toHaveLength(1);
    expect(rows[0].identifier).toMatch(new RegExp(`:${pki.users.valid.serial}$`));
    expect(rows[0].data).toMatchObject({
      issuer: 'C=TW, O=行政院, OU=內政部憑證管理中心',
      serial: pki.users.valid.serial,
      name: '王小明',
      idLastFour: '6789',
      notAfter: pki.users.valid.notAfter.toISOString(),
    });
    expect(rows[0].data.subject).toContain('CN=王小明');
    // the nonce was used: the same answer again is refused
    const page = await agent.follow('/account/certificate');
    const replay = await agent.follow('/account/certificate', {
      form: { ...(await signedForm(page, pki.users.valid, 'an-old-nonce')) },
    });
    expect(replay.status).toBe(400);
    expect(alertText(replay.body)).toContain('簽章內容與這次登入不符');
  });

  it('says so when the name on the certificate differs from the account name', async () => {
    await t.runtime.accounts.upsert({ username: 'aa1234', name: '王大明' });
    const { res } = await bind(pki.users.valid);
    expect(res.status).toBe(200);
    expect(res.body).toContain('憑證上的姓名與帳號姓名不同');
    expect(res.body).toContain('「王小明」');
    expect(res.body).toContain('「王大明」');
  });

  it('refuses a revoked or expired certificate with a clear message, keeping the page', async () => {
    const { agent, page } = await accountPage();
    const revoked = await agent.follow('/account/certificate', {
      form: await signedForm(page, pki.users.revoked),
    });
    expect(revoked.status).toBe(400);
    expect(alertText(revoked.body)).toContain('已被廢止');
    const expired = await agent.follow('/account/certificate', {
      form: await signedForm(revoked, pki.users.expired),
    });
    expect(alertText(expired.body)).toContain('已過期');
    expect(await t.runtime.db('credentials').where({ type: 'certificate' })).toHaveLength(0);
  });

  it('refuses a certificate already bound to another account', async () => {
    await bind(pki.users.valid);
    await createAccount(t.runtime, { username: 'bb5678' });
    const agent = new HttpAgent(t.issuer);
    const login = await agent.follow('/account/certificate');
    const page = await submitLogin(agent, login.body, 'bb5678', PASSWORD);
    const res = await agent.follow('/account/certificate', { form: await signedForm(page, pki.users.valid) });
    expect(res.status).toBe(409);
    expect(alertText(res.body)).toContain('已註冊在其他帳號');
  });

  it('removes a binding', async () => {
    const { agent, res } = await bind(pki.users.valid);
    const [row] = await t.runtime.db('credentials').where({ type: 'certificate' });
    const removed = await agent.follow(`/account/certificate/${row.id}/delete`, {
      form: { csrf: csrfFrom(res.body) },
    });
    expect(removed.body).toContain('已移除這張自然人憑證');
    expect(await t.runtime.db('credentials').where({ type: 'certificate' })).toHaveLength(0);
  });
});

describe('POST /interaction/:uid/certificate (login)', () => {
  it('signs in with a bound certificate: amr sc+pin and the certificate acr in the ID token', async () => {
    await bind(pki.users.valid);
    const { agent, flow, uid, page } = await cardLoginPage();
    const form = await signedForm(page, pki.users.valid);
    const res = await agent.follow(`/interaction/${uid}/certificate`, { form });
    const tokens = await tokensFrom(flow, res);
    const claims = tokens.claims()!;
    const account = await t.runtime.accounts.findByUsername('aa1234');
    expect(claims.sub).toBe(account!.id);
    expect(claims.amr).toEqual(['sc', 'pin']);
    expect(claims.acr).toBe('urn:edu-idp:acr:certificate');
    const [row] = await t.runtime.db('credentials').where({ type: 'certificate' });
    expect(row.last_used_at).not.toBeNull();
    const records = await certificateRecords();
    expect(records.map((r) => r.success)).toEqual([true]);

    // the same signature again, on the same interaction: its nonce is gone
    const replay = await agent.follow(`/interaction/${uid}/certificate`, { form });
    expect(replay.status).toBe(400);
    expect(replay.location).toBeUndefined();
  });

  it('refuses a signature over an earlier page nonce (replay into a new login)', async () => {
    await bind(pki.users.valid);
    const first = await cardLoginPage();
    const old = await signedForm(first.page, pki.users.valid);
    const second = await cardLoginPage(first.agent);
    const res = await second.agent.follow(`/interaction/${second.uid}/certificate`, {
      form: { ...old, csrf: csrfFrom(second.page.body) },
    });
    expect(res.status).toBe(400);
    expect(alertText(res.body)).toContain('簽章內容與這次登入不符');
    // the page comes back with a fresh nonce
    expect(nonceOf(res.body)).not.toBe(nonceOf(second.page.body));
  });

  it('refuses an expired nonce', async () => {
    await bind(pki.users.valid);
    const { agent, uid, page } = await cardLoginPage();
    // the nonce's lifetime ran out in the short-lived store
    await t.runtime.shortLived.destroy('InteractionState', `${uid}:certificate_nonce`);
    const res = await agent.follow(`/interaction/${uid}/certificate`, {
      form: await signedForm(page, pki.users.valid),
    });
    expect(res.status).toBe(400);
    expect(alertText(res.body)).toContain('已逾時或已使用過');
  });

  it('tells the user an unbound certificate must be registered first, and records the failure', async () => {
    const { agent, uid, page } = await cardLoginPage();
    const res = await agent.follow(`/interaction/${uid}/certificate`, {
      form: await signedForm(page, pki.users.valid),
    });
    expect(res.status).toBe(401);
    expect(alertText(res.body)).toContain('這張自然人憑證尚未註冊');
    expect(res.body).toContain('data-card-sign');
    const records = await certificateRecords();
    expect(records.map((r) => [r.success, r.failure_reason])).toEqual([
      [false, 'certificate.not_registered'],
    ]);
  });

  it("shows the signer's and the script's failures as messages", async () => {
    const { agent, uid, page } = await cardLoginPage();
    const post = async (fields: Record<string, string>, from: AgentResponse) =>
      agent.follow(`/interaction/${uid}/certificate`, { form: { csrf: csrfFrom(from.body), ...fields } });
    // wrong PIN, 2 tries left: ret_code 0x76100006, last_error 0x80000002 (negative as int32)
    const wrongPin = await post({ ret_code: String(0x76100006), last_error: String(0x80000002 | 0) }, page);
    expect(wrongPin.status).toBe(401);
    expect(alertText(wrongPin.body)).toContain('還可以再試 2 次');
    const noCard = await post({ ret_code: String(0x76000006), last_error: '0' }, wrongPin);
    expect(alertText(noCard.body)).toContain('讀不到自然人憑證卡片');
    const expired = await post({ ret_code: String(0x76500002), last_error: '0' }, noCard);
    expect(alertText(expired.body)).toContain('已過期');
    const noSigner = await post({ client_error: 'no_signer' }, expired);
    expect(alertText(noSigner.body)).toContain('偵測不到自然人憑證元件');
    const noScript = await post({}, noSigner);
    expect(alertText(noScript.body)).toContain('啟用 JavaScript');
    const bad = await post({ ret_code: 'abc' }, noScript);
    expect(alertText(bad.body)).toContain('送出的資料不正確');
    const records = await certificateRecords();
    expect(records.map((r) => r.failure_reason)).toEqual([
      'certificate.wrong_pin_2_left',
      'certificate.no_card',
      'certificate.expired',
      'certificate.no_signer',
      'certificate.needs_signer',
      'certificate.invalid_input',
    ]);
  });

  it('shows the renewal notice for a certificate that expires within 30 days, then continues', async () => {
    await bind(pki.users.expiring);
    const { agent, flow, uid, page } = await cardLoginPage();
    const notice = await agent.follow(`/interaction/${uid}/certificate`, {
      form: await signedForm(page, pki.users.expiring),
    });
    expect(notice.status).toBe(200);
    expect(notice.body).toContain('自然人憑證即將到期');
    expect(notice.body).toMatch(/剩餘 (9|10) 天/);
    const res = await agent.follow(`/interaction/${uid}/certificate/continue`, {
      form: { csrf: csrfFrom(notice.body) },
    });
    const claims = (await tokensFrom(flow, res)).claims()!;
    expect(claims.amr).toEqual(['sc', 'pin']);
  });

  it('goes straight on for a certificate that is not close to expiry', async () => {
    await bind(pki.users.valid);
    const { agent, uid, page } = await cardLoginPage();
    const res = await agent.request(`/interaction/${uid}/certificate`, {
      form: await signedForm(page, pki.users.valid),
    });
    expect(res.status).toBe(303);
    expect(res.body).not.toContain('即將到期');
  });
});
