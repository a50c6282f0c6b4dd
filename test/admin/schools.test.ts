import { describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';

const env = useTestInstance();

async function addClass(schoolId: string, c: Partial<Record<string, unknown>> = {}) {
  const [row] = await env.runtime
    .db('school_classes')
    .insert({
      school_id: schoolId,
      school_year: 115,
      semester: 1,
      grade: 3,
      class_no: 3,
      title: '三年三班',
      ...c,
    })
    .returning('id');
  return row.id as string;
}

describe('GET /admin/schools', () => {
  it("lists the county's schools for a county admin, filtered and paged", async () => {
    const o = await seedOrgs(env.runtime);
    await env.runtime.db('organizations').insert(
      Array.from({ length: 11 }, (_, i) => ({
        kind: 'school',
        code: `1799${String(i).padStart(2, '0')}`,
        name: `基隆市測試國小${i}`,
        level: 'elementary',
        parent_id: o.countyId,
      })),
    );
    const agent = await consoleLogin(env.issuer, 'county');
    const all = await agent.request('/admin/schools');
    expect(all.status).toBe(200);
    expect(all.body).toContain('1 - 10 / 13 (13)');
    expect(all.body).toContain('Reset filters');
    expect(all.body).not.toContain('建國高級中學');
    const page2 = await agent.request('/admin/schools?page=2');
    expect(page2.body).toContain('11 - 13 / 13 (13)');

    const junior = await agent.request('/admin/schools?level=junior');
    expect(junior.body).toContain('基隆市立建德國民中學');
    expect(junior.body).not.toContain('基隆市立暖暖國民小學');
    expect(junior.body).toContain('1 - 1 / 1 (1)');
    const byCode = await agent.request('/admin/schools?code=1736');
    expect(byCode.body).toContain('暖暖國民小學');
    expect(byCode.body).not.toContain('建德國民中學');
    const byShortName = await agent.request(`/admin/schools?name=${encodeURIComponent('建德')}`);
    expect(byShortName.body).toContain('建德國民中學');
    expect(byShortName.body).not.toContain('暖暖國民小學');
    expect(all.body).toContain('href="/admin/schools/new"');

    const english = await agent.request('/admin/schools?lang=en&level=junior');
    expect(english.body).toContain('Junior high');
  });

  it('shows a school admin only their own school, read-only', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const list = await agent.request('/admin/schools');
    expect(list.body).toContain('基隆市立暖暖國民小學');
    expect(list.body).not.toContain('基隆市立建德國民中學');
    expect(list.body).not.toContain('href="/admin/schools/new"');
    const own = await agent.request(`/admin/schools/${o.schoolA}`);
    expect(own.status).toBe(200);
    expect(own.body).toContain('學校資料由縣市管理者維護');
    expect(own.body).not.toContain(`/admin/schools/${o.schoolA}/edit`);
    expect((await agent.request(`/admin/schools/${o.schoolB}`)).status).toBe(404);
    expect((await agent.request(`/admin/schools/${o.otherSchoolId}`)).status).toBe(404);
    expect((await agent.request('/admin/schools/not-a-uuid')).status).toBe(404);
    expect((await agent.request('/admin/schools/new')).status).toBe(403);
    expect((await agent.request(`/admin/schools/${o.schoolA}/edit`)).status).toBe(403);
    const edit = await postFrom(agent, '/admin', `/admin/schools/${o.schoolA}`, {
      code: '173637',
      name: '改名',
      level: 'elementary',
    });
    expect(edit.status).toBe(403);
    const create = await postFrom(agent, '/admin', '/admin/schools', {
      code: '999999',
      name: '新學校',
      level: 'elementary',
    });
    expect(create.status).toBe(403);
    expect(create.body).toContain('您沒有執行此操作的權限');
    expect(create.body).not.toContain('name="code"');
    expect(await env.runtime.db('organizations').where({ code: '999999' }).first()).toBeUndefined();
    expect((await env.runtime.db('organizations').where({ id: o.schoolA }).first()).name).toBe(
      '基隆市立暖暖國民小學',
    );
  });

  it('shows the admin of another county none of these schools', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county2');
    const list = await agent.request('/admin/schools');
    expect(list.body).toContain('建國高級中學');
    expect(list.body).not.toContain('暖暖國民小學');
    expect(list.body).not.toContain('建德國民中學');
    expect((await agent.request(`/admin/schools/${o.schoolA}`)).status).toBe(404);
  });
});

