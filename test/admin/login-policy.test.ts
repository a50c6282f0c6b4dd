/** 啟用登入機制: the login rules of a county, by console and by API, audited, county admins only. */
import { describe, expect, it } from '@jest/globals';
import { ACR } from '../../src/interactions/methods/types.js';
import { adminApiToken, consoleLogin, createMember, seedDirectory } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { createClient } from '../helpers/fixtures.js';

const t = useTestInstance();

async function setup() {
  const dir = await seedDirectory(t.runtime);
  const [other] = await t.runtime
    .db('organizations')
    .insert({ kind: 'county', code: 'tp', name: '臺北市政府教育局' })
    .returning('id');
  await createMember(t.runtime, {
    username: 'kladmin',
    schoolId: null,
    role: { role: 'county_admin', orgId: dir.countyId },
  });
  await createMember(t.runtime, {
    username: 'aadmin',
    schoolId: dir.schoolA,
    role: { role: 'school_admin', orgId: dir.schoolA },
  });
  await createClient(t.runtime);
  return { ...dir, otherCounty: other.id as string };
}

describe('/admin/api/v1/login-policies', () => {
  it('lets a county admin create, replace, list and delete the rules of the county, audited', async () => {
    const d = await setup();
    const token = await adminApiToken(t.runtime, t.issuer, 'kladmin');
    const rule = {
      county_id: d.countyId,
      client_id: 'school-app',
      identity_type: 'staff',
      allowed_methods: ['certificate'],
    };
    const created = await callApi(t.issuer, token, 'PUT', '/login-policies', rule);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ ...rule, required_acr: null, updated_by: 'kladmin' });
    // the same county, client and identity: replaced, not added
    const replaced = await callApi(t.issuer, token, 'PUT', '/login-policies', {
      ...rule,
      allowed_methods: ['certificate', 'fido'],
      required_acr: ACR.certificate,
    });
    expect(replaced.json.id).toBe(created.json.id);
    expect(replaced.json.allowed_methods).toEqual(['fido', 'certificate']);
    const county = await callApi(t.issuer, token, 'PUT', '/login-policies', {
      county_id: d.countyId,
      required_acr: ACR.password,
    });
    expect(county.json).toMatchObject({ client_id: null, identity_type: null });
    const list = await callApi(t.issuer, token, 'GET', '/login-policies');
    expect(list.json.total).toBe(2);

    const saves = await auditEntries(t.runtime, 'login_policy.save');
    expect(saves).toHaveLength(3);
    expect(saves[1].before).toMatchObject({ allowed_methods: ['certificate'] });
    expect(saves[1].after).toMatchObject({ required_acr: ACR.certificate });

    const deleted = await callApi(t.issuer, token, 'DELETE', `/login-policies/${created.json.id}`);
    expect(deleted.status).toBe(200);
    expect(await auditEntries(t.runtime, 'login_policy.delete')).toHaveLength(1);
    expect((await callApi(t.issuer, token, 'GET', '/login-policies')).json.total).toBe(1);
  });

  it('refuses unknown clients, methods and acr values, and other counties', async () => {
    const d = await setup();
    const token = await adminApiToken(t.runtime, t.issuer, 'kladmin');
    const bad = (body: object) => callApi(t.issuer, token, 'PUT', '/login-policies', body);
    expect(
      (await bad({ county_id: d.countyId, client_id: 'nope', required_acr: ACR.passkey })).json.error,
    ).toBe('login_policy.client_invalid');
    expect((await bad({ county_id: d.countyId, allowed_methods: ['sms'] })).status).toBe(400);
    expect((await bad({ county_id: d.countyId, required_acr: 'urn:x' })).status).toBe(400);
    expect((await bad({ county_id: d.countyId })).json.error).toBe('login_policy.empty_rule');
    expect((await bad({ county_id: d.otherCounty, required_acr: ACR.passkey })).status).toBe(403);
    const [foreign] = await t.runtime
      .db('login_policies')
      .insert({ county_id: d.otherCounty, required_acr: ACR.passkey })
      .returning('id');
    expect((await callApi(t.issuer, token, 'DELETE', `/login-policies/${foreign.id}`)).status).toBe(404);
    expect((await callApi(t.issuer, token, 'GET', '/login-policies')).json.total).toBe(0);
    expect(await t.runtime.db('audit_log').where('action', 'like', 'login_policy.%')).toHaveLength(0);
  });

  it('is for county admins only', async () => {
    const d = await setup();
    const token = await adminApiToken(t.runtime, t.issuer, 'aadmin');
    expect((await callApi(t.issuer, token, 'GET', '/login-policies')).status).toBe(403);
    const put = await callApi(t.issuer, token, 'PUT', '/login-policies', {
      county_id: d.countyId,
      required_acr: ACR.passkey,
    });
    expect(put.status).toBe(403);
  });
});

describe('/admin/login-policy', () => {
  it('lists and saves rules, re-renders the form with the error and the input kept', async () => {
    const d = await setup();
    const agent = await consoleLogin(t.issuer, 'kladmin');
    const page = await agent.request('/admin/login-policy');
    expect(page.status).toBe(200);
    expect(page.body).toContain('啟用登入機制');
    expect(page.body).toContain('value="school-app"');
    expect(page.body).toContain('value="edu-idp-console"');

    const bad = await postFrom(agent, '/admin/login-policy', '/admin/login-policy', {
      county_id: d.countyId,
      client_id: 'school-app',
      identity_type: 'staff',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('請至少勾選一種登入方式或選擇所需驗證等級');
    expect(bad.body).toMatch(/<option value="staff" selected>/);

    const saved = await postFrom(agent, '/admin/login-policy', '/admin/login-policy', {
      county_id: d.countyId,
      client_id: 'school-app',
      identity_type: 'staff',
      methods: 'certificate',
    });
    expect(saved.status).toBe(302);
    const list = await agent.request('/admin/login-policy?lang=en');
    expect(list.body).toContain('Citizen Digital Certificate');
    expect(list.body).toContain('Staff');
    const [row] = await t.runtime.db('login_policies');
    expect(row).toMatchObject({
      client_id: 'school-app',
      identity_type: 'staff',
      allowed_methods: ['certificate'],
    });

    const del = await postFrom(agent, '/admin/login-policy', `/admin/login-policy/${row.id}/delete`, {});
    expect(del.status).toBe(302);
    expect(await t.runtime.db('login_policies')).toHaveLength(0);
  });

  it('is not in a school admin’s menu and refuses the page', async () => {
    await setup();
    const agent = await consoleLogin(t.issuer, 'aadmin');
    const home = await agent.request('/admin');
    expect(home.body).not.toContain('/admin/login-policy');
    expect((await agent.request('/admin/login-policy')).status).toBe(403);
  });
});
