import { beforeEach, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { authorize, discoverRp, loginAndGetTokens } from '../helpers/flow.js';
import { HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance();
beforeEach(async () => {
  await createAccount(t.runtime);
});

const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(body: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.issuer}/oidc/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('/oidc/v1/token', () => {
  it('rotates refresh tokens and revokes the grant when a consumed one is reused', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    const first = tokens.refresh_token!;
    expect(first).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(config, first);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(first);
    expect(refreshed.claims()?.sub).toBe(tokens.claims()?.sub);

    // replaying the consumed token is refused and kills the whole grant
    const replay = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: first },
      { authorization: basicAuth('school-app', CLIENT_SECRET) },
    );
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const afterReuse = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token! },
      { authorization: basicAuth('school-app', CLIENT_SECRET) },
    );
    expect(afterReuse.body.error).toBe('invalid_grant');
    await expect(oidc.fetchUserInfo(config, refreshed.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });

  it('refuses a code a second time (replay) and revokes what the first use issued', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const flow = await authorize(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    const tokens = await oidc.authorizationCodeGrant(config, flow.callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
    });
    const code = flow.callback.searchParams.get('code')!;
    const replay = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example.edu.tw/callback',
        code_verifier: flow.verifier,
      },
      { authorization: basicAuth('school-app', CLIENT_SECRET) },
    );
    expect(replay.body.error).toBe('invalid_grant');
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });

  it('rejects a wrong client secret with invalid_client', async () => {
    await createClient(t.runtime);
    const res = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('school-app', 'wrong-secret-0123456789') },
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('stores client secrets hashed, never in clear', async () => {
    await createClient(t.runtime);
    const row = await t.runtime.db('clients').where({ client_id: 'school-app' }).first();
    expect(row.secret_hash).toMatch(/^h1\./);
    expect(JSON.stringify(row)).not.toContain(CLIENT_SECRET);
  });

  it('issues client_credentials tokens with client_secret_basic and client_secret_post (MOE RPs use both)', async () => {
    await createClient(t.runtime, {
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    });
    const basic = await tokenRequest(
      { grant_type: 'client_credentials' },
      { authorization: basicAuth('school-app', CLIENT_SECRET) },
    );
    expect(basic.status).toBe(200);
    expect(basic.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const post = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'school-app',
      client_secret: CLIENT_SECRET,
    });
    expect(post.status).toBe(200);
    expect(typeof post.body.access_token).toBe('string');
  });

  it('authenticates private_key_jwt clients with a key the test generates', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'RS256', use: 'sig' };
    await createClient(t.runtime, {
      client_id: 'jwt-app',
      client_secret: undefined,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
      first_party: true,
    });
    const config = await oidc.discovery(
      new URL(t.issuer),
      'jwt-app',
      undefined,
      oidc.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    expect(tokens.claims()?.preferred_username).toBe('aa1234');
    const row = await t.runtime.db('clients').where({ client_id: 'jwt-app' }).first();
    expect(row.secret_hash).toBeNull();
  });
});

