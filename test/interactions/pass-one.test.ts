import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import type { Runtime } from '../../src/runtime.js';
import { loadActor } from '../../src/services/admin/actor.js';
import { generatePassOneCode, normalizePassOneCode } from '../../src/services/pass-one.js';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { startTestInstance, type TestInstance, useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createClient } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, startAuthorization, submitLogin } from '../helpers/flow.js';
import { csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance();
const NEW_PASSWORD = 'a brand new passphrase 2026';
const CODE_FORMAT = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{2}$/;

interface World {
  schoolA: string;
  countyId: string;
  admin: { id: string; username: string };
  student: { id: string; username: string };
  teacher: { id: string; username: string };
}

/** A school with an admin, a teacher and a student; 127.0.0.1 on the school's whitelist. */
async function seed(runtime: Runtime): Promise<World> {
  const dir = await seedDirectory(runtime);
  const admin = await createMember(runtime, {
    username: 'admin-a',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const teacher = await createMember(runtime, { username: 'teacher-a', schoolId: dir.schoolA });
  const student = await createMember(runtime, {
    username: 's1001',
    schoolId: dir.schoolA,
    identityType: 'student',
    name: '林小華',
  });
  await runtime.db('ip_ranges').insert({ org_id: dir.schoolA, cidr: '127.0.0.1/32', label: 'test' });
  return { schoolA: dir.schoolA, countyId: dir.countyId, admin, student, teacher };
}

async function issueCodes(runtime: Runtime, adminId: string, accountIds: string[]) {
  const account = await runtime.accounts.findById(adminId);
  const actor = await loadActor(runtime.db, account!, { ip: '127.0.0.1', via: 'cli' });
  return runtime.passOne.issue(actor, accountIds);
}

async function codeFor(runtime: Runtime, w: World): Promise<string> {
  const batch = await issueCodes(runtime, w.admin.id, [w.student.id]);
  return batch.codes[0]!.code;
}

const records = async (runtime: Runtime) => {
  await runtime.writer.flush();
  return runtime.db('login_records').orderBy('created_at');
};

/** An RP's authorization request, up to the passOne form of its interaction. */
async function openPassOneForm(
  inst: TestInstance,
  config: oidc.Configuration,
  agent = new HttpAgent(inst.issuer),
) {
  const flow = await startAuthorization(config, { username: '', password: '' });
  const login = await agent.follow(flow.url.href);
  expect(login.status).toBe(200);
  const uid = /\/interaction\/([\w-]+)\//.exec(login.body)?.[1];
  const form = await agent.follow(`/interaction/${uid}/pass-one`);
  expect(form.status).toBe(200);
  return { ...flow, agent, login, form };
}

function submitCode(
  agent: HttpAgent,
  formHtml: string,
  username: string,
  code: string,
  headers: Record<string, string> = {},
) {
  return agent.follow(formActionFrom(formHtml, '/pass-one'), {
    form: { username, code, csrf: csrfFrom(formHtml) },
    headers,
  });
}

function changePassword(agent: HttpAgent, pageHtml: string, password = NEW_PASSWORD) {
  return agent.follow(formActionFrom(pageHtml, '/change-password'), {
    form: { new_password: password, confirm_password: password, csrf: csrfFrom(pageHtml) },
  });
}

const alertText = (body: string) => /role="alert"[\s\S]*?<\/span>([\s\S]*?)<\/p>/.exec(body)?.[1] ?? '';

let config: oidc.Configuration;
let w: World;
beforeEach(async () => {
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
  w = await seed(t.runtime);
});

describe('POST /interaction/:uid/pass-one', () => {
  it('signs a student in with a code, forces a new password, and gives the RP amr otp and acr pass-one', async () => {
    const code = await codeFor(t.runtime, w);
    expect(code).toMatch(CODE_FORMAT);
    const { agent, form, verifier, state, nonce } = await openPassOneForm(t, config);
    // typed in lower case without the dashes: still the code
    const change = await submitCode(agent, form.body, 'S1001', code.replaceAll('-', '').toLowerCase());
    expect(change.status).toBe(200);
    expect(change.url).toMatch(/\/change-password$/);
    expect(change.body).toContain('name="new_password"');
    expect((await t.runtime.accounts.findById(w.student.id))?.mustChangePassword).toBe(true);

    const done = await changePassword(agent, change.body);
    expect(done.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?/);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(done.location!), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(w.student.id);
    expect(claims.amr).toEqual(['otp']);
    expect(claims.acr).toBe('urn:edu-idp:acr:pass-one');

    const account = await t.runtime.accounts.findById(w.student.id);
    expect(account?.mustChangePassword).toBe(false);
    // the new password is the student's password from now on
    const again = await loginAndGetTokens(t.issuer, config, { username: 's1001', password: NEW_PASSWORD });
    expect(again.tokens.claims()?.amr).toEqual(['pwd']);

    const row = await t.runtime.db('pass_one_codes').first();
    expect(row.used_at).toBeInstanceOf(Date);
    expect(row.used_ip).toBe('127.0.0.1');
    const success = (await records(t.runtime)).find((r) => r.method === 'pass-one' && r.success);
    expect(success).toMatchObject({ account_id: w.student.id, username: 'S1001' });
  });

  it('re-renders the passOne form with the username kept and records the failure for a wrong code', async () => {
    await codeFor(t.runtime, w);
    const { agent, form } = await openPassOneForm(t, config);
    const res = await submitCode(agent, form.body, 's1001', 'AAAA-BBBB-CC');
    expect(res.status).toBe(401);
    expect(res.body).toContain('name="code"');
    expect(res.body).toContain('value="s1001"');
    expect(res.body).not.toContain('AAAA-BBBB-CC');
    expect(alertText(res.body)).toBe('帳號或通行碼錯誤。');
    // an unknown user, a malformed code and an empty form: the same form, never a 500
    const unknown = await submitCode(agent, res.body, 'nobody', 'AAAA-BBBB-CC');
    expect(unknown.status).toBe(401);
    expect(alertText(unknown.body)).toBe(alertText(res.body));
    const empty = await submitCode(agent, unknown.body, '', '');
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('name="code"');
    const rows = (await records(t.runtime)).filter((r) => r.method === 'pass-one');
    expect(rows[0]).toMatchObject({
      success: false,
      username: 's1001',
      account_id: w.student.id,
      failure_reason: 'pass_one.invalid_code',
    });
    expect(rows).toHaveLength(3);
  });

  it('refuses a replayed code', async () => {
    const code = await codeFor(t.runtime, w);
    const first = await openPassOneForm(t, config);
    const change = await submitCode(first.agent, first.form.body, 's1001', code);
    await changePassword(first.agent, change.body);
    const second = await openPassOneForm(t, config);
    const replay = await submitCode(second.agent, second.form.body, 's1001', code);
    expect(replay.status).toBe(401);
    expect(replay.body).toContain('name="code"');
    expect(alertText(replay.body)).toContain('已使用過');
    const [last] = (await records(t.runtime)).filter((r) => r.method === 'pass-one' && !r.success);
    expect(last?.failure_reason).toBe('pass_one.used');
  });

  it('refuses a code superseded by a newer one, and accepts the newer one', async () => {
    const older = await codeFor(t.runtime, w);
    const newer = await codeFor(t.runtime, w);
    expect(newer).not.toBe(older);
    const { agent, form } = await openPassOneForm(t, config);
    const res = await submitCode(agent, form.body, 's1001', older);
    expect(res.status).toBe(401);
    expect(alertText(res.body)).toContain('新的通行碼');
    const ok = await submitCode(agent, res.body, 's1001', newer);
    expect(ok.url).toMatch(/\/change-password$/);
  });

  it('refuses a code for another student', async () => {
    const other = await createMember(t.runtime, {
      username: 's1002',
      schoolId: w.schoolA,
      identityType: 'student',
    });
    const code = await codeFor(t.runtime, w);
    const { agent, form } = await openPassOneForm(t, config);
    const res = await submitCode(agent, form.body, other.username, code);
    expect(res.status).toBe(401);
    expect((await t.runtime.db('pass_one_codes').first()).used_at).toBeNull();
  });

  it('throttles guessing: past the free failures even the right code waits', async () => {
    const code = await codeFor(t.runtime, w);
    const { agent, form } = await openPassOneForm(t, config);
    let page = form.body;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await submitCode(agent, page, 's1001', `ZZZZ-ZZZZ-Z${i + 2}`);
      statuses.push(res.status);
      page = res.body;
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const blocked = await submitCode(agent, page, 's1001', code);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toContain('name="code"');
    expect((await t.runtime.db('pass_one_codes').first()).used_at).toBeNull();
  });
});

describe('the password form', () => {
  it('does not offer passOne, and refuses a pass code as a password without consuming it', async () => {
    const code = await codeFor(t.runtime, w);
    const { agent, login } = await openPassOneForm(t, config);
    expect(login.body).not.toContain('pass-one');
    expect(login.body).not.toContain('passOne');
    const res = await submitLogin(agent, login.body, 's1001', code);
    expect(res.status).toBe(401);
    expect(alertText(res.body)).toBe('帳號或密碼錯誤。');
    const [record] = (await records(t.runtime)).filter((r) => r.method === 'password');
    expect(record).toMatchObject({ success: false, failure_reason: 'pass_one_on_password_form' });
    // an ordinary wrong password is still recorded as such
    const wrong = await submitLogin(agent, res.body, 's1001', 'not the password at all');
    expect(wrong.status).toBe(401);
    const reasons = (await records(t.runtime))
      .filter((r) => r.method === 'password')
      .map((r) => r.failure_reason);
    expect(reasons).toEqual(['pass_one_on_password_form', 'password.invalid_credentials']);
    // the code still works at the passOne form
    expect((await t.runtime.db('pass_one_codes').first()).used_at).toBeNull();
    const passOne = await openPassOneForm(t, config);
    const ok = await submitCode(passOne.agent, passOne.form.body, 's1001', code);
    expect(ok.url).toMatch(/\/change-password$/);
  });
});

describe('GET /passone', () => {
  it('opens on the passOne form and ends on the "password is set" page, signed in', async () => {
    const code = await codeFor(t.runtime, w);
    const agent = new HttpAgent(t.issuer);
    const form = await agent.follow('/passone');
    expect(form.status).toBe(200);
    expect(form.url).toMatch(/\/interaction\/[\w-]+$/);
    expect(form.body).toContain('name="code"');
    expect(form.body).not.toContain('name="password"');
    const change = await submitCode(agent, form.body, 's1001', code);
    expect(change.body).toContain('name="new_password"');
    const done = await changePassword(agent, change.body);
    expect(done.status).toBe(200);
    expect(done.url).toContain('/passone/done?');
    expect(done.body).toContain('密碼已更新');
    expect(done.body).toContain('s1001');
    // the student is signed in at the OP: an RP's login needs no password now
    const { url } = await startAuthorization(config, { username: '', password: '' });
    const sso = await agent.follow(url.href);
    expect(sso.location).toMatch(/^https:\/\/app\.example\.edu\.tw\/callback\?code=/);
  });

  it('shows "start again" when /passone/done is reached without a passOne sign-in', async () => {
    const res = await new HttpAgent(t.issuer).follow('/passone/done?code=x&state=y');
    expect(res.status).toBe(400);
    expect(res.body).toContain('href="/passone"');
    expect(res.body).not.toContain('密碼已更新');
  });
});

describe('addresses', () => {
  it('refuses a student outside the education network and the whitelist; X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    await t.runtime.db('ip_ranges').del();
    const code = await codeFor(t.runtime, w);
    const { agent, form } = await openPassOneForm(t, config);
    // 163.20.1.1 is TANet, but nobody said to trust the header
    const res = await submitCode(agent, form.body, 's1001', code, { 'x-forwarded-for': '163.20.1.1' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('name="code"');
    expect(alertText(res.body)).toContain('學校網路');
    const [record] = (await records(t.runtime)).filter((r) => r.method === 'pass-one');
    expect(record).toMatchObject({ failure_reason: 'pass_one.ip_not_allowed', ip: '127.0.0.1' });
    // a wrong code or an unknown user from here hears only "wrong": no hint which usernames exist
    const wrong = await submitCode(agent, res.body, 's1001', 'AAAA-BBBB-CC');
    const unknown = await submitCode(agent, wrong.body, 'nobody', code);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await t.runtime.db('pass_one_codes').first()).used_at).toBeNull();
  });

  it('accepts the county whitelist as well as the school one', async () => {
    await t.runtime.db('ip_ranges').del();
    await t.runtime.db('ip_ranges').insert({ org_id: w.countyId, cidr: '127.0.0.0/8' });
    const code = await codeFor(t.runtime, w);
    const { agent, form } = await openPassOneForm(t, config);
    const ok = await submitCode(agent, form.body, 's1001', code);
    expect(ok.url).toMatch(/\/change-password$/);
  });

  for (const [hops, header, allowed, why] of [
    ['1', '163.20.1.1', true, 'a TANet address from the trusted proxy'],
    ['1', '203.0.113.9', true, "an address on the school's whitelist"],
    ['1', '198.51.100.7', false, 'an address on neither'],
    ['1', '163.20.1.1, 198.51.100.7', false, 'a TANet address the client wrote before the proxy'],
    ['2', '163.20.1.1, 198.51.100.7', true, 'the same header behind two trusted proxies'],
  ] as const) {
    it(`TRUST_PROXY=true, TRUST_PROXY_HOPS=${hops}: ${why} is ${allowed ? 'allowed' : 'refused'}`, async () => {
      const proxied = await startTestInstance({ TRUST_PROXY: 'true', TRUST_PROXY_HOPS: hops });
      try {
        await createClient(proxied.runtime, { first_party: true });
        const rp = await discoverRp(proxied.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
        // the same database as the test instance: the world of beforeEach, without 127.0.0.1
        await proxied.runtime.db('ip_ranges').del();
        await proxied.runtime.db('ip_ranges').insert({ org_id: w.schoolA, cidr: '203.0.113.0/24' });
        const code = await codeFor(proxied.runtime, w);
        const { agent, form } = await openPassOneForm(proxied, rp);
        const res = await submitCode(agent, form.body, 's1001', code, { 'x-forwarded-for': header });
        if (allowed) expect(res.url).toMatch(/\/change-password$/);
        else expect(res.status).toBe(403);
      } finally {
        await proxied.close();
      }
    });
  }
});

describe('expiry', () => {
  it('refuses a code past PASS_ONE_TTL', async () => {
    const short = await startTestInstance({ PASS_ONE_TTL: '1' });
    try {
      await createClient(short.runtime, { first_party: true });
      const rp = await discoverRp(short.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
      const code = await codeFor(short.runtime, w);
      const { agent, form } = await openPassOneForm(short, rp);
      await new Promise((r) => setTimeout(r, 1500));
      const res = await submitCode(agent, form.body, 's1001', code);
      expect(res.status).toBe(401);
      expect(alertText(res.body)).toContain('超過使用期限');
      expect((await short.runtime.db('pass_one_codes').first()).used_at).toBeNull();
    } finally {
      await short.close();
    }
  });
});

describe('issuance', () => {
  it('refuses accounts that are not students', async () => {
    await expect(issueCodes(t.runtime, w.admin.id, [w.teacher.id])).rejects.toMatchObject({
      code: 'pass_one.not_student',
    });
    expect(await t.runtime.db('pass_one_codes')).toHaveLength(0);
  });

  it('stores codes only as keyed hashes, never in the audit log', async () => {
    const other = await createMember(t.runtime, {
      username: 's1002',
      schoolId: w.schoolA,
      identityType: 'student',
    });
    const batch = await issueCodes(t.runtime, w.admin.id, [w.student.id, other.id]);
    expect(batch.codes.map((c) => c.code)).toEqual([
      expect.stringMatching(CODE_FORMAT),
      expect.stringMatching(CODE_FORMAT),
    ]);
    const rows = await t.runtime.db('pass_one_codes').orderBy('created_at');
    const audit = await t.runtime.db('audit_log');
    const stored = JSON.stringify([rows, audit]);
    for (const { code, accountId } of batch.codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(normalizePassOneCode(code));
      const row = rows.find((r) => r.account_id === accountId);
      expect(row.code_hash).toBe(t.runtime.box.hash(normalizePassOneCode(code)!, 'pass-one'));
      expect(row.expires_at.getTime() - row.created_at.getTime()).toBeCloseTo(2400 * 1000, -3);
    }
    expect(audit.filter((a) => a.action === 'passone.issue')).toHaveLength(2);
  });

  it('makes codes that do not repeat', () => {
    // 50 bits each: a collision among a few thousand would mean a broken generator
    const codes = new Set(Array.from({ length: 5000 }, () => generatePassOneCode()));
    expect(codes.size).toBe(5000);
    for (const c of [...codes].slice(0, 50)) expect(c).toMatch(CODE_FORMAT);
  });
});
