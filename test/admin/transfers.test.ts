import { describe, expect, it } from '@jest/globals';
import { sealNationalId } from '../../src/services/national-id.js';
import {
  adminApiToken,
  consoleLogin,
  createMember,
  fakeNationalId,
  grantRole,
  seedDirectory,
} from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';
import { csrfFrom, type HttpAgent } from '../helpers/http-agent.js';

const env = useTestInstance();
const db = () => env.runtime.db;

/**
 * 問題三: a teacher registered at A (暖暖國小) moves to B (建德國中). A's admin releases, B's
 * admin requests; a student of A with a class seat; school C's admin is a bystander.
 */
async function seed() {
  const rt = env.runtime;
  const dir = await seedDirectory(rt);
  const [c] = await db()('organizations')
    .insert({
      kind: 'school',
      code: '173502',
      name: '基隆市立成功國民中學',
      level: 'junior',
      parent_id: dir.countyId,
    })
    .returning('id');
  const adminA = await createMember(rt, {
    username: 'admin-a',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  const adminB = await createMember(rt, {
    username: 'admin-b',
    schoolId: dir.schoolB,
    role: { role: 'school_admin', orgId: dir.schoolB },
  });
  await createMember(rt, {
    username: 'admin-c',
    schoolId: c.id,
    role: { role: 'school_admin', orgId: c.id },
  });
  const teacher = await createMember(rt, {
    username: 't-lin',
    name: '林老師',
    schoolId: dir.schoolA,
    titles: ['教師', '資訊組長'],
  });
  const nationalId = fakeNationalId('C', '1');
  const sealed = sealNationalId(rt.box, nationalId);
  await db()('accounts').where({ id: teacher.id }).update({
    national_id_sealed: sealed.sealed,
    national_id_hash: sealed.hash,
    national_id_masked: sealed.masked,
    mobile: '0912345678',
  });
  const student = await createMember(rt, {
    username: 's-chen',
    name: '陳同學',
    schoolId: dir.schoolA,
    identityType: 'student',
  });
  const [cls] = await db()('school_classes')
    .insert({
      school_id: dir.schoolA,
      school_year: 115,
      semester: 1,
      grade: 6,
      class_no: 4,
      title: '六年四班',
    })
    .returning('id');
  await db()('class_members').insert({ class_id: cls.id, account_id: student.id, seat_no: 7 });
  await db()('class_teachers').insert({ class_id: cls.id, account_id: teacher.id });
  return {
    ...dir,
    schoolC: c.id as string,
    adminA,
    adminB,
    teacher,
    student,
    nationalId,
    masked: sealed.masked,
    classId: cls.id,
  };
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.issuer}/admin/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, each checked by expect()
  return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
}

async function post(agent: HttpAgent, path: string, form: Record<string, string> = {}) {
  const page = await agent.request('/admin/transfers');
  return agent.request(path, { form: { csrf: csrfFrom(page.body), ...form } });
}

const titlesAt = (accountId: string, schoolId: string) =>
  db()('account_titles')
    .where({ account_id: accountId, school_id: schoolId })
    .orderBy([{ column: 'ended_at', order: 'desc' }, 'position'])
    .select('title', 'position', 'ended_at');

describe('學校異動 console round trip (A → B)', () => {
  it('B requests, A approves: titles at A end (history kept), titles at B in order, the account moves', async () => {
    const s = await seed();
    const b = await consoleLogin(env.issuer, 'admin-b');
    const form = await b.request('/admin/transfers/new');
    expect(form.status).toBe(200);
    const found = await b.request('/admin/transfers/lookup', {
      form: { csrf: csrfFrom(form.body), username: 'T-Lin', national_id: '' },
    });
    expect(found.status).toBe(200);
    expect(found.body).toContain('t-lin');
    expect(found.body).toContain('林老師');
    expect(found.body).toContain(s.masked);
    expect(found.body).toContain('基隆市立暖暖國民小學');
    // nothing more from A: no e-mail, mobile, titles or full number
    for (const secret of ['aa1234@kl.edu.tw', '0912345678', '資訊組長', s.nationalId]) {
      expect(found.body).not.toContain(secret);
    }
    const byId = await b.request('/admin/transfers/lookup', {
      form: { csrf: csrfFrom(form.body), username: '', national_id: s.nationalId },
    });
    expect(byId.body).toContain('t-lin');
    expect(byId.body).not.toContain(s.nationalId);

    const requested = await b.request('/admin/transfers', {
      form: {
        csrf: csrfFrom(found.body),
        account_id: s.teacher.id,
        to_school_id: s.schoolB,
        titles: '導師\n教師',
      },
    });
    expect(requested.status).toBe(302);
    const detail = await b.request(requested.location!);
    expect(detail.body).toContain('已送出學校異動申請');
    expect(detail.body).toContain('待審核');
    expect(detail.body).toContain('教師、導師');
    expect(detail.body).toContain('取消申請');
    expect(detail.body).not.toContain('/approve');

    const a = await consoleLogin(env.issuer, 'admin-a');
    const pending = await a.request('/admin/transfers');
    expect(pending.status).toBe(200);
    expect(pending.body).toContain('t-lin');
    expect(pending.body).toContain('待審核');
    expect(pending.body).toContain('Reset filters');
    const transferId = /\/admin\/transfers\/([0-9a-f-]{36})"/.exec(pending.body)?.[1];
    const aDetail = await a.request(`/admin/transfers/${transferId}`);
    expect(aDetail.body).toContain('/approve');
    expect(aDetail.body).not.toContain('取消申請');
    const approved = await post(a, `/admin/transfers/${transferId}/approve`);
    expect(approved.status).toBe(302);
    expect((await a.request(approved.location!)).body).toContain('已核准');

    const account = await db()('accounts').where({ id: s.teacher.id }).first();
    expect(account.school_id).toBe(s.schoolB);
    const atA = await titlesAt(s.teacher.id, s.schoolA);
    expect(atA.map((t: { title: string }) => t.title).sort()).toEqual(['教師', '資訊組長']);
    expect(atA.every((t: { ended_at: Date | null }) => t.ended_at !== null)).toBe(true);
    const atB = await titlesAt(s.teacher.id, s.schoolB);
    expect(atB.map((t: { title: string; position: number }) => [t.title, t.position])).toEqual([
      ['教師', 0],
      ['導師', 1],
    ]);
    // the classes taught at A are A's: they end with the move
    expect(await db()('class_teachers').where({ account_id: s.teacher.id })).toHaveLength(0);

    const actions = await db()('audit_log').orderBy('id').pluck('action');
    expect(actions).toEqual(['transfer.request', 'account.transfer', 'transfer.approve']);
    const moved = await db()('audit_log').where({ action: 'account.transfer' }).first();
    expect(moved.before.schoolId).toBe(s.schoolA);
    expect(moved.before.titles[s.schoolA]).toEqual(['教師', '資訊組長']);
    expect(moved.after.titles[s.schoolB]).toEqual(['教師', '導師']);
    expect(moved.before.taughtClassIds).toEqual([s.classId]);

    // both sides see the history; the account is now B's
    const historyA = await a.request('/admin/transfers?direction=&status=');
    expect(historyA.body).toContain('已核准');
    const historyB = await b.request('/admin/transfers?direction=outgoing&status=approved');
    expect(historyB.body).toContain('t-lin');
    expect((await a.request(`/admin/accounts/${s.teacher.id}`)).status).toBe(404);
    const onB = await b.request(`/admin/accounts/${s.teacher.id}`);
    expect(onB.status).toBe(200);
    expect(onB.body).toMatch(/資訊組長<\/td>[\s\S]*?已結束/);
    expect(onB.body).toMatch(/id="account-transfers"[\s\S]*已核准/);
  });

  it('moves a student and removes the class seats at A (kept in the audit entry)', async () => {
    const s = await seed();
    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    const created = await api(tokenB, 'POST', '/transfers', {
      account_id: s.student.id,
      to_school_id: s.schoolB,
      titles: [],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      status: 'pending',
      titles: ['學生'],
      can_cancel: true,
      can_decide: false,
    });
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const approved = await api(tokenA, 'POST', `/transfers/${created.json.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ status: 'approved', decided_by: 'admin-a' });
    expect(await db()('class_members').where({ account_id: s.student.id })).toHaveLength(0);
    const moved = await db()('audit_log').where({ action: 'account.transfer' }).first();
    expect(moved.before.classes).toEqual([
      expect.objectContaining({ classId: s.classId, seatNo: 7, title: '六年四班', schoolYear: 115 }),
    ]);
    expect(moved).toMatchObject({ via: 'api', actor_username: 'admin-a', org_id: s.schoolB });
    const second = await api(tokenA, 'POST', `/transfers/${created.json.id}/approve`);
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('transfer.not_pending');
  });
});

describe('/admin/api/v1/transfers', () => {
  it('looks up by full national ID with only username, name, masked ID and school', async () => {
    const s = await seed();
    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    const found = await api(tokenB, 'POST', '/transfers/lookup', { national_id: s.nationalId });
    expect(found.status).toBe(200);
    expect(found.json).toEqual({
      id: s.teacher.id,
      username: 't-lin',
      name: '林老師',
      national_id_masked: s.masked,
      school: { id: s.schoolA, name: '基隆市立暖暖國民小學' },
    });
    expect((await api(tokenB, 'POST', '/transfers/lookup', { username: 'nobody' })).status).toBe(404);
    expect((await api(tokenB, 'POST', '/transfers/lookup', { national_id: 'A123' })).json.error).toBe(
      'national_id.invalid',
    );
    expect((await api(tokenB, 'POST', '/transfers/lookup', {})).json.error).toBe('transfer.lookup_required');
    const teacherToken = await adminApiToken(env.runtime, env.issuer, 't-lin');
    expect((await api(teacherToken, 'POST', '/transfers/lookup', { username: 'admin-b' })).status).toBe(403);
  });

  it('rejects with a reason; the account stays at A', async () => {
    const s = await seed();
    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const { json } = await api(tokenB, 'POST', '/transfers', {
      account_id: s.teacher.id,
      to_school_id: s.schoolB,
      titles: ['教師'],
    });
    const incoming = await api(tokenA, 'GET', '/transfers?direction=incoming&status=pending');
    expect(incoming.json.items.map((t: { id: string }) => t.id)).toEqual([json.id]);
    expect((await api(tokenB, 'GET', '/transfers?direction=incoming')).json.total).toBe(0);
    const noReason = await api(tokenA, 'POST', `/transfers/${json.id}/reject`, { reason: '  ' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error).toBe('transfer.reason_required');
    const rejected = await api(tokenA, 'POST', `/transfers/${json.id}/reject`, {
      reason: '該師仍在本校任教',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.json).toMatchObject({ status: 'rejected', decision_reason: '該師仍在本校任教' });
    expect((await db()('accounts').where({ id: s.teacher.id }).first()).school_id).toBe(s.schoolA);
    expect(
      (await titlesAt(s.teacher.id, s.schoolA)).every((t: { ended_at: Date | null }) => !t.ended_at),
    ).toBe(true);
    expect((await api(tokenA, 'POST', `/transfers/${json.id}/approve`)).json.error).toBe(
      'transfer.not_pending',
    );
    const seenByB = await api(tokenB, 'GET', `/transfers/${json.id}`);
    expect(seenByB.json).toMatchObject({ status: 'rejected', decision_reason: '該師仍在本校任教' });
    expect(await db()('audit_log').where({ action: 'transfer.reject' })).toHaveLength(1);
  });

  it('refuses a second pending request, a request into A from A, and B approving its own request', async () => {
    const s = await seed();
    const tokenB = await adminApiToken(env.runtime, env.issuer, 'admin-b');
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const first = await api(tokenB, 'POST', '/transfers', {
      account_id: s.teacher.id,
      to_school_id: s.schoolB,
    });
    expect(first.status).toBe(201);
    const second = await api(tokenB, 'POST', '/transfers', {
      account_id: s.teacher.id,
      to_school_id: s.schoolB,
    });
    expect(second.status).toBe(409);
    expect(second.json.error).toBe('transfer.already_pending');

    // A's admin cannot ask on B's side (B is the destination) nor for its own school
    const intoB = await api(tokenA, 'POST', '/transfers', {
      account_id: s.adminB.id,
      to_school_id: s.schoolB,
    });
    expect(intoB.status).toBe(403);
    const same = await api(tokenA, 'POST', '/transfers', {
      account_id: s.student.id,
      to_school_id: s.schoolA,
    });
    expect(same.json.error).toBe('transfer.same_school');

    const own = await api(tokenB, 'POST', `/transfers/${first.json.id}/approve`);
    expect(own.status).toBe(403);
    expect((await api(tokenB, 'POST', `/transfers/${first.json.id}/reject`, { reason: 'x' })).status).toBe(
      403,
    );
    expect((await api(tokenA, 'POST', `/transfers/${first.json.id}/cancel`)).status).toBe(403);
    const tokenC = await adminApiToken(env.runtime, env.issuer, 'admin-c');
    expect((await api(tokenC, 'GET', `/transfers/${first.json.id}`)).status).toBe(404);
    expect((await api(tokenC, 'POST', `/transfers/${first.json.id}/approve`)).status).toBe(404);
    expect((await api(tokenC, 'GET', '/transfers')).json.total).toBe(0);
    expect((await db()('school_transfers').where({ status: 'pending' })).length).toBe(1);
    expect((await db()('accounts').where({ id: s.teacher.id }).first()).school_id).toBe(s.schoolA);

    // the county decides for any school of the county
    const county = await createMember(env.runtime, { username: 'county', schoolId: null });
    await grantRole(env.runtime, county.id, 'county_admin', s.countyId);
    const tokenCounty = await adminApiToken(env.runtime, env.issuer, 'county');
    const byCounty = await api(tokenCounty, 'POST', `/transfers/${first.json.id}/approve`);
    expect(byCounty.json).toMatchObject({ status: 'approved', decided_by: 'county' });
  });
});

describe('學校異動 console: cancel, second request, denials', () => {
  it('lets B cancel its request; shows errors on the form; refuses B approving and A requesting into B', async () => {
    const s = await seed();
    const b = await consoleLogin(env.issuer, 'admin-b');
    const form = await b.request('/admin/transfers/new');
    const request = (csrf: string) =>
      b.request('/admin/transfers', {
        form: { csrf, account_id: s.teacher.id, to_school_id: s.schoolB, titles: '教師' },
      });
    const created = await request(csrfFrom(form.body));
    expect(created.status).toBe(302);
    const again = await request(csrfFrom(form.body));
    expect(again.status).toBe(409);
    expect(again.body).toContain('已有一筆待審核');
    expect(again.body).toContain('t-lin');

    const id = /\/admin\/transfers\/([0-9a-f-]{36})$/.exec(created.location!)?.[1];
    const ownApprove = await post(b, `/admin/transfers/${id}/approve`);
    expect(ownApprove.status).toBe(403);

    const a = await consoleLogin(env.issuer, 'admin-a');
    const aForm = await a.request('/admin/transfers/new');
    const intoB = await a.request('/admin/transfers', {
      form: { csrf: csrfFrom(aForm.body), account_id: s.adminB.id, to_school_id: s.schoolB, titles: '' },
    });
    expect(intoB.status).toBe(403);
    const noReason = await post(a, `/admin/transfers/${id}/reject`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain('請填寫退回原因');
    expect((await post(a, `/admin/transfers/${id}/cancel`)).status).toBe(403);

    const cancelled = await post(b, `/admin/transfers/${id}/cancel`);
    expect(cancelled.status).toBe(302);
    expect((await b.request(cancelled.location!)).body).toContain('已取消申請');
    expect((await db()('school_transfers').where({ id }).first()).status).toBe('cancelled');
    expect((await post(b, `/admin/transfers/${id}/cancel`)).status).toBe(302);
    const c = await consoleLogin(env.issuer, 'admin-c');
    expect((await c.request(`/admin/transfers/${id}`)).status).toBe(404);
    expect(await db()('audit_log').where({ action: 'transfer.cancel' })).toHaveLength(1);
  });
});