describe('POST /admin/schools (county admins)', () => {
  it('creates a school, and re-renders the form with the input for a bad or taken code', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county');
    const bad = await postFrom(agent, '/admin/schools/new', '/admin/schools', {
      code: '12-34',
      name: '基隆市立新設國民小學',
      short_name: '新設國小',
      level: 'elementary',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('學校代碼須為 6 到 8 個英文字母或數字');
    expect(bad.body).toContain('value="基隆市立新設國民小學"');
    expect(bad.body).toContain('value="12-34"');
    expect(bad.body).toContain('aria-invalid="true"');

    const taken = await postFrom(agent, '/admin/schools/new', '/admin/schools', {
      code: '173637',
      name: '基隆市立新設國民小學',
      level: 'elementary',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toContain('此學校代碼已有學校使用');
    expect(taken.body).toContain('value="基隆市立新設國民小學"');

    const noLevel = await postFrom(agent, '/admin/schools/new', '/admin/schools', {
      code: '173699',
      name: '基隆市立新設國民小學',
      level: 'university',
    });
    expect(noLevel.status).toBe(400);
    expect(noLevel.body).toContain('請選擇學制');

    const created = await postFrom(agent, '/admin/schools/new', '/admin/schools', {
      code: '173699',
      name: '  基隆市立新設國民小學 ',
      short_name: '新設國小',
      level: 'elementary',
    });
    expect(created.status).toBe(302);
    const row = await env.runtime.db('organizations').where({ code: '173699' }).first();
    expect(row).toMatchObject({
      name: '基隆市立新設國民小學',
      short_name: '新設國小',
      parent_id: o.countyId,
    });
    expect(created.location).toContain(`/admin/schools/${row.id}`);
    const page = await agent.request(created.location!);
    expect(page.body).toContain('已新增學校「基隆市立新設國民小學」');
    expect(page.body).toContain('新設國小');

    const [entry] = await auditEntries(env.runtime, 'school.create');
    expect(entry).toMatchObject({
      actor_username: 'county',
      via: 'console',
      target_type: 'school',
      target_id: row.id,
      org_id: row.id,
      actor_ip: '127.0.0.1',
    });
    expect(entry.after).toMatchObject({
      moe_number: '173699',
      name: '基隆市立新設國民小學',
      level: 'elementary',
    });
    expect(await env.runtime.db('audit_log').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('edits a school and records before and after', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county');
    const form = await agent.request(`/admin/schools/${o.schoolA}/edit`);
    expect(form.body).toContain('value="基隆市立暖暖國民小學"');
    const taken = await postFrom(agent, `/admin/schools/${o.schoolA}/edit`, `/admin/schools/${o.schoolA}`, {
      code: '173501',
      name: '基隆市立暖暖國民小學',
      level: 'elementary',
    });
    expect(taken.status).toBe(409);
    expect(taken.body).toContain('此學校代碼已有學校使用');
    const done = await postFrom(agent, `/admin/schools/${o.schoolA}/edit`, `/admin/schools/${o.schoolA}`, {
      code: '173637',
      name: '基隆市暖暖區暖暖國民小學',
      short_name: '',
      level: 'elementary',
    });
    expect(done.status).toBe(302);
    const row = await env.runtime.db('organizations').where({ id: o.schoolA }).first();
    expect(row).toMatchObject({ name: '基隆市暖暖區暖暖國民小學', short_name: null });
    const [entry] = await auditEntries(env.runtime, 'school.update');
    expect(entry.before).toMatchObject({ name: '基隆市立暖暖國民小學', short_name: '暖暖國小' });
    expect(entry.after).toMatchObject({ name: '基隆市暖暖區暖暖國民小學', short_name: null });
  });
});

describe('/admin/schools/:id classes', () => {
  it('lets a school admin create classes with a Chinese default title, and refuses duplicates', async () => {
    const o = await seedOrgs(env.runtime);
    await addClass(o.schoolB, { title: '建德資優班' });
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request(`/admin/schools/${o.schoolA}`);
    expect(page.body).toContain('新增班級');
    expect(page.body).not.toContain('建德資優班');

    const created = await postFrom(
      agent,
      `/admin/schools/${o.schoolA}`,
      `/admin/schools/${o.schoolA}/classes`,
      {
        school_year: '115',
        semester: '1',
        grade: '3',
        class_no: '3',
        title: '',
      },
    );
    expect(created.status).toBe(302);
    const row = await env.runtime.db('school_classes').where({ school_id: o.schoolA }).first();
    expect(row).toMatchObject({ school_year: 115, semester: 1, grade: 3, class_no: 3, title: '三年三班' });
    const classPage = await agent.request(created.location!);
    expect(classPage.body).toContain('已新增班級「三年三班」');

    const dup = await postFrom(agent, `/admin/schools/${o.schoolA}`, `/admin/schools/${o.schoolA}/classes`, {
      school_year: '115',
      semester: '1',
      grade: '3',
      class_no: '3',
      title: '自然班',
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toContain('已有相同年級與班級序號的班級');
    expect(dup.body).toContain('value="自然班"');

    const badGrade = await postFrom(
      agent,
      `/admin/schools/${o.schoolA}`,
      `/admin/schools/${o.schoolA}/classes`,
      {
        school_year: '115',
        semester: '1',
        grade: '13',
        class_no: '1',
      },
    );
    expect(badGrade.status).toBe(400);
    expect(badGrade.body).toContain('年級須為 1 到 12');
    expect(badGrade.body).toContain('value="13"');
    const badNo = await postFrom(
      agent,
      `/admin/schools/${o.schoolA}`,
      `/admin/schools/${o.schoolA}/classes`,
      {
        school_year: '115',
        semester: '1',
        grade: '1',
        class_no: '100',
      },
    );
    expect(badNo.status).toBe(400);
    expect(badNo.body).toContain('班級序號須為 1 到 99');
    expect(await env.runtime.db('school_classes').where({ school_id: o.schoolA })).toHaveLength(1);

    await postFrom(agent, `/admin/schools/${o.schoolA}`, `/admin/schools/${o.schoolA}/classes`, {
      school_year: '114',
      semester: '2',
      grade: '12',
      class_no: '11',
    });
    const list = await agent.request(`/admin/schools/${o.schoolA}`);
    expect(list.body).toContain('十二年十一班');
    const filtered = await agent.request(`/admin/schools/${o.schoolA}?school_year=115`);
    expect(filtered.body).toContain('>三年三班</a>');
    expect(filtered.body).not.toContain('十二年十一班');
    const bySemester = await agent.request(`/admin/schools/${o.schoolA}?semester=2`);
    expect(bySemester.body).toContain('十二年十一班');
    expect(bySemester.body).not.toContain('>三年三班</a>');

    const entries = await auditEntries(env.runtime, 'class.create');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor_username: 'admin-a', org_id: o.schoolA, target_type: 'class' });
  });

  it("keeps school B's classes from the admin of A, by list and by id", async () => {
    const o = await seedOrgs(env.runtime);
    const classB = await addClass(o.schoolB, { title: '建德資優班' });
    const agent = await consoleLogin(env.issuer, 'admin-a');
    expect((await agent.request(`/admin/schools/${o.schoolB}/classes/${classB}`)).status).toBe(404);
    expect((await agent.request(`/admin/schools/${o.schoolA}/classes/${classB}`)).status).toBe(404);
    const create = await postFrom(agent, '/admin', `/admin/schools/${o.schoolB}/classes`, {
      school_year: '115',
      semester: '1',
      grade: '1',
      class_no: '1',
    });
    expect(create.status).toBe(404);
    const edit = await postFrom(agent, '/admin', `/admin/schools/${o.schoolB}/classes/${classB}`, {
      school_year: '115',
      semester: '1',
      grade: '1',
      class_no: '1',
      title: 'hacked',
    });
    expect(edit.status).toBe(404);
    const assign = await postFrom(agent, '/admin', `/admin/schools/${o.schoolB}/classes/${classB}/teachers`, {
      username: 'teacher-b',
      kind: 'homeroom',
    });
    expect(assign.status).toBe(404);
    expect(await env.runtime.db('school_classes').where({ school_id: o.schoolB })).toEqual([
      expect.objectContaining({ title: '建德資優班' }),
    ]);
    expect(await env.runtime.db('class_teachers')).toEqual([]);
    expect(await env.runtime.db('audit_log')).toEqual([]);
  });

  it('edits a class and assigns and removes teachers of the school only', async () => {
    const o = await seedOrgs(env.runtime);
    const classA = await addClass(o.schoolA);
    await addClass(o.schoolA, { grade: 3, class_no: 4, title: '三年四班' });
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const path = `/admin/schools/${o.schoolA}/classes/${classA}`;
    const page = await agent.request(path);
    expect(page.status).toBe(200);
    expect(page.body).toContain('115 學年度第 1 學期');

    const dup = await postFrom(agent, path, path, {
      school_year: '115',
      semester: '1',
      grade: '3',
      class_no: '4',
      title: '',
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toContain('已有相同年級與班級序號的班級');
    const renamed = await postFrom(agent, path, path, {
      school_year: '115',
      semester: '1',
      grade: '3',
      class_no: '3',
      title: '三年三班（美術班）',
    });
    expect(renamed.status).toBe(302);
    expect((await env.runtime.db('school_classes').where({ id: classA }).first()).title).toBe(
      '三年三班（美術班）',
    );
    const [update] = await auditEntries(env.runtime, 'class.update');
    expect(update.before).toMatchObject({ title: '三年三班' });
    expect(update.after).toMatchObject({ title: '三年三班（美術班）' });

    for (const username of ['teacher-b', 'student-a', 'nobody']) {
      const refused = await postFrom(agent, path, `${path}/teachers`, { username, kind: 'homeroom' });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('不是本校的教職員帳號');
      expect(refused.body).toContain(`value="${username}"`);
    }
    const assigned = await postFrom(agent, path, `${path}/teachers`, {
      username: 'Teacher-A',
      kind: 'homeroom',
    });
    expect(assigned.status).toBe(302);
    const withTeacher = await agent.request(path);
    expect(withTeacher.body).toContain('已指派 teacher-a 為導師');
    expect(await env.runtime.db('class_teachers')).toEqual([
      { class_id: classA, account_id: o.teacherA.id, kind: 'homeroom' },
    ]);
    await postFrom(agent, path, `${path}/teachers`, { username: 'teacher-a', kind: 'subject' });
    expect((await env.runtime.db('class_teachers').first()).kind).toBe('subject');
    const schoolPage = await agent.request(`/admin/schools/${o.schoolA}`);
    expect(schoolPage.body).toContain('科任');

    const removed = await postFrom(agent, path, `${path}/teachers/${o.teacherA.id}/delete`, {});
    expect(removed.status).toBe(302);
    expect(await env.runtime.db('class_teachers')).toEqual([]);
    const again = await postFrom(agent, path, `${path}/teachers/${o.teacherA.id}/delete`, {});
    expect(again.status).toBe(404);
    expect(again.body).toContain('此帳號不是本班的教師');

    const assigns = await auditEntries(env.runtime, 'class.teacher_assign');
    expect(assigns.map((e) => e.after.kind)).toEqual(['homeroom', 'subject']);
    expect(assigns[1].before).toMatchObject({ kind: 'homeroom', username: 'teacher-a' });
    const [removal] = await auditEntries(env.runtime, 'class.teacher_remove');
    expect(removal.before).toMatchObject({ account_id: o.teacherA.id, kind: 'subject' });
  });
});

describe('/admin/api/v1/schools and /classes', () => {
  it('lists, reads and changes schools within the caller scope', async () => {
    const o = await seedOrgs(env.runtime);
    const tokenA = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const list = await callApi(env.issuer, tokenA, 'GET', '/schools');
    expect(list.status).toBe(200);
    expect(list.json.items.map((s: { id: string }) => s.id)).toEqual([o.schoolA]);
    expect(list.json).toMatchObject({ total: 1, offset: 0, limit: 50 });
    expect((await callApi(env.issuer, tokenA, 'GET', `/schools/${o.schoolA}`)).json).toMatchObject({
      code: '173637',
      level: 'elementary',
      county_id: o.countyId,
    });
    expect((await callApi(env.issuer, tokenA, 'GET', `/schools/${o.schoolB}`)).status).toBe(404);
    const patch = await callApi(env.issuer, tokenA, 'PATCH', `/schools/${o.schoolA}`, { name: 'x' });
    expect(patch.status).toBe(403);
    expect(patch.json.error).toBe('admin.forbidden');
    const post = await callApi(env.issuer, tokenA, 'POST', '/schools', {
      code: '173699',
      name: 'x',
      level: 'elementary',
    });
    expect(post.status).toBe(403);

    const token = await adminApiToken(env.runtime, env.issuer, 'county');
    const filtered = await callApi(env.issuer, token, 'GET', '/schools?level=junior');
    expect(filtered.json.items.map((s: { code: string }) => s.code)).toEqual(['173501']);
    expect((await callApi(env.issuer, token, 'GET', '/schools?level=college')).status).toBe(400);
    const bad = await callApi(env.issuer, token, 'POST', '/schools', {
      code: '1',
      name: '新學校',
      level: 'elementary',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('school.code_invalid');
    const taken = await callApi(env.issuer, token, 'POST', '/schools', {
      code: '173501',
      name: '新學校',
      level: 'junior',
    });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toBe('school.code_taken');
    const created = await callApi(env.issuer, token, 'POST', '/schools', {
      code: '173699',
      name: '基隆市立新設國民小學',
      short_name: '新設國小',
      level: 'elementary',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ code: '173699', county_id: o.countyId, short_name: '新設國小' });
    const patched = await callApi(env.issuer, token, 'PATCH', `/schools/${created.json.id}`, {
      level: 'other',
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ code: '173699', name: '基隆市立新設國民小學', level: 'other' });
    const entries = await env.runtime.db('audit_log').orderBy('id');
    expect(entries.map((e) => [e.action, e.via])).toEqual([
      ['school.create', 'api'],
      ['school.update', 'api'],
    ]);
    const doc = (await (await fetch(`${env.issuer}/admin/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/api/v1/schools',
        '/admin/api/v1/schools/{id}',
        '/admin/api/v1/schools/{id}/classes',
        '/admin/api/v1/classes/{id}',
        '/admin/api/v1/classes/{id}/teachers',
        '/admin/api/v1/classes/{id}/teachers/{account_id}',
        '/admin/api/v1/roles',
        '/admin/api/v1/roles/{id}',
        '/admin/api/v1/whitelist',
        '/admin/api/v1/whitelist/{id}',
        '/admin/api/v1/audit',
      ]),
    );
    expect(Object.keys(doc.paths['/admin/api/v1/schools/{id}']!)).toEqual(['get', 'patch']);

    const other = await adminApiToken(env.runtime, env.issuer, 'county2');
    const otherList = await callApi(env.issuer, other, 'GET', '/schools');
    expect(otherList.json.items.map((s: { code: string }) => s.code)).toEqual(['313601']);
    expect((await callApi(env.issuer, other, 'GET', `/schools/${o.schoolA}`)).status).toBe(404);
    expect((await callApi(env.issuer, other, 'PATCH', `/schools/${o.schoolA}`, { name: 'x' })).status).toBe(
      404,
    );
  });

  it('manages classes and teachers, and hides B from the admin of A', async () => {
    const o = await seedOrgs(env.runtime);
    const classB = await addClass(o.schoolB);
    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const created = await callApi(env.issuer, token, 'POST', `/schools/${o.schoolA}/classes`, {
      school_year: 115,
      semester: 1,
      grade: 6,
      class_no: 4,
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ title: '六年四班', school_id: o.schoolA });
    const dup = await callApi(env.issuer, token, 'POST', `/schools/${o.schoolA}/classes`, {
      school_year: 115,
      semester: 1,
      grade: 6,
      class_no: 4,
    });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toBe('class.duplicate');
    const bad = await callApi(env.issuer, token, 'POST', `/schools/${o.schoolA}/classes`, {
      school_year: 115,
      semester: 3,
      grade: 6,
      class_no: 4,
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('class.semester_invalid');
    const untyped = await callApi(env.issuer, token, 'POST', `/schools/${o.schoolA}/classes`, { grade: 'x' });
    expect(untyped.status).toBe(400);
    expect(untyped.json.error).toBe('admin_api.invalid_request');

    const list = await callApi(env.issuer, token, 'GET', `/schools/${o.schoolA}/classes?grade=6`);
    expect(list.json.items).toHaveLength(1);
    expect((await callApi(env.issuer, token, 'GET', `/schools/${o.schoolB}/classes`)).status).toBe(404);
    expect((await callApi(env.issuer, token, 'GET', `/classes/${classB}`)).status).toBe(404);
    expect((await callApi(env.issuer, token, 'PATCH', `/classes/${classB}`, { title: 'x' })).status).toBe(
      404,
    );
    expect(
      (await callApi(env.issuer, token, 'POST', `/classes/${classB}/teachers`, { username: 'teacher-b' }))
        .status,
    ).toBe(404);
    expect(
      (
        await callApi(env.issuer, token, 'POST', `/schools/${o.schoolB}/classes`, {
          school_year: 115,
          semester: 1,
          grade: 1,
          class_no: 1,
        })
      ).status,
    ).toBe(404);

    const id = created.json.id as string;
    const patched = await callApi(env.issuer, token, 'PATCH', `/classes/${id}`, {
      title: '六年四班（體育班）',
    });
    expect(patched.json).toMatchObject({ grade: 6, class_no: 4, title: '六年四班（體育班）' });
    const notOurs = await callApi(env.issuer, token, 'POST', `/classes/${id}/teachers`, {
      username: 'teacher-b',
      kind: 'homeroom',
    });
    expect(notOurs.status).toBe(400);
    expect(notOurs.json.error).toBe('class.teacher_not_found');
    const assigned = await callApi(env.issuer, token, 'POST', `/classes/${id}/teachers`, {
      username: 'teacher-a',
      kind: 'subject',
    });
    expect(assigned.status).toBe(200);
    expect(assigned.json.items).toEqual([
      { account_id: o.teacherA.id, username: 'teacher-a', name: 'teacher-a', kind: 'subject' },
    ]);
    const detail = await callApi(env.issuer, token, 'GET', `/classes/${id}`);
    expect(detail.json).toMatchObject({ member_count: 0, teachers: [{ username: 'teacher-a' }] });
    const removed = await callApi(env.issuer, token, 'DELETE', `/classes/${id}/teachers/${o.teacherA.id}`);
    expect(removed.json.items).toEqual([]);
    expect(
      (await callApi(env.issuer, token, 'DELETE', `/classes/${id}/teachers/${o.teacherA.id}`)).status,
    ).toBe(404);
    const actions = (await env.runtime.db('audit_log').orderBy('id')).map((e) => e.action);
    expect(actions).toEqual(['class.create', 'class.update', 'class.teacher_assign', 'class.teacher_remove']);
  });
});
