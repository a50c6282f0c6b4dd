/**
 * Passkeys end to end without a browser: a software authenticator (real P-256 keys, real
 * attestation objects and signatures) registers through /account/passkeys, signed in through
 * the OP like any first-party page, then signs in to an RP through /interaction/:uid/passkey.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, startAuthorization, submitLogin } from '../helpers/flow.js';
import { csrfFrom, HttpAgent } from '../helpers/http-agent.js';
import { FLAGS, SoftAuthenticator } from '../helpers/soft-authenticator.js';

const t = useTestInstance();

let config: oidc.Configuration;
let accountId: string;
beforeEach(async () => {
  accountId = (await createAccount(t.runtime)).id;
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const alertText = (body: string) => /role="alert"[\s\S]*?<\/span>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';

const records = async () => {
  await t.runtime.writer.flush();
  return t.runtime.db('login_records').where({ method: 'passkey' }).orderBy('created_at');
};

const passkeyRows = () => t.runtime.db('credentials').where({ type: 'passkey' }).orderBy('created_at');

/** A browser signed in to the account pages (through the OP's password login). */
async function accountPage(username = 'aa1234') {
  const agent = new HttpAgent(t.issuer);
  const login = await agent.follow('/account/passkeys');
  expect(login.status).toBe(200);
  expect(login.url).toMatch(/\/interaction\/[\w-]+$/);
  const page = await submitLogin(agent, login.body, username, PASSWORD);
  expect(page.status).toBe(200);
  expect(new URL(page.url).pathname).toBe('/account/passkeys');
  return { agent, page };
}

async function registrationOptions(agent: HttpAgent) {
  const res = await agent.request('/account/passkeys/options');
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toContain('no-store');
  return JSON.parse(res.body);
}

function postRegistration(agent: HttpAgent, pageHtml: string, response: unknown, name = '我的手機') {
  return agent.follow('/account/passkeys', {
    form: { csrf: csrfFrom(pageHtml), name, response: JSON.stringify(response) },
  });
}

/** Signs in to the account pages and registers one passkey of `auth`; returns the list page. */
async function registerPasskey(auth: SoftAuthenticator, name = '我的手機') {
  const { agent, page } = await accountPage();
  const res = await postRegistration(agent, page.body, auth.register(await registrationOptions(agent)), name);
  expect(res.status).toBe(200);
  expect(res.url).toMatch(/\/account\/passkeys\?done=added$/);
  return { agent, page: res };
}

/** An RP's authorization request, up to the passkey page of its interaction. */
async function openPasskeyPage(agent = new HttpAgent(t.issuer)) {
  const flow = await startAuthorization(config, { username: '', password: '' });
  const login = await agent.follow(flow.url.href);
  expect(login.status).toBe(200);
  const uid = /\/interaction\/([\w-]+)\//.exec(login.body)?.[1] ?? '';
  expect(login.body).toContain(`href="/interaction/${uid}/passkey"`);
  const page = await agent.follow(`/interaction/${uid}/passkey`);
  expect(page.status).toBe(200);
  return { ...flow, agent, uid, page };
}

async function loginOptions(agent: HttpAgent, uid: string) {
  const res = await agent.request(`/interaction/${uid}/passkey/options`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body);
}

function postAssertion(agent: HttpAgent, uid: string, pageHtml: string, assertion: unknown) {
  return agent.follow(`/interaction/${uid}/passkey`, {
    form: { csrf: csrfFrom(pageHtml), response: JSON.stringify(assertion) },
  });
}

function expectPasskeyPageWith(res: { status: number; body: string }, message: string) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(alertText(res.body)).toBe(message);
  // the passkey page itself comes back, ready for another try
  expect(res.body).toContain('data-passkey="login"');
  expect(res.body).toContain('<script src="/static/passkey.js"');
}

