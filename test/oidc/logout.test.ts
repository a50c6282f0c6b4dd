import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { resetStores, startTestInstance, type TestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, startAuthorization } from '../helpers/flow.js';
import type { HttpAgent } from '../helpers/http-agent.js';

let t: TestInstance;
let rpServer: Server;
let backchannelUrl: string;
const logoutTokens: string[] = [];

beforeAll(async () => {
  t = await startTestInstance();
  // the RP's back-channel logout endpoint
  rpServer = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) logoutTokens.push(token);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => rpServer.listen(0, '127.0.0.1', r));
  backchannelUrl = `http://127.0.0.1:${(rpServer.address() as AddressInfo).port}/backchannel`;
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => rpServer.close(r));
});
beforeEach(async () => {
  await resetStores(t.runtime);
  logoutTokens.length = 0;
  await createAccount(t.runtime);
  await createClient(t.runtime, {
    first_party: true,
    backchannel_logout_uri: backchannelUrl,
    backchannel_logout_session_required: true,
  });
});

/** Confirms the logout page: posts its form with logout=yes, follows to the end. */
async function confirmLogout(agent: HttpAgent, page: string) {
  const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
  expect(action).toBeTruthy();
  return agent.follow(action!, { form: { xsrf: xsrf!, logout: 'yes' } });
}

async function expectSignedOut(agent: HttpAgent, config: oidc.Configuration) {
  const { url } = await startAuthorization(config, { username: '', password: '' });
  const res = await agent.follow(url.href);
  expect(res.status).toBe(200);
  expect(res.body).toContain('name="password"');
}

describe('/oidc/v1/logout (RP-initiated logout)', () => {
  it('asks for confirmation, ends the session, notifies back-channel RPs and returns to the RP', async () => {
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { agent, tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
    });
    const sid = tokens.claims()?.sid;
    expect(sid).toBeTruthy();
    const endUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://app.example.edu.tw/bye',
      state: 'bye-state',
    });
    const page = await agent.follow(endUrl.href);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const done = await confirmLogout(agent, page.body);
    expect(done.location).toBe('https://app.example.edu.tw/bye?state=bye-state');

    expect(logoutTokens).toHaveLength(1);
    const { payload } = await jwtVerify(
      logoutTokens[0]!,
      createRemoteJWKSet(new URL(`${t.issuer}/oidc/v1/jwksets`)),
      {
        issuer: t.issuer,
        audience: 'school-app',
      },
    );
    expect(payload.sub).toBe(tokens.claims()?.sub);
    expect(payload.sid).toBe(sid);
    expect(payload.events).toHaveProperty(['http://schemas.openid.net/event/backchannel-logout']);

    await expectSignedOut(agent, config);
    await t.runtime.writer.flush();
    const types = (await t.runtime.db('session_events').orderBy('created_at')).map(
      (e: { type: string }) => e.type,
    );
    expect(types).toEqual(['login', 'authorize', 'token', 'logout']);
  });

  it('accepts the MOE spellings /oidc/v1/userlogout?Id_token_hint=…&post_logout_redirect_url=…', async () => {
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { agent, tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
    });
    for (const path of ['/oidc/v1/userlogout', '/oidc/v1/logout-to-go', '/auth-logout']) {
      const page = await agent.follow(
        `${path}?Id_token_hint=${tokens.id_token}&post_logout_redirect_url=${encodeURIComponent('https://app.example.edu.tw/bye')}`,
      );
      expect(page.status).toBe(200);
      expect(page.body).toContain('op.logoutForm');
    }
    const page = await agent.follow(
      `/oidc/v1/userlogout?Id_token_hint=${tokens.id_token}&post_logout_redirect_url=${encodeURIComponent('https://app.example.edu.tw/bye')}`,
    );
    const done = await confirmLogout(agent, page.body);
    expect(done.location).toBe('https://app.example.edu.tw/bye');
    await expectSignedOut(agent, config);
  });

  it('refuses a post_logout_redirect_uri that is not registered', async () => {
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { agent, tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
    });
    const res = await agent.follow(
      oidc.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token!,
        post_logout_redirect_uri: 'https://evil.example.com/',
      }).href,
    );
    expect(res.status).toBe(400);
    expect(res.location).toBeUndefined();
  });

  it('ends refresh tokens issued without offline_access with the session', async () => {
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { agent, tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
    });
    const page = await agent.follow(
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token! }).href,
    );
    await confirmLogout(agent, page.body);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
