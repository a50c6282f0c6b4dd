/**
 * eduinfo and openid2 for school RPs (reference §2, §4.1, §4.2): an RP that asks for
 * `openid profile email eduinfo openid2` gets the documented eduinfo shape from every
 * eduinfo path and from userinfo, and openid2_id/open2_id in the ID token. A client's
 * allowed scopes (scope / allowingscopes) bound what is granted without failing the request.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { useTestInstance } from '../helpers/app.js';
import {
  MAIN_SCHOOL_CODE,
  seedDirectory,
  studentEduInfo,
  teacherEduInfo,
} from '../helpers/eduinfo-directory.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';

const t = useTestInstance();
let seed: Awaited<ReturnType<typeof seedDirectory>>;
beforeEach(async () => {
  seed = await seedDirectory(t.runtime);
});

const MOE_SCOPE = 'openid profile email eduinfo openid2';

async function schoolRp(overrides: Parameters<typeof createClient>[1] = {}) {
  await createClient(t.runtime, {
    scope: 'openid offline_access profile email eduinfo openid2 personid guid',
    first_party: true,
    ...overrides,
  });
  return discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
}

async function getJson(path: string, accessToken: string) {
  const res = await fetch(`${t.issuer}${path}`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const EDUINFO_PATHS = [
  ['/moeresource/api/v1/oidc/eduinfo', 1],
  ['/moeresource/api/v2/oidc/eduinfo', 2],
  ['/cncresource/api/v1/eduinfo', 1],
] as const;

describe('eduinfo endpoints', () => {
  it('give a student the documented shape: main school, 學生 first, this term’s class, strings only', async () => {
    const config = await schoolRp();
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['eduinfo', 'email', 'openid', 'openid2', 'profile']);
    for (const [path, version] of EDUINFO_PATHS) {
      const { status, body } = await getJson(path, tokens.access_token);
      expect(status).toBe(200);
      expect(body).toStrictEqual(studentEduInfo(seed.student.id, version));
    }
  });

  it('give a teacher 教師 first at every school, the main school first, and no classinfo', async () => {
    const config = await schoolRp();
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'tea01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    for (const [path] of EDUINFO_PATHS) {
      const { status, body } = await getJson(path, tokens.access_token);
      expect(status).toBe(200);
      expect(body).toStrictEqual(teacherEduInfo(seed.teacher.id));
      // RPs detect a teacher by substring (reference §4.1): no stray 學生 anywhere
      expect(JSON.stringify(body)).not.toContain('學生');
    }
  });

  it('follow the directory: a new term without the student drops the old class', async () => {
    const config = await schoolRp();
    await t.runtime.db('school_classes').insert({
      school_id: seed.schools.main,
      school_year: 115,
      semester: 2,
      grade: 6,
      class_no: 1,
      title: '六年一班',
    });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    const { body } = await getJson('/moeresource/api/v1/oidc/eduinfo', tokens.access_token);
    expect(body).toStrictEqual({
      sub: seed.student.id,
      schoolid: MAIN_SCHOOL_CODE,
      titles: [{ schoolid: MAIN_SCHOOL_CODE, titles: ['學生', '小老師'] }],
    });
  });
});

describe('/oidc/v1/userinfo and the ID token', () => {
  it('put eduinfo in userinfo and openid2_id/open2_id arrays in the ID token', async () => {
    const config = await schoolRp();
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'tea01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    const idToken = tokens.claims()!;
    const legacy = ['https://openid.kl.edu.tw/tea01', 'https://openid.tn.edu.tw/op/user.aspx/tea01'];
    expect(idToken.openid2_id).toEqual(legacy);
    expect(idToken.open2_id).toEqual(legacy);
    expect(idToken.preferred_username).toBe('tea01');
    // eduinfo stays out of the ID token, which RPs send back in logout URLs
    expect(idToken.titles).toBeUndefined();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, seed.teacher.id);
    const { sub, ...eduinfo } = teacherEduInfo(seed.teacher.id);
    expect(info).toMatchObject({ sub, ...eduinfo, openid2_id: legacy, open2_id: legacy, name: '陳大文' });
    expect(info.classinfo).toBeUndefined();

    const student = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    expect(student.tokens.claims()?.openid2_id).toEqual([]);
    const studentInfo = await oidc.fetchUserInfo(config, student.tokens.access_token, seed.student.id);
    const { sub: _sub, ...expected } = studentEduInfo(seed.student.id);
    expect({
      schoolid: studentInfo.schoolid,
      titles: studentInfo.titles,
      classinfo: studentInfo.classinfo,
    }).toStrictEqual(expected);
  });

  it('the /moeresource/api/v1/oidc/userinfo alias answers as userinfo does', async () => {
    const config = await schoolRp();
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: MOE_SCOPE,
    });
    const alias = await getJson('/moeresource/api/v1/oidc/userinfo', tokens.access_token);
    const direct = await getJson('/oidc/v1/userinfo', tokens.access_token);
    expect(alias.status).toBe(200);
    expect(alias.body).toStrictEqual(direct.body);
    expect(alias.body.titles).toEqual(studentEduInfo(seed.student.id).titles);
  });

  it('accepts the MOE family of scopes it does not serve without failing the request', async () => {
    const config = await schoolRp();
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'tea01',
      password: PASSWORD,
      scope: 'educloudroles openid2 eduinfo email profile openid kh_profile exchangedata',
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['eduinfo', 'email', 'openid', 'openid2', 'profile']);
    expect(tokens.claims()?.open2_id).toHaveLength(2);
  });
});

describe('allowed scopes (allowingscopes)', () => {
  it('never grants a scope outside the client’s list, and the request still succeeds', async () => {
    const config = await schoolRp({ scope: 'openid profile email' });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: MOE_SCOPE,
      // asking for the claims by name does not get around the missing scope
      extraParams: { claims: JSON.stringify({ userinfo: { titles: null, openid2_id: null } }) },
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(tokens.claims()?.openid2_id).toBeUndefined();
    const info = await oidc.fetchUserInfo(config, tokens.access_token, seed.student.id);
    expect(info.name).toBe('林小美');
    expect(info.titles).toBeUndefined();
    expect(info.openid2_id).toBeUndefined();
    const eduinfo = await getJson('/moeresource/api/v1/oidc/eduinfo', tokens.access_token);
    expect(eduinfo.status).toBe(403);
    expect(eduinfo.body.error).toBe('insufficient_scope');
  });

  it('reads allowingscopes, comma- or space-separated, and drops the MOE scopes it does not serve', async () => {
    await createClient(t.runtime, {
      scope: undefined,
      allowingscopes: 'openid,profile, email eduinfo,educloudroles,syncdata',
      first_party: true,
    });
    const metadata = await t.runtime.clients.loadClientMetadata('school-app');
    expect(metadata?.scope).toBe('openid profile email eduinfo');
    expect(metadata).not.toHaveProperty('allowingscopes');
    const config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: `${MOE_SCOPE} personid`,
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['eduinfo', 'email', 'openid', 'profile']);
    await expect(
      createClient(t.runtime, { scope: 'openid', allowingscopes: 'openid eduinfo' }),
    ).rejects.toThrow('scope and allowingscopes differ');
  });

  it('gives a client registered without a scope list the standard scopes only', async () => {
    const config = await schoolRp({ scope: undefined });
    expect((await t.runtime.clients.loadClientMetadata('school-app'))?.scope).toBe(
      'openid offline_access profile email',
    );
    const { tokens } = await loginAndGetTokens(t.issuer, config, {
      username: 'stu01',
      password: PASSWORD,
      scope: `${MOE_SCOPE} personid guid admin`,
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });
});

describe('/.well-known/openid-configuration', () => {
  it('lists the MOE scopes and their claims', async () => {
    const d = (await (await fetch(`${t.issuer}/.well-known/openid-configuration`)).json()) as {
      scopes_supported: string[];
      claims_supported: string[];
    };
    expect(d.scopes_supported).toEqual(
      expect.arrayContaining(['eduinfo', 'openid2', 'personid', 'guid', 'admin']),
    );
    expect(d.claims_supported).toEqual(
      expect.arrayContaining([
        'schoolid',
        'titles',
        'classinfo',
        'openid2_id',
        'open2_id',
        'personid',
        'guid',
      ]),
    );
  });
});