describe('GET /interaction/:uid/passkey', () => {
  it('is offered on the login page and renders a scripted page with a no-JavaScript fallback', async () => {
    const { agent, page, uid } = await openPasskeyPage();
    expect(page.body).toContain('使用通行金鑰登入');
    expect(page.body).toContain(`data-options="/interaction/${uid}/passkey/options"`);
    expect(page.body).toContain('<script src="/static/simplewebauthn-browser.js" defer></script>');
    // no inline script: every <script> has a same-origin src
    expect(page.body.match(/<script(?![^>]*src="\/static\/)/g)).toBeNull();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // without JavaScript: the reason, and the password form of the same interaction
    const noscript = /<noscript>([\s\S]*?)<\/noscript>/.exec(page.body)?.[1] ?? '';
    expect(noscript).toContain('通行金鑰需要啟用 JavaScript');
    expect(noscript).toContain(`action="/interaction/${uid}/password"`);
    const en = await agent.follow(`/interaction/${uid}/passkey?lang=en`);
    expect(en.body).toContain('<h1 class="card__title">Sign in with a passkey</h1>');
    expect(en.body).toContain('Passkeys need JavaScript.');

    // the login page (and only it) keeps the strict policy without scripts
    const login = await new HttpAgent(t.issuer).follow(
      (await startAuthorization(config, { username: '', password: '' })).url.href,
    );
    expect(login.headers.get('content-security-policy')).not.toContain('script-src');
  });

  it('serves the scripts with a JavaScript content type', async () => {
    for (const path of ['/static/passkey.js', '/static/simplewebauthn-browser.js']) {
      const res = await fetch(`${t.issuer}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await fetch(`${t.issuer}/static/simplewebauthn-browser.js`)).text()).toContain(
      'startAuthentication',
    );
  });

  it('gives discoverable request options: no allowCredentials, user verification required', async () => {
    const { agent, uid } = await openPasskeyPage();
    const options = await loginOptions(agent, uid);
    expect(options.rpId).toBe('127.0.0.1');
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.challenge).toMatch(/^[\w-]{43}$/);
    // kept in the interaction's state, no longer than the interaction
    const key = `oidc:InteractionState:${uid}:passkey_challenge`;
    const ttl = await t.runtime.redis!.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300);
  });
});

describe('POST /interaction/:uid/passkey', () => {
  it('signs in with a registered passkey: code → token with amr hwk+user and acr passkey', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const before = (await passkeyRows())[0];
    expect(before.last_used_at).toBeNull();

    const { agent, uid, page, verifier, state, nonce } = await openPasskeyPage();
    const res = await postAssertion(agent, uid, page.body, auth.assert(await loginOptions(agent, uid)));
    expect(res.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?/);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(res.location!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(accountId);
    expect(claims.amr).toEqual(['hwk', 'user']);
    expect(claims.acr).toBe('urn:edu-idp:acr:passkey');

    const after = (await passkeyRows())[0];
    expect(after.last_used_at).toBeInstanceOf(Date);
    expect(after.data.counter).toBe(1);
    const success = (await records()).find((r) => r.success);
    expect(success).toMatchObject({ account_id: accountId, username: 'aa1234' });

    // the acr is published in discovery, above the password's
    const discovery = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as {
      acr_values_supported: string[];
    };
    const acrs = discovery.acr_values_supported;
    expect(acrs.indexOf('urn:edu-idp:acr:passkey')).toBeGreaterThan(acrs.indexOf('urn:edu-idp:acr:password'));
  });

  it('refuses a wrong signature and brings the page back with a message', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const { agent, uid, page } = await openPasskeyPage();
    const intruder = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const res = await postAssertion(
      agent,
      uid,
      page.body,
      auth.assert(await loginOptions(agent, uid), { signWith: intruder }),
    );
    expectPasskeyPageWith(res, '通行金鑰驗證失敗，請再試一次。');
    expect(res.status).toBe(401);
    expect((await passkeyRows())[0].last_used_at).toBeNull();
    expect(await records()).toMatchObject([
      { success: false, failure_reason: 'passkey.verification_failed' },
    ]);
  });

  it('refuses an unknown credential', async () => {
    const stranger = new SoftAuthenticator(t.issuer);
    // a passkey made for this site but never registered here
    stranger.register({ challenge: 'x', rp: {}, user: { id: 'AAAA' } });
    const { agent, uid, page } = await openPasskeyPage();
    const res = await postAssertion(agent, uid, page.body, stranger.assert(await loginOptions(agent, uid)));
    expectPasskeyPageWith(res, '這個通行金鑰未在本系統登記。請先以帳號密碼登入，再到「通行金鑰」頁面新增。');
    expect(await records()).toMatchObject([{ success: false, failure_reason: 'passkey.unknown_credential' }]);
  });

  it('refuses an assertion made for another origin or without user verification', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const { agent, uid, page } = await openPasskeyPage();
    const phished = auth.assert(await loginOptions(agent, uid), { origin: 'https://evil.example' });
    expectPasskeyPageWith(
      await postAssertion(agent, uid, page.body, phished),
      '通行金鑰驗證失敗，請再試一次。',
    );
    const presenceOnly = auth.assert(await loginOptions(agent, uid), { flags: FLAGS.UP });
    expectPasskeyPageWith(
      await postAssertion(agent, uid, page.body, presenceOnly),
      '通行金鑰驗證失敗，請再試一次。',
    );
  });

  it('refuses a challenge that expired', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const { agent, uid, page } = await openPasskeyPage();
    const assertion = auth.assert(await loginOptions(agent, uid));
    // the stored challenge's lifetime runs out before the assertion arrives
    await t.runtime.redis!.pexpire(`oidc:InteractionState:${uid}:passkey_challenge`, 20);
    await new Promise((r) => setTimeout(r, 60));
    const res = await postAssertion(agent, uid, page.body, assertion);
    expectPasskeyPageWith(res, '通行金鑰驗證已逾時或已經使用過，請再按一次按鈕。');
    expect(await records()).toMatchObject([{ success: false, failure_reason: 'passkey.challenge_expired' }]);
  });

  it('accepts one assertion once even when two verifications race, for a passkey whose counter stays 0', async () => {
    // Synced passkeys report counter 0 every time, so the counter cannot tell a replay. The
    // route takes the challenge before verifying; this checks the service's own guarantee for
    // two verifications that got the same challenge anyway: the row lock orders them and the
    // second finds the challenge used.
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const options = { challenge: Buffer.from(randomBytes(32)).toString('base64url') };
    const assertion = auth.assert(options, { counter: 0 });
    const outcomes = await Promise.allSettled([
      t.runtime.passkeys.authenticate(assertion as never, options.challenge),
      t.runtime.passkeys.authenticate(assertion as never, options.challenge),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'passkey.challenge_expired' });
  });

  it('refuses a replayed assertion, in the same interaction and in a new one', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const first = await openPasskeyPage();
    const assertion = auth.assert(await loginOptions(first.agent, first.uid));
    const ok = await first.agent.request(`/interaction/${first.uid}/passkey`, {
      form: { csrf: csrfFrom(first.page.body), response: JSON.stringify(assertion) },
    });
    expect(ok.status).toBe(303);

    // the same assertion again: its challenge is used up
    const again = await postAssertion(first.agent, first.uid, first.page.body, assertion);
    expectPasskeyPageWith(again, '通行金鑰驗證已逾時或已經使用過，請再按一次按鈕。');

    // in another interaction with a fresh challenge: the signed challenge is not that one
    const second = await openPasskeyPage();
    await loginOptions(second.agent, second.uid);
    const replay = await postAssertion(second.agent, second.uid, second.page.body, assertion);
    expectPasskeyPageWith(replay, '通行金鑰驗證失敗，請再試一次。');
    expect((await records()).filter((r) => !r.success).map((r) => r.failure_reason)).toEqual([
      'passkey.challenge_expired',
      'passkey.verification_failed',
    ]);
  });

  it('refuses a signature counter that went back (a cloned authenticator)', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    const first = await openPasskeyPage();
    const ok = await postAssertion(
      first.agent,
      first.uid,
      first.page.body,
      auth.assert(await loginOptions(first.agent, first.uid), { counter: 7 }),
    );
    expect(ok.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?/);
    expect((await passkeyRows())[0].data.counter).toBe(7);

    const second = await openPasskeyPage();
    const res = await postAssertion(
      second.agent,
      second.uid,
      second.page.body,
      auth.assert(await loginOptions(second.agent, second.uid), { counter: 7 }),
    );
    expectPasskeyPageWith(
      res,
      '通行金鑰驗證失敗：這個金鑰可能遭到複製。請改用其他方式登入，並洽所屬學校資訊組。',
    );
    expect((await passkeyRows())[0].data.counter).toBe(7);
  });

  it('refuses a malformed response and a missing CSRF token', async () => {
    const { agent, uid, page } = await openPasskeyPage();
    const bad = await agent.follow(`/interaction/${uid}/passkey`, {
      form: { csrf: csrfFrom(page.body), response: '{"id":' },
    });
    expectPasskeyPageWith(bad, '沒有收到通行金鑰的回應，請再試一次。');
    const noCsrf = await agent.request(`/interaction/${uid}/passkey`, { form: { response: '{}' } });
    expect(noCsrf.status).toBe(403);
  });

  it('refuses the passkey of a disabled account', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth);
    await t.runtime.db('accounts').where({ id: accountId }).update({ status: 'disabled' });
    const { agent, uid, page } = await openPasskeyPage();
    const res = await postAssertion(agent, uid, page.body, auth.assert(await loginOptions(agent, uid)));
    expectPasskeyPageWith(res, '此帳號已停用，請洽所屬學校資訊組。');
  });
});

describe('/account/passkeys', () => {
  it('registers a passkey for the signed-in account, audited, and lists it', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    const { agent, page } = await accountPage();
    expect(page.body).toContain('您還沒有新增任何通行金鑰。');
    expect((await agent.follow('/account/passkeys?lang=en')).body).toContain(
      'You have not added a passkey yet.',
    );
    await agent.follow('/account/passkeys?lang=zh-TW');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const options = await registrationOptions(agent);
    expect(options.rp.id).toBe('127.0.0.1');
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.user.name).toBe('aa1234');
    // the user handle is the account id's bytes: opaque, no personal data
    expect(Buffer.from(options.user.id, 'base64url').toString('hex')).toBe(accountId.replaceAll('-', ''));

    const res = await postRegistration(agent, page.body, auth.register(options), '  我的  手機 ');
    expect(res.status).toBe(200);
    expect(res.body).toContain('已新增通行金鑰。');
    expect(res.body).toContain('<strong class="passkey-name">我的 手機</strong>');
    expect(res.body).toContain('可跨裝置同步');
    expect(res.body).toContain('尚未使用');

    const [row] = await passkeyRows();
    expect(row).toMatchObject({ account_id: accountId, identifier: auth.keys[0]!.id.toString('base64url') });
    expect(row.data).toMatchObject({
      counter: 0,
      transports: ['internal'],
      deviceType: 'multiDevice',
      backedUp: true,
      name: '我的 手機',
    });
    expect(typeof row.data.publicKey).toBe('string');
    const audit = await t.runtime.db('audit_log').where({ action: 'passkey.register' });
    expect(audit).toMatchObject([{ via: 'public', target_type: 'account', target_id: accountId }]);

    // a second passkey: the first one is excluded, so one authenticator cannot register twice
    const next = await registrationOptions(agent);
    expect(next.excludeCredentials).toEqual([
      { id: row.identifier, type: 'public-key', transports: ['internal'] },
    ]);
  });

  it('refuses a registration with a used or missing challenge, or without user verification', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    const { agent, page } = await accountPage();
    const response = auth.register(await registrationOptions(agent));
    expect((await postRegistration(agent, page.body, response)).status).toBe(200);
    // the same attestation again: the challenge is used up
    const replay = await postRegistration(agent, page.body, response);
    expect(replay.status).toBe(400);
    expect(alertText(replay.body)).toBe('通行金鑰驗證已逾時或已經使用過，請再按一次按鈕。');

    const noUv = auth.register(await registrationOptions(agent), { flags: FLAGS.UP });
    const refused = await postRegistration(agent, page.body, noUv, '沒有驗證');
    expect(refused.status).toBe(401);
    expect(alertText(refused.body)).toBe('通行金鑰驗證失敗，請再試一次。');
    // the typed name is kept for the next try
    expect(refused.body).toContain('value="沒有驗證"');
    expect(await passkeyRows()).toHaveLength(1);
  });

  it('renames and deletes a passkey; another account cannot touch it', async () => {
    const auth = new SoftAuthenticator(t.issuer);
    const { agent, page } = await registerPasskey(auth);
    const [row] = await passkeyRows();

    const tooLong = await agent.follow(`/account/passkeys/${row.id}/rename`, {
      form: { csrf: csrfFrom(page.body), name: 'x'.repeat(65) },
    });
    expect(tooLong.status).toBe(400);
    expect(alertText(tooLong.body)).toBe('請輸入 1 到 64 個字的名稱。');

    const renamed = await agent.follow(`/account/passkeys/${row.id}/rename`, {
      form: { csrf: csrfFrom(page.body), name: '辦公室電腦' },
    });
    expect(renamed.url).toMatch(/\?done=renamed$/);
    expect(renamed.body).toContain('<strong class="passkey-name">辦公室電腦</strong>');

    const noCsrf = await agent.request(`/account/passkeys/${row.id}/delete`, { form: {} });
    expect(noCsrf.status).toBe(403);

    await createAccount(t.runtime, { username: 'bb5678' });
    const other = await accountPage('bb5678');
    for (const action of ['rename', 'delete']) {
      const res = await other.agent.follow(`/account/passkeys/${row.id}/${action}`, {
        form: { csrf: csrfFrom(other.page.body), name: 'mine now' },
      });
      expect(res.status).toBe(404);
      expect(alertText(res.body)).toBe('找不到這個通行金鑰。');
    }
    expect(await passkeyRows()).toHaveLength(1);

    const deleted = await agent.follow(`/account/passkeys/${row.id}/delete`, {
      form: { csrf: csrfFrom(page.body) },
    });
    expect(deleted.url).toMatch(/\?done=deleted$/);
    expect(deleted.body).toContain('已刪除通行金鑰。');
    expect(await passkeyRows()).toHaveLength(0);
    const actions = (await t.runtime.db('audit_log').orderBy('id')).map((a) => a.action);
    expect(actions).toEqual(['passkey.register', 'passkey.rename', 'passkey.delete']);

    // the deleted passkey no longer signs in
    const { agent: browser, uid, page: login } = await openPasskeyPage();
    const res = await postAssertion(browser, uid, login.body, auth.assert(await loginOptions(browser, uid)));
    expectPasskeyPageWith(res, '這個通行金鑰未在本系統登記。請先以帳號密碼登入，再到「通行金鑰」頁面新增。');
  });

  it('needs a signed-in session, which ends with the OP session', async () => {
    const anonymous = new HttpAgent(t.issuer);
    const options = await anonymous.request('/account/passkeys/options');
    expect(options.status).toBe(401);
    const start = await anonymous.request('/account/passkeys');
    expect(start.status).toBe(302);
    expect(start.location).toContain('client_id=edu-idp-account');

    const { agent } = await accountPage();
    expect((await agent.request('/account/passkeys/options')).status).toBe(200);
    // signing out of the OP (here: its session disappears) closes the account page too
    await t.runtime.redis!.eval(
      "for _, k in ipairs(redis.call('KEYS', 'oidc:Session:*')) do redis.call('DEL', k) end",
      0,
    );
    expect((await agent.request('/account/passkeys/options')).status).toBe(401);
  });
});
