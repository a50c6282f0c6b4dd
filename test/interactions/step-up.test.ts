/**
 * Login policy and step-up through real RPs (openid-client) and the real admin console, with
 * the production default ADMIN_REQUIRED_ACR (passkey): ADMIN_REQUIRED_ACR '' is "unset".
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { ACR } from '../../src/interactions/methods/types.js';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, startAuthorization, submitLogin } from '../helpers/flow.js';
import { csrfFrom, HttpAgent, submitLoginForm } from '../helpers/http-agent.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

const t = useTestInstance({ ADMIN_REQUIRED_ACR: '' });

let config: oidc.Configuration;
beforeEach(async () => {
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const alertText = (body: string) => /role="alert"[\s\S]*?<\/span>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';
const noticeText = (body: string) => /id="step-up"><p class="alert__text">([\s\S]*?)<\/p>/.exec(body)?.[1];
const uidOf = (url: string) => /\/interaction\/([\w-]+)/.exec(url)?.[1] ?? '';

/** Registers a passkey of `auth` for `username` through the account pages (a password login). */
async function registerPasskey(auth: SoftAuthenticator, username: string) {
  const agent = new HttpAgent(t.issuer);
  const login = await agent.follow('/account/passkeys');
  const page = await submitLogin(agent, login.body, username, PASSWORD);
  expect(new URL(page.url).pathname).toBe('/account/passkeys');
  const options = JSON.parse((await agent.request('/account/passkeys/options')).body);
  const res = await agent.follow('/account/passkeys', {
    form: { csrf: csrfFrom(page.body), name: 'key', response: JSON.stringify(auth.register(options)) },
  });
  expect(res.url).toMatch(/done=added$/);
}

/** Signs in with the passkey at the interaction `uid` of `agent`; returns the response that follows. */
async function passkeyLogin(agent: HttpAgent, uid: string, auth: SoftAuthenticator) {
  const page = await agent.follow(`/interaction/${uid}/passkey`);
  expect(page.status).toBe(200);
  const options = JSON.parse((await agent.request(`/interaction/${uid}/passkey/options`)).body);
  return agent.follow(`/interaction/${uid}/passkey`, {
    form: { csrf: csrfFrom(page.body), response: JSON.stringify(auth.assert(options)) },
  });
}

function expectStepUpPage(body: string, uid: string) {
  // only methods strong enough: passkey and the card, no password form
  expect(noticeText(body)).toBe('此應用程式需要較高等級的驗證（自然人憑證或通行金鑰）');
  expect(body).toContain(`href="/interaction/${uid}/passkey"`);
  expect(body).toContain(`href="/interaction/${uid}/certificate"`);
  expect(body).not.toContain(`action="/interaction/${uid}/password"`);
  // the buttons stand alone: no "or sign in another way" divider without a form above it
  expect(body).not.toContain('或使用其他方式登入');
}

describe('step-up with acr_values', () => {
  it('asks a password session for a passkey in the same session; the ID token has the passkey acr and the same sub', async () => {
    const account = await createAccount(t.runtime);
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth, account.username);

    const agent = new HttpAgent(t.issuer);
    const first = await loginAndGetTokens(t.issuer, config, {
      username: account.username,
      password: PASSWORD,
      agent,
    });
    expect(first.tokens.claims()).toMatchObject({ sub: account.id, acr: ACR.password, amr: ['pwd'] });

    const flow = await startAuthorization(config, {
      username: '',
      password: '',
      extraParams: { acr_values: `urn:unknown:acr ${ACR.passkey}` },
    });
    const page = await agent.follow(flow.url.href);
    expect(page.status).toBe(200);
    const uid = uidOf(page.url);
    expectStepUpPage(page.body, uid);
    const en = await agent.follow(`/interaction/${uid}?lang=en`);
    expect(noticeText(en.body)).toBe(
      'This application needs a stronger sign-in (a Citizen Digital Certificate or a passkey)',
    );

    // a password POST to the step-up interaction is refused (too weak), the page comes back
    const passkeyPage = await agent.follow(`/interaction/${uid}/passkey?lang=zh-TW`);
    const weak = await agent.follow(`/interaction/${uid}/password`, {
      form: { username: account.username, password: PASSWORD, csrf: csrfFrom(passkeyPage.body) },
    });
    expect(weak.status).toBe(403);
    expect(alertText(weak.body)).toBe(
      '此應用程式需要較高等級的驗證，這種登入方式不夠，請改用頁面上的其他方式登入。',
    );

    const done = await passkeyLogin(agent, uid, auth);
    expect(done.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?/);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    // oidc-provider keeps the latest login's acr/amr on the session (not a union)
    expect(tokens.claims()).toMatchObject({ sub: account.id, acr: ACR.passkey, amr: ['hwk', 'user'] });
  });

  it('refuses a step-up by another account and keeps the session', async () => {
    const alice = await createAccount(t.runtime, { username: 'alice01' });
    await createAccount(t.runtime, { username: 'bob0001' });
    const bobKey = new SoftAuthenticator(t.issuer);
    await registerPasskey(bobKey, 'bob0001');

    const agent = new HttpAgent(t.issuer);
    await loginAndGetTokens(t.issuer, config, { username: 'alice01', password: PASSWORD, agent });
    const flow = await startAuthorization(config, {
      username: '',
      password: '',
      extraParams: { acr_values: ACR.passkey },
    });
    const page = await agent.follow(flow.url.href);
    const uid = uidOf(page.url);
    const res = await passkeyLogin(agent, uid, bobKey);
    expect(res.status).toBe(403);
    expect(alertText(res.body)).toBe('請以目前登入的同一個帳號完成驗證；如要改用其他帳號，請先登出。');
    // the session is still alice's: a plain request signs in as alice without a page
    const again = await loginAndGetTokens(t.issuer, config, { username: '', password: '', agent });
    expect(again.tokens.claims()?.sub).toBe(alice.id);
  });
});

