/**
 * 行動自然人憑證 (TW FidO) through the real app, against the local simulator: the national
 * ID, the phone, the first-time binding, the ID token's amr/acr, the FAQ's failure messages,
 * the poll interval, and the certificate checks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { hashNationalId, sealNationalId, withCheckDigit } from '../../src/services/national-id.js';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, startAuthorization } from '../helpers/flow.js';
import { type AgentResponse, csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';
import { startTwFidoSimulator, type TwFidoSimulator } from '../helpers/twfido-simulator.js';

const ID = withCheckDigit('A12398765');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: TwFidoSimulator;
let t: TestInstance;
let config: oidc.Configuration;
let dir: string;

beforeAll(async () => {
  sim = await startTwFidoSimulator();
  dir = mkdtempSync(join(tmpdir(), 'twfido-'));
  const anchor = join(dir, 'moica-test.pem');
  writeFileSync(anchor, sim.anchorPem);
  // the shortest interval the service allows, to keep the suite quick
  t = await startTestInstance(sim.env(anchor, { TWFIDO_POLL_INTERVAL: '4' }));
}, 60_000);

afterAll(async () => {
  await t?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await resetStores(t.runtime);
  sim.reset();
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const records = async () => {
  await t.runtime.writer.flush();
  return t.runtime.db('login_records').orderBy('created_at');
};

const alertOf = (html: string) => /role="alert"[\s\S]*?<\/span>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim();

/** Authorization request → login page → the FidO link → page 1. */
async function openFido(agent = new HttpAgent(t.issuer)) {
  const flow = await startAuthorization(config, { username: '', password: '' });
  const login = await agent.follow(flow.url.href);
  expect(login.status).toBe(200);
  const href = /href="([^"]+)" data-method="fido"/.exec(login.body)?.[1];
  expect(href).toBeDefined();
  const page = await agent.follow(href!);
  expect(page.status).toBe(200);
  return { agent, page, flow };
}

/** Page 1 submitted: the response after our own redirects (the wait page, the bind form, or the RP). */
async function submitId(agent: HttpAgent, page: AgentResponse, nationalId: string, mode = 'qr') {
  return agent.follow(formActionFrom(page.body, '/fido'), {
    form: { national_id: nationalId, mode, csrf: csrfFrom(page.body) },
  });
}

async function submitBind(agent: HttpAgent, page: AgentResponse, username: string, password: string) {
  return agent.follow(formActionFrom(page.body, '/fido/bind'), {
    form: { username, password, csrf: csrfFrom(page.body) },
  });
}

async function tokensFrom(res: AgentResponse, flow: Awaited<ReturnType<typeof openFido>>['flow']) {
  expect(res.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?/);
  return oidc.authorizationCodeGrant(config, new URL(res.location!), {
    pkceCodeVerifier: flow.verifier,
    expectedState: flow.state,
    expectedNonce: flow.nonce,
  });
}

