import { describe, expect, it } from '@jest/globals';
import { createWhitelist, HostBitsError, normalizeCidr } from '../../src/services/whitelist.js';
import { adminApiToken, consoleLogin } from '../helpers/admin.js';
import { auditEntries, callApi, postFrom, seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { PASSWORD } from '../helpers/fixtures.js';
import { HttpAgent, submitLoginForm } from '../helpers/http-agent.js';

const env = useTestInstance();

async function addRange(orgId: string, cidr: string, label: string | null = null) {
  const [row] = await env.runtime.db('ip_ranges').insert({ org_id: orgId, cidr, label }).returning('id');
  return row.id as string;
}

describe('normalizeCidr', () => {
  it('turns host addresses into /32 and /128, writes IPv6 compactly and maps IPv4-mapped IPv6', () => {
    expect(normalizeCidr(' 163.25.10.5 ')).toBe('163.25.10.5/32');
    expect(normalizeCidr('163.25.10.0/24')).toBe('163.25.10.0/24');
    expect(normalizeCidr('2001:0288:1234:0000::1')).toBe('2001:288:1234::1/128');
    expect(normalizeCidr('2001:288:1234::/48')).toBe('2001:288:1234::/48');
    expect(normalizeCidr('::ffff:163.25.10.5')).toBe('163.25.10.5/32');
    expect(normalizeCidr('::ffff:163.25.10.0/120')).toBe('163.25.10.0/24');
    expect(normalizeCidr('１６３.２５.１０.０/２４')).toBe('163.25.10.0/24');
  });

  it('refuses malformed, too wide and host-bit ranges with their own codes', () => {
    for (const bad of [
      '',
      'abc',
      '1.2.3',
      '163.25.10.0/33',
      '2001:db8::/129',
      '1.2.3.4/24/1',
      '10.0.0.0/-1',
    ]) {
      expect(() => normalizeCidr(bad)).toThrow(expect.objectContaining({ code: 'whitelist.cidr_invalid' }));
    }
    expect(() => normalizeCidr('0.0.0.0/0')).toThrow(
      expect.objectContaining({ code: 'whitelist.too_broad' }),
    );
    expect(() => normalizeCidr('::/0')).toThrow(expect.objectContaining({ code: 'whitelist.too_broad' }));
    let hostBits: unknown;
    try {
      normalizeCidr('163.25.10.5/24');
    } catch (err) {
      hostBits = err;
    }
    expect(hostBits).toBeInstanceOf(HostBitsError);
    expect(hostBits).toMatchObject({ code: 'whitelist.host_bits', network: '163.25.10.0/24' });
    expect(() => normalizeCidr('2001:db8::5/32')).toThrow(
      expect.objectContaining({ network: '2001:db8::/32' }),
    );
  });
});

describe('whitelist.isAllowed', () => {
  it('matches IPv4, IPv6 and IPv4-mapped IPv6 against TANet and the ranges of the given organisations', async () => {
    const o = await seedOrgs(env.runtime);
    await addRange(o.schoolA, '10.20.0.0/16');
    await addRange(o.schoolA, '2001:db8:a::/48');
    await addRange(o.countyId, '192.0.2.0/24');
    const whitelist = createWhitelist(env.runtime.db, ['163.24.0.0/13', '2001:288::/32']);

    expect(await whitelist.isAllowed('10.20.3.4', [o.schoolA])).toBe(true);
    expect(await whitelist.isAllowed('::ffff:10.20.3.4', [o.schoolA])).toBe(true);
    expect(await whitelist.isAllowed('10.21.0.1', [o.schoolA])).toBe(false);
    expect(await whitelist.isAllowed('2001:db8:a:1::5', [o.schoolA])).toBe(true);
    expect(await whitelist.isAllowed('2001:db8:b::5', [o.schoolA])).toBe(false);
    expect(await whitelist.isAllowed('10.20.3.4', [o.schoolB])).toBe(false);
    expect(await whitelist.isAllowed('192.0.2.9', [o.schoolA])).toBe(false);
    expect(await whitelist.isAllowed('192.0.2.9', [o.schoolA, o.countyId])).toBe(true);
    expect(await whitelist.isAllowed('10.20.3.4', [])).toBe(false);
    expect(await whitelist.isAllowed('not an address', [o.schoolA])).toBe(false);

    expect(await whitelist.isAllowed('163.25.1.1', [])).toBe(true);
    expect(await whitelist.isAllowed('::ffff:163.25.1.1', [])).toBe(true);
    expect(await whitelist.isAllowed('2001:288:4000::1', [])).toBe(true);
    expect(await whitelist.isAllowed('163.25.1.1', [], { tanet: false })).toBe(false);
    expect(whitelist.isTanet('::ffff:163.31.255.255')).toBe(true);
    expect(whitelist.isTanet('163.32.0.1')).toBe(false);
  });
});

describe('/admin/whitelist', () => {
  it('shows the TANet defaults read-only and lets a county admin add ranges for the county and its schools', async () => {
    const o = await seedOrgs(env.runtime);
    const agent = await consoleLogin(env.issuer, 'county');
    const page = await agent.request('/admin/whitelist');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<code>140.111.0.0/16</code>');
    expect(page.body).toContain('<code>2001:288::/32</code>');
    expect(page.body).toContain('縣市：基隆市政府教育處');
    expect(page.body).toContain('173501 基隆市立建德國民中學');
    expect(page.body).not.toContain('建國高級中學');

    const add = (form: Record<string, string>) =>
      postFrom(agent, '/admin/whitelist', '/admin/whitelist', form);
    const county = await add({ org_id: o.countyId, cidr: '163.25.0.0/16', label: '教育處 <機房>' });
    expect(county.status).toBe(302);
    const host = await add({ org_id: o.schoolB, cidr: '163.25.10.5', label: '' });
    expect(host.status).toBe(302);
    const v6 = await add({ org_id: o.schoolB, cidr: '2001:0288:1234::/48', label: 'IPv6' });
    expect(v6.status).toBe(302);
    const list = await agent.request('/admin/whitelist');
    expect(list.body).toContain('已新增 2001:288:1234::/48');
    expect(list.body).toContain('<code>163.25.10.5/32</code>');
    expect(list.body).toContain('教育處 &lt;機房&gt;');
    const filtered = await agent.request(`/admin/whitelist?org_id=${o.schoolB}`);
    expect(filtered.body).not.toContain('<code>163.25.0.0/16</code>');
    expect(filtered.body).toContain('1 - 2 / 2 (2)');

    const hostBits = await add({ org_id: o.schoolB, cidr: '163.25.20.5/24', label: '電腦教室' });
    expect(hostBits.status).toBe(400);
    expect(hostBits.body).toContain('網路位址應為 163.25.20.0/24');
    expect(hostBits.body).toContain('value="163.25.20.5/24"');
    expect(hostBits.body).toContain('value="電腦教室"');
    const bad = await add({ org_id: o.schoolB, cidr: '163.25.20', label: '' });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('IP 範圍格式不正確');
    const dup = await add({ org_id: o.schoolB, cidr: '163.25.10.5/32', label: '' });
    expect(dup.status).toBe(409);
    expect(dup.body).toContain('此單位已有這個範圍');
    const wide = await add({ org_id: o.schoolB, cidr: '0.0.0.0/0', label: '' });
    expect(wide.status).toBe(400);
    expect(wide.body).toContain('範圍太大');
    expect(await env.runtime.db('ip_ranges')).toHaveLength(3);

    const entries = await auditEntries(env.runtime, 'whitelist.add');
    expect(entries.map((e) => [e.org_id, e.after.cidr])).toEqual([
      [o.countyId, '163.25.0.0/16'],
      [o.schoolB, '163.25.10.5/32'],
      [o.schoolB, '2001:288:1234::/48'],
    ]);

    const id = (await env.runtime.db('ip_ranges').where({ org_id: o.countyId }).first()).id;
    const removed = await postFrom(agent, '/admin/whitelist', `/admin/whitelist/${id}/delete`, {});
    expect(removed.status).toBe(302);
    expect((await agent.request('/admin/whitelist')).body).toContain('已刪除 163.25.0.0/16');
    const [deletion] = await auditEntries(env.runtime, 'whitelist.delete');
    expect(deletion).toMatchObject({ target_id: id, org_id: o.countyId });
    expect(deletion.before).toMatchObject({ cidr: '163.25.0.0/16', label: '教育處 <機房>' });
  });

  it("keeps B's and the county's ranges from the admin of A, by list and by id", async () => {
    const o = await seedOrgs(env.runtime);
    const rangeA = await addRange(o.schoolA, '163.25.1.0/24', 'A 電腦教室');
    const rangeB = await addRange(o.schoolB, '163.25.2.0/24', 'B 電腦教室');
    await addRange(o.countyId, '163.25.0.0/16', '教育處');
    const agent = await consoleLogin(env.issuer, 'admin-a');
    const page = await agent.request('/admin/whitelist');
    expect(page.body).toContain('A 電腦教室');
    expect(page.body).not.toContain('B 電腦教室');
    expect(page.body).not.toContain('教育處</td>');
    expect(page.body).not.toContain('173501');
    expect((await agent.request(`/admin/whitelist?org_id=${o.schoolB}`)).body).not.toContain('B 電腦教室');

    const toB = await postFrom(agent, '/admin/whitelist', '/admin/whitelist', {
      org_id: o.schoolB,
      cidr: '10.0.0.0/8',
    });
    expect(toB.status).toBe(404);
    const toCounty = await postFrom(agent, '/admin/whitelist', '/admin/whitelist', {
      org_id: o.countyId,
      cidr: '10.0.0.0/8',
    });
    expect(toCounty.status).toBe(404);
    const deleteB = await postFrom(agent, '/admin/whitelist', `/admin/whitelist/${rangeB}/delete`, {});
    expect(deleteB.status).toBe(404);
    expect(await env.runtime.db('ip_ranges')).toHaveLength(3);

    const own = await postFrom(agent, '/admin/whitelist', '/admin/whitelist', {
      org_id: o.schoolA,
      cidr: '2001:288:5000::/48',
      label: 'A IPv6',
    });
    expect(own.status).toBe(302);
    expect((await postFrom(agent, '/admin/whitelist', `/admin/whitelist/${rangeA}/delete`, {})).status).toBe(
      302,
    );
    expect(
      (await env.runtime.db('audit_log').orderBy('id')).map((e) => [e.action, e.actor_username]),
    ).toEqual([
      ['whitelist.add', 'admin-a'],
      ['whitelist.delete', 'admin-a'],
    ]);

    const other = await consoleLogin(env.issuer, 'county2');
    const otherPage = await other.request('/admin/whitelist');
    expect(otherPage.body).not.toContain('電腦教室');
    expect(otherPage.body).not.toContain('暖暖');
    expect((await postFrom(other, '/admin/whitelist', `/admin/whitelist/${rangeB}/delete`, {})).status).toBe(
      404,
    );
  });
});

describe('/admin/api/v1/whitelist', () => {
  it('lists, adds and deletes ranges within the caller scope', async () => {
    const o = await seedOrgs(env.runtime);
    const rangeB = await addRange(o.schoolB, '163.25.2.0/24', 'B');
    const token = await adminApiToken(env.runtime, env.issuer, 'admin-a');
    const empty = await callApi(env.issuer, token, 'GET', '/whitelist');
    expect(empty.status).toBe(200);
    expect(empty.json.tanet).toContain('140.111.0.0/16');
    expect(empty.json.items).toEqual([]);
    expect(empty.json.total).toBe(0);

    const added = await callApi(env.issuer, token, 'POST', '/whitelist', {
      org_id: o.schoolA,
      cidr: '::ffff:163.25.1.7',
      label: '校長室',
    });
    expect(added.status).toBe(201);
    expect(added.json).toMatchObject({
      cidr: '163.25.1.7/32',
      org_id: o.schoolA,
      org_code: '173637',
      created_by: 'admin-a',
    });
    const hostBits = await callApi(env.issuer, token, 'POST', '/whitelist', {
      org_id: o.schoolA,
      cidr: '10.1.2.3/8',
    });
    expect(hostBits.status).toBe(400);
    expect(hostBits.json.error).toBe('whitelist.host_bits');
    expect(hostBits.json.error_description).toContain('10.0.0.0/8');
    const invalid = await callApi(env.issuer, token, 'POST', '/whitelist', { org_id: o.schoolA, cidr: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toBe('whitelist.cidr_invalid');
    const dup = await callApi(env.issuer, token, 'POST', '/whitelist', {
      org_id: o.schoolA,
      cidr: '163.25.1.7',
    });
    expect(dup.status).toBe(409);
    const toB = await callApi(env.issuer, token, 'POST', '/whitelist', {
      org_id: o.schoolB,
      cidr: '10.0.0.0/8',
    });
    expect(toB.status).toBe(404);
    expect((await callApi(env.issuer, token, 'DELETE', `/whitelist/${rangeB}`)).status).toBe(404);

    const list = await callApi(env.issuer, token, 'GET', '/whitelist');
    expect(list.json.items.map((r: { cidr: string }) => r.cidr)).toEqual(['163.25.1.7/32']);
    const removed = await callApi(env.issuer, token, 'DELETE', `/whitelist/${added.json.id}`);
    expect(removed.status).toBe(200);
    expect((await callApi(env.issuer, token, 'DELETE', `/whitelist/${added.json.id}`)).status).toBe(404);
    expect((await env.runtime.db('audit_log').orderBy('id')).map((e) => [e.action, e.via])).toEqual([
      ['whitelist.add', 'api'],
      ['whitelist.delete', 'api'],
    ]);

    const county = await adminApiToken(env.runtime, env.issuer, 'county');
    const all = await callApi(env.issuer, county, 'GET', '/whitelist');
    expect(all.json.items.map((r: { label: string }) => r.label)).toEqual(['B']);
    const other = await adminApiToken(env.runtime, env.issuer, 'county2');
    expect((await callApi(env.issuer, other, 'GET', '/whitelist')).json.items).toEqual([]);
    expect((await callApi(env.issuer, other, 'DELETE', `/whitelist/${rangeB}`)).status).toBe(404);
  });
});

describe('ADMIN_IP_RESTRICT=true', () => {
  const restricted = useTestInstance({ ADMIN_IP_RESTRICT: 'true' });

  it('refuses the console and the API outside TANet and the admin whitelist, and allows them inside', async () => {
    const o = await seedOrgs(restricted.runtime);
    // the console sign-in itself is the OP's; the console refuses the address afterwards
    const agent = new HttpAgent(restricted.issuer);
    const login = await agent.follow('/admin/login');
    const landed = await submitLoginForm(agent, login.body, 'admin-a', PASSWORD);
    expect(landed.url).toBe(`${restricted.issuer}/admin`);
    expect(landed.status).toBe(403);
    expect(landed.body).toContain('不在管理後台允許的白名單內');
    expect((await agent.request('/admin/whitelist')).status).toBe(403);
    const token = await adminApiToken(restricted.runtime, restricted.issuer, 'admin-a');
    const refused = await callApi(restricted.issuer, token, 'GET', '/whitelist');
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('admin.ip_not_allowed');

    // B's whitelist does not open the console to A's admin
    await restricted.runtime.db('ip_ranges').insert({ org_id: o.schoolB, cidr: '127.0.0.1/32' });
    expect((await agent.request('/admin')).status).toBe(403);

    await restricted.runtime.db('ip_ranges').insert({ org_id: o.schoolA, cidr: '127.0.0.1/32' });
    expect((await agent.request('/admin')).status).toBe(200);
    expect((await agent.request('/admin/whitelist')).status).toBe(200);
    expect((await callApi(restricted.issuer, token, 'GET', '/whitelist')).status).toBe(200);

    // the county admin administers A too, so A's range lets it in; another county's admin stays out
    const countyToken = await adminApiToken(restricted.runtime, restricted.issuer, 'county');
    const county = await callApi(restricted.issuer, countyToken, 'GET', '/schools');
    expect(county.status).toBe(200);
    const other = await adminApiToken(restricted.runtime, restricted.issuer, 'county2');
    expect((await callApi(restricted.issuer, other, 'GET', '/schools')).status).toBe(403);
  });
});
