/** 服務管理: services by console and API, audited, scoped (county-wide vs a school's own). */
import { describe, expect, it } from '@jest/globals';
import { adminApiToken, consoleLogin } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { createClient } from '../helpers/fixtures.js';
import { csrfFrom } from '../helpers/http-agent.js';

const t = useTestInstance();

async function setup() {
  const orgs = await seedOrgs(t.runtime);
  await createClient(t.runtime);
  await createClient(t.runtime, { client_id: 'owncloud', client_name: 'ownCloud' });
  return orgs;
}

const drive = {
  name_zh: '雲端硬碟',
  name_en: 'ownCloud cloud drive',
  icon: 'cloud',
  client_id: 'owncloud',
  go_url: 'https://cloud.example.edu.tw/',
};

describe('/admin/api/v1/services', () => {
  it('lets a county admin create, read, update, list and delete county-wide services, audited', async () => {
    await setup();
    const token = await adminApiToken(t.runtime, t.issuer, 'county');
    const created = await callApi(t.issuer, token, 'POST', '/services', drive);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      ...drive,
      owner_org_id: null,
      identity_types: [],
      school_ids: [],
      activation_required: true,
      enabled: true,
    });
    const id = created.json.id as string;
    expect((await callApi(t.issuer, token, 'GET', `/services/${id}`)).json.name_zh).toBe('雲端硬碟');

    const updated = await callApi(t.issuer, token, 'PUT', `/services/${id}`, {
      ...drive,
      identity_types: ['teacher', 'student'],
      activation_required: false,
    });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      identity_types: ['student', 'teacher'],
      activation_required: false,
    });

    const list = await callApi(t.issuer, token, 'GET', '/services');
    expect(list.json.total).toBe(1);

    const [create] = await auditEntries(t.runtime, 'service.create');
    expect(create).toMatchObject({ target_type: 'service', target_id: id, actor_username: 'county' });
    const [update] = await auditEntries(t.runtime, 'service.update');
    expect(update.before).toMatchObject({ activation_required: true, identity_types: [] });
    expect(update.after).toMatchObject({ activation_required: false });

    expect((await callApi(t.issuer, token, 'DELETE', `/services/${id}`)).status).toBe(200);
    expect(await auditEntries(t.runtime, 'service.delete')).toHaveLength(1);
    expect((await callApi(t.issuer, token, 'GET', '/services')).json.total).toBe(0);
  });

  it('refuses unknown or taken clients, bad links and foreign schools, writing nothing', async () => {
    const o = await setup();
    const token = await adminApiToken(t.runtime, t.issuer, 'county');
    const post = (body: object) => callApi(t.issuer, token, 'POST', '/services', { ...drive, ...body });
    expect((await post({ client_id: 'nope' })).json.error).toBe('service.client_invalid');
    expect((await post({ go_url: 'javascript:alert(1)' })).json.error).toBe('service.go_url_invalid');
    expect((await post({ name_zh: '  ' })).json.error).toBe('service.name_required');
    expect((await post({ school_ids: [o.otherSchoolId] })).json.error).toBe('service.school_invalid');
    expect((await post({ icon: 'rocket' })).status).toBe(400);
    expect((await post({ owner_org_id: o.otherCountyId })).status).toBe(403);
    expect(await t.runtime.db('services')).toHaveLength(0);
    expect((await post({})).status).toBe(201);
    expect((await post({ name_zh: '另一個' })).json.error).toBe('service.client_taken');
    expect(await t.runtime.db('services')).toHaveLength(1);
    expect(await auditEntries(t.runtime, 'service.create')).toHaveLength(1);
  });

  it('keeps a school’s own services to that school: admin B cannot see or change school A’s', async () => {
    const o = await setup();
    const tokenA = await adminApiToken(t.runtime, t.issuer, 'admin-a');
    // a school admin makes a school service, restricted to the school whatever it asks
    const own = await callApi(t.issuer, tokenA, 'POST', '/services', {
      ...drive,
      client_id: null,
      owner_org_id: o.schoolA,
      school_ids: [],
    });
    expect(own.status).toBe(201);
    expect(own.json).toMatchObject({ owner_org_id: o.schoolA, school_ids: [o.schoolA] });
    // but no county-wide service, and nothing for school B
    expect((await callApi(t.issuer, tokenA, 'POST', '/services', { ...drive, client_id: null })).status).toBe(
      403,
    );
    const forB = await callApi(t.issuer, tokenA, 'POST', '/services', {
      ...drive,
      client_id: null,
      owner_org_id: o.schoolB,
    });
    expect(forB.status).toBe(403);

    const county = await adminApiToken(t.runtime, t.issuer, 'county');
    await callApi(t.issuer, county, 'POST', '/services', { ...drive, name_zh: '全縣' });
    expect(
      (await callApi(t.issuer, tokenA, 'GET', '/services')).json.items.map(
        (s: { name_zh: string }) => s.name_zh,
      ),
    ).toEqual(['雲端硬碟']);
    expect((await callApi(t.issuer, county, 'GET', '/services')).json.total).toBe(2);

    const tokenB = await adminApiToken(t.runtime, t.issuer, 'admin-b');
    const id = own.json.id as string;
    expect((await callApi(t.issuer, tokenB, 'GET', '/services')).json.total).toBe(0);
    expect((await callApi(t.issuer, tokenB, 'GET', `/services/${id}`)).status).toBe(404);
    expect(
      (await callApi(t.issuer, tokenB, 'PUT', `/services/${id}`, { ...drive, client_id: null })).status,
    ).toBe(404);
    expect((await callApi(t.issuer, tokenB, 'DELETE', `/services/${id}`)).status).toBe(404);
    // the county admin of the other county sees none of them
    const other = await adminApiToken(t.runtime, t.issuer, 'county2');
    expect((await callApi(t.issuer, other, 'GET', `/services/${id}`)).status).toBe(404);
    expect((await t.runtime.db('services').where({ id }).first()).name_zh).toBe('雲端硬碟');
  });
});