describe('GET /interaction/:uid/fido', () => {
  it('is offered only when TW FidO is configured', async () => {
    const { page } = await openFido();
    expect(page.body).toContain('name="national_id"');
    expect(page.body).toContain('value="push"');
    const plain = await startTestInstance();
    try {
      await createClient(plain.runtime, { first_party: true });
      const rp = await discoverRp(plain.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
      const agent = new HttpAgent(plain.issuer);
      const { url } = await startAuthorization(rp, { username: '', password: '' });
      const login = await agent.follow(url.href);
      expect(login.status).toBe(200);
      expect(login.body).not.toContain('data-method="fido"');
      const uid = new URL(login.url).pathname.split('/')[2];
      expect((await agent.request(`/interaction/${uid}/fido`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('POST /interaction/:uid/fido → wait → bind', () => {
  it('binds on first use with the password, then signs in with amr hwk+mfa and acr certificate', async () => {
    const account = await createAccount(t.runtime);
    await sim.addPhone(ID);
    const { agent, page, flow } = await openFido();
    const bind = await submitId(agent, page, ID);
    // the phone approved at once; nobody is bound yet: the account must be proven once
    expect(bind.status).toBe(200);
    expect(bind.body).toContain('name="password"');
    expect(bind.body).toContain('A12****');
    expect(bind.body).not.toContain(ID);
    const done = await submitBind(agent, bind, 'aa1234', PASSWORD);
    const tokens = await tokensFrom(done, flow);
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(account.id);
    expect(claims.amr).toEqual(['hwk', 'mfa']);
    expect(claims.acr).toBe('urn:edu-idp:acr:certificate');

    const [credential] = await t.runtime.db('credentials').where({ type: 'twfido' });
    expect(credential).toMatchObject({ account_id: account.id, identifier: sim.hashedIdNum(ID) });
    expect(credential.data).toMatchObject({ last4: ID.slice(-4) });
    expect(JSON.stringify(credential.data)).not.toContain(ID);

    // the second time: the phone alone
    const again = await openFido();
    const res = await submitId(again.agent, again.page, ID, 'push');
    const second = await tokensFrom(res, again.flow);
    expect(second.claims()).toMatchObject({ sub: account.id, acr: 'urn:edu-idp:acr:certificate' });
    const rows = await records();
    expect(rows.filter((r) => r.success).map((r) => r.method)).toEqual(['fido', 'fido']);
    // the QR and push requests reached the service with our TBS and hint
    expect(sim.requests.map((r) => r.iface)).toEqual([
      'getSpTicket',
      'getAthOrSignResult',
      'requestAthOrSignPush',
      'getAthOrSignResult',
    ]);
  });

  it('shows the QR code and a page that reloads itself while the phone has not answered', async () => {
    await createAccount(t.runtime);
    await sim.addPhone(ID, { manual: true });
    const { agent, page } = await openFido();
    const wait = await submitId(agent, page, ID);
    expect(wait.status).toBe(200);
    expect(wait.body).toContain('<meta http-equiv="refresh" content="4">');
    expect(wait.body).toMatch(
      /<img class="fido-qr__image" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/,
    );
    // the code on the page is the one in the hint the phone shows
    const code = /id="fido-code">(\d{4})</.exec(wait.body)?.[1];
    expect(sim.ticketOf(ID)?.hint).toContain(code);
    expect(wait.headers.get('content-security-policy')).toContain("img-src 'self' data:");
    expect(wait.body).not.toContain('<script');
  });

  it('polls the service no faster than the interval, however often the page is reloaded', async () => {
    const account = await createAccount(t.runtime);
    await sim.addPhone(ID, { manual: true });
    const { agent, page, flow } = await openFido();
    const wait = await submitId(agent, page, ID);
    expect(wait.body).toContain('http-equiv="refresh"');
    const waitUrl = new URL(`${new URL(page.url).pathname}/wait`, t.issuer);
    for (let i = 0; i < 3; i++) expect((await agent.follow(waitUrl.href)).status).toBe(200);
    const polls = () => sim.requests.filter((r) => r.iface === 'getAthOrSignResult').length;
    expect(polls()).toBe(1);
    await sim.act(ID);
    let bind = await agent.follow(waitUrl.href);
    // approved, but (unless this machine took the whole interval to get here) the interval has
    // not passed: still waiting, the service not asked; the poll times below prove the spacing
    if (bind.body.includes('http-equiv="refresh"')) {
      expect(polls()).toBe(1);
      await sleep(4100);
      bind = await agent.follow(waitUrl.href);
    }
    expect(bind.body).toContain('name="password"');
    const done = await submitBind(agent, bind, 'aa1234', PASSWORD);
    expect((await tokensFrom(done, flow)).claims()?.sub).toBe(account.id);
    const times = sim.ticketOf(ID)!.polls;
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(4000);
    expect(sim.requests.some((r) => r.errorCode.endsWith('POLL_TOO_FREQUENT'))).toBe(false);
  }, 60_000);

  it('re-renders page 1 with the input kept for a malformed national ID, without asking the service', async () => {
    const { agent, page } = await openFido();
    for (const bad of ['A123456788', 'hello', '']) {
      const res = await submitId(agent, page, bad);
      expect(res.status).toBe(400);
      expect(res.body).toContain('name="national_id"');
      expect(res.body).toContain(`value="${bad}"`);
      expect(alertOf(res.body)).toBe('身分證字號或居留證號的格式或檢查碼不正確。');
    }
    expect(sim.requests).toHaveLength(0);
    const rows = await records();
    expect(rows.map((r) => [r.method, r.success, r.failure_reason])).toContainEqual([
      'fido',
      false,
      'national_id.invalid',
    ]);
  });

  it.each([
    ['deny', '您已在手機上拒絕（取消）這次登入。'],
    ['timeout', '等待手機確認已逾時，請重新開始。'],
    ['sign-failure', '手機簽章沒有成功，請再試一次。'],
  ] as const)('phone %s: page 1 with a clear message and a way back', async (behaviour, message) => {
    await sim.addPhone(ID, { behaviour });
    const { agent, page } = await openFido();
    const res = await submitId(agent, page, ID);
    expect(res.status).toBe(400);
    expect(alertOf(res.body)).toBe(message);
    expect(res.body).toContain('name="national_id"');
    expect(res.body).toMatch(/href="\/interaction\/[^"/]+">改用其他方式登入/);
    const [record] = await records();
    expect(record).toMatchObject({ method: 'fido', success: false });
  });

  it.each([
    ['not-registered', '尚未註冊行動自然人憑證'],
    ['no-biometrics', '已設定生物辨識（指紋或臉部辨識）的手機'],
  ] as const)('%s: the FAQ message on page 1', async (behaviour, text) => {
    await sim.addPhone(ID, { behaviour });
    const { agent, page } = await openFido();
    const res = await submitId(agent, page, ID);
    expect(res.status).toBe(400);
    expect(alertOf(res.body)).toContain(text);
    expect(res.body).toContain(`value="${ID}"`);
  });

  it('offers the QR code when the push registration is stale', async () => {
    await sim.addPhone(ID, { behaviour: 'stale-push' });
    const { agent, page } = await openFido();
    const res = await submitId(agent, page, ID, 'push');
    expect(alertOf(res.body)).toContain('請改用 QR Code 掃描');
  });

  it('in English', async () => {
    await sim.addPhone(ID, { behaviour: 'no-biometrics' });
    const agent = new HttpAgent(t.issuer);
    const flow = await startAuthorization(config, {
      username: '',
      password: '',
      extraParams: { ui_locales: 'en' },
    });
    const login = await agent.follow(flow.url.href);
    const page = await agent.follow(/href="([^"]+)" data-method="fido"/.exec(login.body)![1]!);
    expect(page.body).toContain('Sign in with the Mobile Citizen Digital Certificate');
    const res = await submitId(agent, page, ID);
    expect(alertOf(res.body)).toContain('biometrics');
  });

  it('refuses a certificate from an untrusted CA, an expired one, and a signature over another text', async () => {
    await createAccount(t.runtime);
    for (const [opts, message] of [
      [{ cert: 'untrusted' }, '憑證未通過驗證'],
      [{ cert: 'expired' }, '憑證未通過驗證'],
      [{ behaviour: 'wrong-tbs' }, '無法驗證手機的簽章'],
    ] as const) {
      sim.reset();
      await sim.addPhone(ID, opts);
      const { agent, page } = await openFido();
      const res = await submitId(agent, page, ID);
      expect(res.status).toBe(401);
      expect(alertOf(res.body)).toContain(message);
      expect(res.body).not.toContain('name="password"');
    }
    expect(await t.runtime.db('credentials')).toHaveLength(0);
  });

  it('keeps the username on a wrong password at the binding step, and binds on the right one', async () => {
    const account = await createAccount(t.runtime);
    await sim.addPhone(ID);
    const { agent, page, flow } = await openFido();
    const bind = await submitId(agent, page, ID);
    const wrong = await submitBind(agent, bind, 'aa1234', 'not the password');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('value="aa1234"');
    expect(alertOf(wrong.body)).toBe('帳號或密碼錯誤。');
    expect(await t.runtime.db('credentials')).toHaveLength(0);
    const done = await submitBind(agent, wrong, 'aa1234', PASSWORD);
    expect((await tokensFrom(done, flow)).claims()?.sub).toBe(account.id);
  });

  it('does not bind an account whose national ID on record is someone else', async () => {
    const account = await createAccount(t.runtime);
    const other = sealNationalId(t.runtime.box, withCheckDigit('B22345671'));
    await t.runtime.db('accounts').where({ id: account.id }).update({
      national_id_sealed: other.sealed,
      national_id_hash: other.hash,
      national_id_masked: other.masked,
    });
    expect(other.hash).not.toBe(hashNationalId(t.runtime.box, ID));
    await sim.addPhone(ID);
    const { agent, page } = await openFido();
    const bind = await submitId(agent, page, ID);
    const res = await submitBind(agent, bind, 'aa1234', PASSWORD);
    expect(res.status).toBe(403);
    expect(alertOf(res.body)).toContain('身分證字號與手機確認的不同');
    expect(await t.runtime.db('credentials')).toHaveLength(0);
  });

  it('refuses a bound but disabled account', async () => {
    const account = await createAccount(t.runtime);
    await sim.addPhone(ID);
    const first = await openFido();
    await submitBind(first.agent, await submitId(first.agent, first.page, ID), 'aa1234', PASSWORD);
    await t.runtime.db('accounts').where({ id: account.id }).update({ status: 'disabled' });
    const { agent, page } = await openFido();
    const res = await submitId(agent, page, ID);
    expect(res.status).toBe(403);
    expect(res.location).toBeUndefined();
  });
});

describe('expiry and replay', () => {
  it('asks to start again when no login is under way, and after the login is done', async () => {
    await createAccount(t.runtime);
    await sim.addPhone(ID);
    const { agent, page } = await openFido();
    const uid = new URL(page.url).pathname.split('/')[2];
    const none = await agent.follow(`/interaction/${uid}/fido/wait`);
    expect(none.status).toBe(400);
    expect(alertOf(none.body)).toBe('這次登入已結束或逾時，請重新輸入身分證字號。');
    // a bind form posted before the phone approved
    const early = await agent.follow(`/interaction/${uid}/fido/bind`, {
      form: { username: 'aa1234', password: PASSWORD, csrf: csrfFrom(page.body) },
    });
    expect(early.status).toBe(400);
    expect(alertOf(early.body)).toBe('這次登入已結束或逾時，請重新輸入身分證字號。');

    const bind = await submitId(agent, page, ID);
    const done = await submitBind(agent, bind, 'aa1234', PASSWORD);
    expect(done.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback/);
    // the state is gone with the interaction: the wait page and the bind form cannot be replayed
    const replayWait = await agent.follow(`/interaction/${uid}/fido/wait`);
    expect(replayWait.status).toBe(400);
    expect(replayWait.location).toBeUndefined();
    const replayBind = await submitBind(agent, bind, 'aa1234', PASSWORD);
    expect(replayBind.status).toBe(400);
    expect(replayBind.location).toBeUndefined();
  });

  it('tells the user the request ran out when the service reports the ticket overdue', async () => {
    await sim.addPhone(ID, { behaviour: 'timeout', delayMs: 50 });
    const { agent, page } = await openFido();
    const wait = await submitId(agent, page, ID);
    // the first poll came before the phone's time ran out
    expect(wait.body).toContain('http-equiv="refresh"');
    await sleep(4100);
    const res = await agent.follow(`${new URL(page.url).pathname}/wait`);
    expect(alertOf(res.body)).toBe('等待手機確認已逾時，請重新開始。');
  }, 60_000);

  it('throttles repeated requests for one national ID', async () => {
    await sim.addPhone(ID, { behaviour: 'deny' });
    const { agent, page } = await openFido();
    let last: AgentResponse | undefined;
    for (let i = 0; i < 7; i++) last = await submitId(agent, page, ID);
    expect(last!.status).toBe(429);
    expect(alertOf(last!.body)).toBe('嘗試次數過多，請稍候幾分鐘再試。');
    expect(sim.requests.filter((r) => r.iface === 'getSpTicket').length).toBeLessThan(7);
  });
});
