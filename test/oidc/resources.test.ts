/**
 * The MOE/county resource endpoints as bearer-protected APIs (RFC 6750; reference §1.3, §4,
 * §5.11): token checks and challenges, scope checks, ?access_token= per client, gzip per
 * client, profile, personid and guid.
 */
import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import { STUDENT_NATIONAL_ID, seedDirectory, studentEduInfo } from '../helpers/eduinfo-directory.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';

const t = useTestInstance();
let seed: Awaited<ReturnType<typeof seedDirectory>>;
beforeEach(async () => {
  seed = await seedDirectory(t.runtime);
});

const ALL_SCOPES = 'openid profile email eduinfo openid2 personid guid';
const EDUINFO = '/moeresource/api/v1/oidc/eduinfo';

async function signIn(
  username: string,
  scope = ALL_SCOPES,
  overrides: Parameters<typeof createClient>[1] = {},
) {
  await createClient(t.runtime, {
    scope: `offline_access ${ALL_SCOPES}`,
    first_party: true,
    ...overrides,
  });
  const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  const { tokens } = await loginAndGetTokens(t.issuer, config, { username, password: PASSWORD, scope });
  return { config, tokens };
}

async function call(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.issuer}${path}`, { headers });
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    cacheControl: res.headers.get('cache-control'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A raw request, so the test sees the bytes on the wire (fetch would gunzip them). */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = httpRequest(`${t.issuer}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('bearer checks', () => {
  it('401 without a token, with a Bearer challenge that names no error (RFC 6750 §3.1)', async () => {
    const res = await call(EDUINFO);
    expect(res.status).toBe(401);
    expect(res.challenge).toBe(`Bearer realm="${t.issuer}"`);
    expect(res.body.error).toBe('invalid_token');
  });

  it('401 invalid_token for an unknown token, and for a token in a non-Bearer scheme', async () => {
    const unknown = await call(EDUINFO, bearer('not-a-token-we-issued'));
    expect(unknown.status).toBe(401);
    expect(unknown.challenge).toMatch(/^Bearer realm="[^"]+", error="invalid_token", error_description="/);
    expect(unknown.body.error).toBe('invalid_token');
    const basic = await call(EDUINFO, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` });
    expect(basic.status).toBe(401);
  });

  it('401 invalid_token for an expired token', async () => {
    const { tokens } = await signIn('stu01');
    expect((await call(EDUINFO, bearer(tokens.access_token))).status).toBe(200);
    const stored = await t.runtime.shortLived.find('AccessToken', tokens.access_token);
    expect(stored).toBeDefined();
    // well past oidc-provider's clock tolerance
    const past = Math.floor(Date.now() / 1000) - 600;
    await t.runtime.shortLived.upsert('AccessToken', tokens.access_token, { ...stored!, exp: past }, 60);
    const res = await call(EDUINFO, bearer(tokens.access_token));
    expect(res.status).toBe(401);
    expect(res.challenge).toContain('error="invalid_token"');
  });

  it('401 once the token is revoked or the account disabled', async () => {
    const { config, tokens } = await signIn('stu01');
    await t.runtime.db('accounts').where({ id: seed.student.id }).update({ status: 'disabled' });
    expect((await call(EDUINFO, bearer(tokens.access_token))).status).toBe(401);
    await t.runtime.db('accounts').where({ id: seed.student.id }).update({ status: 'active' });
    expect((await call(EDUINFO, bearer(tokens.access_token))).status).toBe(200);
    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await call(EDUINFO, bearer(tokens.access_token))).status).toBe(401);
  });

  it('403 insufficient_scope, naming the scope, for a token without eduinfo', async () => {
    const { tokens } = await signIn('stu01', 'openid profile');
    for (const [path, scope] of [
      [EDUINFO, 'eduinfo'],
      ['/moeresource/api/v2/oidc/eduinfo', 'eduinfo'],
      ['/cncresource/api/v1/eduinfo', 'eduinfo'],
      ['/cncresource/api/v1/personid', 'personid'],
      ['/cncresource/api/v1/guid', 'guid'],
    ] as const) {
      const res = await call(path, bearer(tokens.access_token));
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.challenge).toContain('error="insufficient_scope"');
      expect(res.challenge).toContain(`scope="${scope}"`);
    }
  });

  it('answers with no-store: the bodies are personal data', async () => {
    const { tokens } = await signIn('stu01');
    const res = await call(EDUINFO, bearer(tokens.access_token));
    expect(res.status).toBe(200);
    expect(res.cacheControl).toBe('no-store');
  });
});

describe('?access_token=', () => {
  it('is refused unless the client sets allow_query_access_token', async () => {
    const { tokens } = await signIn('stu01');
    const refused = await call(`${EDUINFO}?access_token=${encodeURIComponent(tokens.access_token)}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.challenge).toContain('error="invalid_request"');
  });

  it('is accepted for a client that allows it, but never together with a header', async () => {
    const { tokens } = await signIn('stu01', ALL_SCOPES, { allow_query_access_token: true });
    const query = `${EDUINFO}?access_token=${encodeURIComponent(tokens.access_token)}`;
    const ok = await call(query);
    expect(ok.status).toBe(200);
    expect(ok.body).toStrictEqual(studentEduInfo(seed.student.id));
    const twice = await call(query, bearer(tokens.access_token));
    expect(twice.status).toBe(400);
  });
});

