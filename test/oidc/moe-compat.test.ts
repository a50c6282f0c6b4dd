/**
 * An RP written against the MOE education cloud (reference §1, §3, §5): fixed URLs, state=1:
 * and an empty nonce=, client_secret_post, an RS256 id_token checked with the FIRST JWKS key
 * while ignoring kid.
 */
import { describe, expect, it } from '@jest/globals';
import { compactVerify, importJWK, type JWK } from 'jose';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { HttpAgent, submitLoginForm } from '../helpers/http-agent.js';

const t = useTestInstance();

describe('/.well-known/openid-configuration', () => {
  it('publishes the MOE paths, an issuer without trailing slash, both secret methods and RS256', async () => {
    const d = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(d.issuer).toBe(t.issuer);
    expect(d.authorization_endpoint).toBe(`${t.issuer}/oidc/v1/azp`);
    expect(d.token_endpoint).toBe(`${t.issuer}/oidc/v1/token`);
    expect(d.userinfo_endpoint).toBe(`${t.issuer}/oidc/v1/userinfo`);
    expect(d.jwks_uri).toBe(`${t.issuer}/oidc/v1/jwksets`);
    expect(d.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']),
    );
    expect(d.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(d.code_challenge_methods_supported).toEqual(['S256']);
    expect(d.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    // every login method publishes its acr (test/interactions/<method>.test.ts check theirs)
    expect(d.acr_values_supported).toEqual(expect.arrayContaining(['urn:edu-idp:acr:password']));
    expect(d.backchannel_logout_supported).toBe(true);
    expect(d.request_parameter_supported).toBe(true);
    expect(d.pushed_authorization_request_endpoint).toBe(`${t.issuer}/oidc/v1/par`);
  });
});

describe('an RP written for oidc.tanet.edu.tw', () => {
  it('logs in unchanged: /oidc/v1/azp, client_secret_post, RS256 id_token verified with the first JWKS key', async () => {
    const account = await createAccount(t.runtime);
    await createClient(t.runtime, {
      client_id: 'moe-rp',
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['https://school.example.edu.tw/oidc/callback'],
      first_party: true,
    });
    const agent = new HttpAgent(t.issuer);
    const authorize = new URL(`${t.issuer}/oidc/v1/azp`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: 'moe-rp',
      redirect_uri: 'https://school.example.edu.tw/oidc/callback',
      scope: 'openid profile email openid2 eduinfo',
      state: '1:',
      nonce: '',
    }).toString();
    const page = await agent.follow(authorize.href);
    expect(page.status).toBe(200);
    const back = await submitLoginForm(agent, page.body, 'AA1234@kl.edu.tw', PASSWORD);
    const callback = new URL(back.location!);
    expect(callback.origin + callback.pathname).toBe('https://school.example.edu.tw/oidc/callback');
    expect(callback.searchParams.get('state')).toBe('1:');

    // the token request the MOE Java sample makes, with a doubled slash as the NPM RP joins it
    const res = await fetch(`${t.issuer}//oidc/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: 'https://school.example.edu.tw/oidc/callback',
        client_id: 'moe-rp',
        client_secret: CLIENT_SECRET,
      }),
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(tokens.refresh_token).toBeTruthy();

    const jwks = (await (await fetch(`${t.issuer}/oidc/v1/jwksets`)).json()) as { keys: JWK[] };
    const first = jwks.keys[0]!;
    expect(first.kty).toBe('RSA');
    expect(first.alg).toBe('RS256');
    const { payload, protectedHeader } = await compactVerify(
      String(tokens.id_token),
      await importJWK(first, 'RS256'),
    );
    expect(protectedHeader.alg).toBe('RS256');
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toMatchObject({
      iss: t.issuer,
      aud: 'moe-rp',
      sub: account.id,
      preferred_username: 'aa1234',
    });
    expect(claims.email).toBe('aa1234@kl.edu.tw');
    expect(claims.nonce).toBeUndefined();

    const info = await fetch(`${t.issuer}/oidc/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(await info.json()).toMatchObject({ sub: account.id, name: '王小明', email_verified: true });
  });
});