describe('/admin/api/v1/openapi.json', () => {
  it('documents the services routes with their schemas', async () => {
    const doc = (await (await fetch(`${t.issuer}/admin/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(Object.keys(doc.paths['/admin/api/v1/services'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/admin/api/v1/services/{id}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'put',
    ]);
    expect(JSON.stringify(doc.paths['/admin/api/v1/services']!.post!.requestBody)).toContain(
      'activation_required',
    );
  });
});

describe('/admin/services', () => {
  it('creates with the form, re-renders errors with the input kept, edits and deletes', async () => {
    await setup();
    const agent = await consoleLogin(t.issuer, 'county');
    const list = await agent.request('/admin/services');
    expect(list.status).toBe(200);
    expect(list.body).toContain('服務管理');

    const bad = await postFrom(agent, '/admin/services/new', '/admin/services', {
      name_zh: '',
      name_en: 'Kept English name',
      icon: 'cloud',
      owner_org_id: '',
      client_id: 'owncloud',
      go_url: 'https://cloud.example.edu.tw/',
      activation_required: '1',
      enabled: '1',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('請輸入服務名稱。');
    expect(bad.body).toContain('value="Kept English name"');
    expect(bad.body).toMatch(/<option value="owncloud" selected>/);

    const page = await agent.request('/admin/services/new');
    const body = new URLSearchParams([
      ['csrf', csrfFrom(page.body)],
      ['name_zh', '雲端硬碟'],
      ['icon', 'cloud'],
      ['owner_org_id', ''],
      ['client_id', 'owncloud'],
      ['go_url', 'https://cloud.example.edu.tw/'],
      ['identity_types', 'teacher'],
      ['identity_types', 'staff'],
      ['activation_required', '1'],
      ['enabled', '1'],
      ['sort_order', '5'],
    ]);
    const created = await agent.request('/admin/services', {
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(created.status).toBe(302);
    const row = await t.runtime.db('services').first();
    expect(row).toMatchObject({
      name_zh: '雲端硬碟',
      identity_types: ['teacher', 'staff'],
      activation_required: true,
      sort_order: 5,
    });
    const listed = await agent.request('/admin/services');
    expect(listed.body).toContain('已新增服務「雲端硬碟」。');
    expect(listed.body).toContain('ownCloud (owncloud)');

    const edit = await agent.request(`/admin/services/${row.id}/edit`);
    expect(edit.body).toContain('value="雲端硬碟"');
    expect(edit.body).toMatch(/id="identity_types-teacher"[^>]*checked/);
    // unchecked boxes are not sent: activation no longer required, not available
    const saved = await postFrom(agent, `/admin/services/${row.id}/edit`, `/admin/services/${row.id}`, {
      name_zh: '雲端硬碟 ownCloud',
      icon: 'cloud',
      owner_org_id: '',
      client_id: 'owncloud',
    });
    expect(saved.status).toBe(302);
    expect(await t.runtime.db('services').where({ id: row.id }).first()).toMatchObject({
      name_zh: '雲端硬碟 ownCloud',
      activation_required: false,
      enabled: false,
      identity_types: [],
    });

    const deleted = await postFrom(agent, '/admin/services', `/admin/services/${row.id}/delete`, {});
    expect(deleted.status).toBe(302);
    expect(await t.runtime.db('services')).toHaveLength(0);
    expect(await auditEntries(t.runtime, 'service.delete')).toHaveLength(1);
  });

  it('shows school B’s admin nothing of school A and refuses its edit page', async () => {
    const o = await setup();
    const [own] = await t.runtime
      .db('services')
      .insert({ name_zh: '暖暖國小校務', owner_org_id: o.schoolA, school_ids: [o.schoolA] })
      .returning('id');
    const a = await consoleLogin(t.issuer, 'admin-a');
    expect((await a.request('/admin/services')).body).toContain('暖暖國小校務');
    const b = await consoleLogin(t.issuer, 'admin-b');
    const listB = await b.request('/admin/services');
    expect(listB.status).toBe(200);
    expect(listB.body).not.toContain('暖暖國小校務');
    expect((await b.request(`/admin/services/${own.id}/edit`)).status).toBe(404);
    const del = await postFrom(b, '/admin/services', `/admin/services/${own.id}/delete`, {});
    expect(del.status).toBe(404);
    expect(await t.runtime.db('services')).toHaveLength(1);
  });

  it('is not for teachers', async () => {
    await setup();
    const [cls] = await t.runtime
      .db('school_classes')
      .insert({
        school_id: (await t.runtime.db('organizations').where({ code: '173637' }).first()).id,
        school_year: 115,
        semester: 1,
        grade: 3,
        class_no: 1,
        title: '三年一班',
      })
      .returning('id');
    const teacher = await t.runtime.db('accounts').where({ username: 'teacher-a' }).first();
    await t.runtime.db('class_teachers').insert({ class_id: cls.id, account_id: teacher.id });
    const agent = await consoleLogin(t.issuer, 'teacher-a');
    const page = await agent.request('/admin/services');
    expect(page.status).toBe(403);
  });
});
