/**
 * 服務啟用 at login (issue 5, done-when): an openid-client RP whose client is bound to an
 * activation-required service gets no code before the user activates the service; the
 * activation page activates it and the login continues to a code and tokens; deactivation
 * revokes the grant (the refresh token fails) and the next login asks again.
 */
import { describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, startAuthorization, submitLogin } from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance();

async function setup(opts: { firstParty?: boolean; identityTypes?: string[] } = {}) {
  const account = await createAccount(t.runtime);
  await t.runtime.db('accounts').where({ id: account.id }).update({ identity_type: 'student' });
  await createClient(t.runtime, { first_party: opts.firstParty ?? false });
  const [service] = await t.runtime
    .db('services')
    .insert({
      name_zh: '雲端硬碟',
      name_en: 'ownCloud cloud drive',
      icon: 'cloud',
      client_id: 'school-app',
      go_url: 'https://app.example.edu.tw/',
      identity_types: opts.identityTypes ?? [],
      activation_required: true,
    })
    .returning('id');
  const rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  return { account, serviceId: service.id as string, rp };
}

/** Authorize and sign in; returns the page the login leads to (the activation page here). */
async function begin(rp: oidc.Configuration, agent = new HttpAgent(t.issuer), extra = {}) {
  const flow = await startAuthorization(rp, { username: 'aa1234', password: PASSWORD, extraParams: extra });
  let res = await agent.follow(flow.url.href);
  if (res.status === 200 && res.body.includes('/password')) {
    res = await submitLogin(agent, res.body, 'aa1234', PASSWORD);
  }
  return { agent, flow, res };
}

async function decide(agent: HttpAgent, page: string, decision: 'activate' | 'cancel') {
  return agent.follow(formActionFrom(page, '/activation'), {
    form: { decision, csrf: csrfFrom(page) },
  });
}

async function consentIfAsked(agent: HttpAgent, res: Awaited<ReturnType<HttpAgent['follow']>>) {
  if (res.status === 200 && res.body.includes('/consent')) {
    return agent.follow(formActionFrom(res.body, '/consent'), {
      form: { decision: 'allow', csrf: csrfFrom(res.body) },
    });
  }
  return res;
}

const openActivations = (accountId: string) =>
  t.runtime.db('service_activations').where({ account_id: accountId }).whereNull('deactivated_at');

describe('login to the client of an activation-required service', () => {
  it('issues no code before activation, then activates on the page and continues to tokens', async () => {
    const { account, serviceId, rp } = await setup();
    const { agent, flow, res } = await begin(rp);
    // the login stops at the activation page: no redirect to the RP, so no code
    expect(res.status).toBe(200);
    expect(res.location).toBeUndefined();
    expect(res.body).toContain('請先啟用「雲端硬碟」');
    expect(res.body).toContain('啟用並繼續');
    expect(res.body).toMatch(/<svg class="service-icon"/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await openActivations(account.id)).toHaveLength(0);

    // activate: the login goes on (this client is not first-party: its consent page next)
    const next = await consentIfAsked(agent, await decide(agent, res.body, 'activate'));
    expect(next.location).toBeDefined();
    const callback = new URL(next.location!);
    expect(callback.searchParams.get('code')).toBeTruthy();
    const tokens = await oidc.authorizationCodeGrant(rp, callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    expect(tokens.claims()?.sub).toBe(account.id);
    expect(tokens.refresh_token).toBeTruthy();
    const [row] = await openActivations(account.id);
    expect(row).toMatchObject({ service_id: serviceId, deactivated_at: null });

    // a second login in the same session: activated, so straight to a code
    const again = await startAuthorization(rp, { username: 'aa1234', password: PASSWORD });
    const direct = await agent.follow(again.url.href);
    expect(new URL(direct.location!).searchParams.get('code')).toBeTruthy();
  });

  it('after deactivation the refresh token is rejected and the next login asks again', async () => {
    const { account, serviceId, rp } = await setup({ firstParty: true });
    const { agent, flow, res } = await begin(rp);
    const next = await decide(agent, res.body, 'activate');
    // first-party: no consent page, the code comes at once
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(next.location!), {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTruthy();

    await t.runtime.serviceCatalog.deactivate(account.id, serviceId);
    await expect(oidc.refreshTokenGrant(rp, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const history = await t.runtime.serviceCatalog.history(account.id, serviceId);
    expect(history).toHaveLength(1);
    expect(history[0]!.deactivatedAt).toBeInstanceOf(Date);

    // the OP session is still there: no password, but the activation page again
    const again = await startAuthorization(rp, { username: 'aa1234', password: PASSWORD });
    const page = await agent.follow(again.url.href);
    expect(page.status).toBe(200);
    expect(page.location).toBeUndefined();
    expect(page.body).toContain('請先啟用「雲端硬碟」');
    const done = await decide(agent, page.body, 'activate');
    expect(new URL(done.location!).searchParams.get('code')).toBeTruthy();
    // history kept: the closed activation and the new open one
    expect(await t.runtime.serviceCatalog.history(account.id, serviceId)).toHaveLength(2);
  });

  it('speaks English when the RP asks for it', async () => {
    const { rp } = await setup();
    const { res } = await begin(rp, new HttpAgent(t.issuer), { ui_locales: 'en' });
    expect(res.body).toContain('Activate “ownCloud cloud drive” first');
    expect(res.body).toContain('Activate and continue');
  });

  it('cancel returns access_denied to the RP and records nothing', async () => {
    const { account, rp } = await setup();
    const { agent, res } = await begin(rp);
    const back = await decide(agent, res.body, 'cancel');
    const callback = new URL(back.location!);
    expect(callback.origin).toBe('https://app.example.edu.tw');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(await t.runtime.db('service_activations').where({ account_id: account.id })).toHaveLength(0);
  });

  it('prompt=none gets interaction_required before activation', async () => {
    const { rp } = await setup({ firstParty: true });
    const { agent } = await begin(rp);
    const silent = await startAuthorization(rp, {
      username: 'aa1234',
      password: PASSWORD,
      extraParams: { prompt: 'none' },
    });
    const res = await agent.follow(silent.url.href);
    const callback = new URL(res.location!);
    expect(callback.searchParams.get('error')).toBe('interaction_required');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('a service not for this account offers no activation and refuses a forged one', async () => {
    const { account, rp } = await setup({ identityTypes: ['teacher'] });
    const { agent, res } = await begin(rp);
    expect(res.body).toContain('您的帳號無法使用「雲端硬碟」服務');
    expect(res.body).not.toContain('value="activate"');
    const forged = await decide(agent, res.body, 'activate');
    expect(forged.status).toBe(404);
    expect(forged.body).toContain('您的帳號無法使用這個服務。');
    expect(forged.location).toBeUndefined();
    expect(await t.runtime.db('service_activations').where({ account_id: account.id })).toHaveLength(0);
  });

  it('a form without its CSRF token is refused', async () => {
    const { account, rp } = await setup();
    const { agent, res } = await begin(rp);
    const bad = await agent.follow(formActionFrom(res.body, '/activation'), {
      form: { decision: 'activate', csrf: 'x'.repeat(43) },
    });
    expect(bad.status).toBe(403);
    expect(await t.runtime.db('service_activations').where({ account_id: account.id })).toHaveLength(0);
  });

  it('a client with no activation-required service signs in as before', async () => {
    const { rp } = await setup({ firstParty: true });
    await t.runtime.db('services').update({ activation_required: false });
    const { res } = await begin(rp);
    expect(new URL(res.location!).searchParams.get('code')).toBeTruthy();
  });
});