describe('gzip', () => {
  it('gzips eduinfo for a client with eduinfo_gzip when the request accepts gzip', async () => {
    const { tokens } = await signIn('stu01', ALL_SCOPES, { eduinfo_gzip: true });
    for (const path of [EDUINFO, '/moeresource/api/v2/oidc/eduinfo', '/cncresource/api/v1/eduinfo']) {
      const zipped = await rawGet(path, { ...bearer(tokens.access_token), 'accept-encoding': 'gzip' });
      expect(zipped.status).toBe(200);
      expect(zipped.headers['content-encoding']).toBe('gzip');
      expect(zipped.headers['content-type']).toBe('application/json; charset=utf-8');
      const version = path.includes('/v2/') ? 2 : 1;
      expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toStrictEqual(
        studentEduInfo(seed.student.id, version),
      );
    }
    const plain = await rawGet(EDUINFO, bearer(tokens.access_token));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8'))).toStrictEqual(studentEduInfo(seed.student.id));
  });

  it('does not gzip for a client without it', async () => {
    const { tokens } = await signIn('stu01');
    const res = await rawGet(EDUINFO, { ...bearer(tokens.access_token), 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString('utf8'))).toStrictEqual(studentEduInfo(seed.student.id));
  });

  it('rejects non-boolean allow_query_access_token and eduinfo_gzip', async () => {
    await expect(createClient(t.runtime, { eduinfo_gzip: 'yes' as never })).rejects.toThrow();
    await expect(
      t.runtime.holder.current().Client.validate({
        client_id: 'x',
        client_secret: 'x'.repeat(32),
        redirect_uris: ['https://app.example.edu.tw/callback'],
        allow_query_access_token: 'yes',
      } as never),
    ).rejects.toThrow('allow_query_access_token must be a boolean');
  });
});

describe('/moeresource/api/v1/oidc/profile', () => {
  it('returns the profile claims, and the e-mail claims when email is granted', async () => {
    const { tokens } = await signIn('stu01', 'openid profile email');
    const res = await call('/moeresource/api/v1/oidc/profile', bearer(tokens.access_token));
    expect(res.status).toBe(200);
    expect(res.body).toStrictEqual({
      sub: seed.student.id,
      name: '林小美',
      family_name: '林',
      given_name: '小美',
      preferred_username: 'stu01',
      updated_at: expect.any(Number),
      email: 'stu01@st.kl.edu.tw',
      email_verified: true,
    });
    const onlyProfile = await signIn('stu01', 'openid profile');
    const res2 = await call('/moeresource/api/v1/oidc/profile', bearer(onlyProfile.tokens.access_token));
    expect(res2.body.email).toBeUndefined();
    expect(res2.body.name).toBe('林小美');
    const noProfile = await signIn('stu01', 'openid email');
    const res3 = await call('/moeresource/api/v1/oidc/profile', bearer(noProfile.tokens.access_token));
    expect(res3.status).toBe(403);
  });
});

describe('/cncresource/api/v1/personid and /cncresource/api/v1/guid', () => {
  async function identifiers(username: string) {
    const { tokens } = await signIn(username);
    const personid = await call('/cncresource/api/v1/personid', bearer(tokens.access_token));
    const guid = await call('/cncresource/api/v1/guid', bearer(tokens.access_token));
    expect(personid.status).toBe(200);
    expect(guid.status).toBe(200);
    expect(Object.keys(personid.body)).toEqual(['personid']);
    expect(Object.keys(guid.body)).toEqual(['guid']);
    return { personid: String(personid.body.personid), guid: String(guid.body.guid), tokens };
  }

  it('are stable across calls and sign-ins, differ between people, and never carry the national ID', async () => {
    const first = await identifiers('stu01');
    expect(first.personid).toMatch(/^[0-9a-f]{64}$/);
    expect(first.guid).toMatch(/^[0-9A-F]{64}$/);
    const again = await call('/cncresource/api/v1/personid', bearer(first.tokens.access_token));
    expect(again.body.personid).toBe(first.personid);

    const relogin = await identifiers('stu01');
    expect(relogin.tokens.access_token).not.toBe(first.tokens.access_token);
    expect(relogin.personid).toBe(first.personid);
    expect(relogin.guid).toBe(first.guid);

    const teacher = await identifiers('tea01');
    expect(teacher.personid).not.toBe(first.personid);
    expect(teacher.guid).not.toBe(first.guid);
    expect(first.personid.toUpperCase()).not.toBe(first.guid);

    const digits = STUDENT_NATIONAL_ID.slice(1);
    for (const value of [first.personid, first.guid]) {
      expect(value.toUpperCase()).not.toContain(STUDENT_NATIONAL_ID);
      expect(value).not.toContain(digits);
    }
  });

  it('follow the person, not the account: the student’s values come from the national ID', async () => {
    const before = await identifiers('stu01');
    // the same person's number moved to a new account (the old one retired) keeps the values
    const row = await t.runtime.db('accounts').where({ id: seed.student.id }).first();
    await t.runtime.db('accounts').where({ id: seed.student.id }).update({
      national_id_sealed: null,
      national_id_hash: null,
      national_id_masked: null,
      deleted_at: new Date(),
    });
    const { account } = await t.runtime.accounts.upsert({
      username: 'stu01new',
      password: PASSWORD,
      nationalIdSealed: row.national_id_sealed,
      nationalIdHash: row.national_id_hash,
      nationalIdMasked: row.national_id_masked,
    });
    expect(account.id).not.toBe(seed.student.id);
    const after = await identifiers('stu01new');
    expect(after.personid).toBe(before.personid);
    expect(after.guid).toBe(before.guid);
  });

  it('also come as personid and guid claims in userinfo when those scopes are granted', async () => {
    const { config, tokens } = await signIn('tea01');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, seed.teacher.id);
    const personid = await call('/cncresource/api/v1/personid', bearer(tokens.access_token));
    expect(info.personid).toBe(personid.body.personid);
    expect(info.guid).toMatch(/^[0-9A-F]{64}$/);
  });
});