describe('PKCE', () => {
  it('requires S256 PKCE from public clients and accepts it', async () => {
    await createClient(t.runtime, {
      client_id: 'spa',
      client_secret: undefined,
      token_endpoint_auth_method: 'none',
      first_party: true,
    });
    const config = await discoverRp(t.issuer, { clientId: 'spa', auth: 'none' });
    const agent = new HttpAgent(t.issuer);
    const withoutPkce = await agent.follow(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'https://app.example.edu.tw/callback',
        scope: 'openid',
        state: 'x',
      }).href,
    );
    expect(withoutPkce.location).toContain('error=invalid_request');
    const plain = await agent.follow(
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: 'https://app.example.edu.tw/callback',
        scope: 'openid',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      }).href,
    );
    expect(plain.location).toContain('error=invalid_request');
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    expect(tokens.access_token).toBeTruthy();
  });

  it('rejects a wrong code_verifier', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const flow = await authorize(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    await expect(
      oidc.authorizationCodeGrant(config, flow.callback, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('redirect_uri', () => {
  it('matches exactly: a different path, query or host is refused without redirecting', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    for (const uri of [
      'https://app.example.edu.tw/callback/',
      'https://app.example.edu.tw/callback?x=1',
      'https://evil.example.com/callback',
      'https://APP.example.edu.tw/callback',
    ]) {
      const res = await new HttpAgent(t.issuer).request(
        oidc.buildAuthorizationUrl(config, { redirect_uri: uri, scope: 'openid', state: 's' }).href,
      );
      expect(res.status).toBe(400);
      expect(res.location).toBeUndefined();
      expect(res.body).toContain('redirect_uri');
    }
  });

  it('allows loopback port variation for native clients', async () => {
    await createClient(t.runtime, {
      client_id: 'desktop',
      client_secret: undefined,
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/callback'],
      first_party: true,
    });
    const config = await discoverRp(t.issuer, { clientId: 'desktop', auth: 'none' });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
      redirectUri: 'http://127.0.0.1:51234/callback',
    });
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('/oidc/v1/introspect and /oidc/v1/revoke', () => {
  it('introspects an active token, revokes it, and then reports it inactive', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(active.active).toBe(true);
    expect(active.sub).toBe(tokens.claims()?.sub);
    expect(active.client_id).toBe('school-app');
    await oidc.tokenRevocation(config, tokens.access_token);
    const revoked = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(revoked.active).toBe(false);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });
});

describe('/oidc/v1/userinfo', () => {
  it('answers GET and POST', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    const get = await fetch(`${t.issuer}/oidc/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(get.status).toBe(200);
    const post = await fetch(`${t.issuer}/oidc/v1/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(post.status).toBe(200);
    expect(((await post.json()) as { preferred_username: string }).preferred_username).toBe('aa1234');
  });

  it('returns only the claims of the granted scopes, and honours the claims parameter', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'aa1234',
      password: PASSWORD,
      scope: 'openid',
      extraParams: { claims: JSON.stringify({ userinfo: { email: null } }) },
    });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    expect(info.email).toBe('aa1234@kl.edu.tw');
    expect(info.name).toBeUndefined();
  });
});

describe('/oidc/v1/par and request objects', () => {
  it('accepts a pushed authorization request', async () => {
    await createClient(t.runtime, { first_party: true });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: 'https://app.example.edu.tw/callback',
      scope: 'openid profile',
      state: 'par-state',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const agent = new HttpAgent(t.issuer);
    const page = await agent.follow(url.href);
    const { submitLoginForm } = await import('../helpers/http-agent.js');
    const back = await submitLoginForm(agent, page.body, 'aa1234', PASSWORD);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), {
      pkceCodeVerifier: verifier,
      expectedState: 'par-state',
    });
    expect(tokens.claims()?.preferred_username).toBe('aa1234');
  });

  it('accepts a signed request object (JAR) and refuses a tampered one', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-jar', alg: 'RS256', use: 'sig' };
    await createClient(t.runtime, {
      jwks: { keys: [jwk] },
      request_object_signing_alg: 'RS256',
      first_party: true,
    });
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: 'https://app.example.edu.tw/callback',
        scope: 'openid',
        state: 'jar-state',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: privateKey, kid: 'rp-jar' },
    );
    const agent = new HttpAgent(t.issuer);
    const page = await agent.follow(url.href);
    expect(page.status).toBe(200);
    expect(page.body).toContain('name="password"');

    const request = url.searchParams.get('request')!;
    const [h, p, s] = request.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.redirect_uri = 'https://evil.example.com/callback';
    const tampered = new URL(url);
    tampered.searchParams.set(
      'request',
      `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`,
    );
    const refused = await new HttpAgent(t.issuer).follow(tampered.href);
    expect(refused.location ?? '').not.toContain('evil.example.com');
    expect(refused.status).toBeGreaterThanOrEqual(300);
  });
});

describe('/healthz and /readyz', () => {
  it('report the process and its stores', async () => {
    const health = await fetch(`${t.issuer}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.issuer}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBeTruthy();
  });
});