describe('rules of 啟用登入機制', () => {
  it('refuses a staff member’s password at a client whose rule allows only the certificate; a teacher signs in', async () => {
    const dir = await seedDirectory(t.runtime);
    await createMember(t.runtime, {
      username: 'staff01',
      schoolId: dir.schoolA,
      identityType: 'staff',
      titles: ['幹事'],
    });
    const teacher = await createMember(t.runtime, { username: 'teach01', schoolId: dir.schoolA });
    await t.runtime.db('login_policies').insert({
      county_id: dir.countyId,
      client_id: 'school-app',
      identity_type: 'staff',
      allowed_methods: ['certificate'],
    });

    const agent = new HttpAgent(t.issuer);
    const flow = await startAuthorization(config, { username: '', password: '' });
    const login = await agent.follow(flow.url.href);
    const res = await submitLogin(agent, login.body, 'staff01', PASSWORD);
    expect(res.status).toBe(403);
    expect(alertText(res.body)).toBe('此應用程式不接受這種登入方式，請改用頁面上的其他方式登入。');
    expect(res.body).toContain('value="staff01"');
    await t.runtime.writer.flush();
    const failure = await t.runtime.db('login_records').where({ username: 'staff01' }).first();
    expect(failure).toMatchObject({ success: false, failure_reason: 'step_up.method_not_allowed' });

    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'teach01', password: PASSWORD });
    expect(tokens.claims()?.sub).toBe(teacher.id);
  });

  it('asks for the rule’s required acr after a password login (step-up), and a client’s default_acr_values too', async () => {
    const dir = await seedDirectory(t.runtime);
    await createMember(t.runtime, { username: 'teach01', schoolId: dir.schoolA });
    await t.runtime.db('login_policies').insert({
      county_id: dir.countyId,
      client_id: 'school-app',
      required_acr: ACR.certificate,
    });
    const agent = new HttpAgent(t.issuer);
    const flow = await startAuthorization(config, { username: '', password: '' });
    const login = await agent.follow(flow.url.href);
    const res = await submitLogin(agent, login.body, 'teach01', PASSWORD);
    expect(res.status).toBe(200);
    expect(noticeText(res.body)).toBe('此應用程式需要較高等級的驗證（自然人憑證）');
    expect(res.body).not.toContain('/passkey"');

    await createClient(t.runtime, {
      client_id: 'strict-app',
      first_party: true,
      default_acr_values: [ACR.passkey],
    });
    const strict = await discoverRp(t.issuer, { clientId: 'strict-app', clientSecret: CLIENT_SECRET });
    const other = new HttpAgent(t.issuer);
    const page = await other.follow(
      (await startAuthorization(strict, { username: '', password: '' })).url.href,
    );
    const stepUp = await submitLogin(other, page.body, 'teach01', PASSWORD);
    expect(noticeText(stepUp.body)).toBe('此應用程式需要較高等級的驗證（自然人憑證或通行金鑰）');
  });
});

describe('admin console (ADMIN_REQUIRED_ACR default: passkey)', () => {
  it('does not open the console after a password alone, and does after a passkey', async () => {
    const dir = await seedDirectory(t.runtime);
    await createMember(t.runtime, {
      username: 'kladmin',
      schoolId: dir.schoolA,
      role: { role: 'county_admin', orgId: dir.countyId },
    });
    const auth = new SoftAuthenticator(t.issuer);
    await registerPasskey(auth, 'kladmin');

    const agent = new HttpAgent(t.issuer);
    const login = await agent.follow('/admin/login');
    const afterPassword = await submitLoginForm(agent, login.body, 'kladmin', PASSWORD);
    expect(afterPassword.status).toBe(200);
    expect(afterPassword.url).toMatch(/\/interaction\/[\w-]+$/);
    const uid = uidOf(afterPassword.url);
    expectStepUpPage(afterPassword.body, uid);
    expect((await agent.request('/admin')).status).not.toBe(200);

    const done = await passkeyLogin(agent, uid, auth);
    expect(done.status).toBe(200);
    expect(new URL(done.url).pathname).toBe('/admin');
    expect(done.body).toContain('啟用登入機制');
  });
});

describe('discovery', () => {
  it('lists every acr value, weakest first', async () => {
    const discovery = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as {
      acr_values_supported: string[];
    };
    expect(discovery.acr_values_supported).toEqual(Object.values(ACR));
  });
});
