/**
 * services/service-catalog.ts on real Postgres and Redis: who may use a service, the
 * activation history, the login gate's question, and revocation on deactivation.
 */
import { describe, expect, it } from '@jest/globals';
import knex from 'knex';
import * as oidc from 'openid-client';
import { createDb, migrateLatest } from '../../src/adapters/db.js';
import { seedOrgs } from '../helpers/admin-orgs.js';
import { useTestInstance } from '../helpers/app.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';
import { CLIENT_SECRET, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens } from '../helpers/flow.js';

const t = useTestInstance();

async function addService(row: Record<string, unknown>): Promise<string> {
  const [s] = await t.runtime.db('services').insert(row).returning('id');
  return s.id;
}

describe('listForAccount', () => {
  it('lists the enabled services an account may use, by identity type, school and owner', async () => {
    const o = await seedOrgs(t.runtime);
    const everyone = await addService({ name_zh: '全部', sort_order: 1 });
    const teachers = await addService({ name_zh: '教師', identity_types: ['teacher'], sort_order: 2 });
    const onlyB = await addService({ name_zh: '限B校', school_ids: [o.schoolB], sort_order: 3 });
    const ownA = await addService({
      name_zh: 'A校自有',
      owner_org_id: o.schoolA,
      school_ids: [o.schoolA],
      sort_order: 4,
    });
    const county = await addService({ name_zh: '本縣', owner_org_id: o.countyId, sort_order: 5 });
    await addService({ name_zh: '他縣', owner_org_id: o.otherCountyId, sort_order: 6 });
    await addService({ name_zh: '停用', enabled: false, sort_order: 7 });

    const ids = async (accountId: string) =>
      (await t.runtime.serviceCatalog.listForAccount(accountId)).map((s) => s.id);
    expect(await ids(o.studentA.id)).toEqual([everyone, ownA, county]);
    expect(await ids(o.teacherA.id)).toEqual([everyone, teachers, ownA, county]);
    expect(await ids(o.teacherB.id)).toEqual([everyone, teachers, onlyB, county]);
    // an account at no school: only services for every school and no county of their own
    expect(await ids(o.county.id)).toEqual([everyone, teachers]);
  });
});

describe('activate and deactivate', () => {
  it('keeps the history: deactivation closes the row, activation opens a new one', async () => {
    const o = await seedOrgs(t.runtime);
    const id = await addService({ name_zh: '雲端硬碟' });
    const catalog = t.runtime.serviceCatalog;
    const first = await catalog.activate(o.studentA.id, id);
    // twice (two tabs): the same open activation
    expect((await catalog.activate(o.studentA.id, id)).id).toBe(first.id);
    const [listed] = await catalog.listForAccount(o.studentA.id);
    expect(listed!.activatedAt).toEqual(first.activatedAt);

    const closed = await catalog.deactivate(o.studentA.id, id);
    expect(closed?.id).toBe(first.id);
    expect(closed?.deactivatedAt).toBeInstanceOf(Date);
    expect((await catalog.listForAccount(o.studentA.id))[0]!.activatedAt).toBeNull();
    // nothing open: nothing closed
    expect(await catalog.deactivate(o.studentA.id, id)).toBeUndefined();

    const second = await catalog.activate(o.studentA.id, id);
    expect(second.id).not.toBe(first.id);
    const history = await catalog.history(o.studentA.id, id);
    expect(history.map((h) => h.id)).toEqual([second.id, first.id]);
    expect(history[0]!.deactivatedAt).toBeNull();
    // the database allows one open row per account and service, whatever the caller does
    await expect(
      t.runtime.db('service_activations').insert({ account_id: o.studentA.id, service_id: id }),
    ).rejects.toMatchObject({ code: '23505' });
  });

  it('refuses services the account may not use, unknown ids and disabled services', async () => {
    const o = await seedOrgs(t.runtime);
    const teachers = await addService({ name_zh: '教師', identity_types: ['teacher'] });
    const disabled = await addService({ name_zh: '停用', enabled: false });
    const catalog = t.runtime.serviceCatalog;
    for (const id of [teachers, disabled, 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      await expect(catalog.activate(o.studentA.id, id)).rejects.toMatchObject({
        code: 'service.not_available',
        status: 404,
      });
    }
    expect(await t.runtime.db('service_activations')).toHaveLength(0);
  });

  it('answers the login gate: missing only for an activation-required service not activated', async () => {
    const o = await seedOrgs(t.runtime);
    await createClient(t.runtime);
    await createClient(t.runtime, { client_id: 'open-app' });
    const id = await addService({ name_zh: '雲端硬碟', client_id: 'school-app' });
    await addService({ name_zh: '免啟用', client_id: 'open-app', activation_required: false });
    const catalog = t.runtime.serviceCatalog;
    expect(await catalog.isActivationMissing(o.studentA.id, 'school-app')).toBe(true);
    expect(await catalog.isActivationMissing(o.studentA.id, 'open-app')).toBe(false);
    expect(await catalog.isActivationMissing(o.studentA.id, 'unbound-app')).toBe(false);
    await catalog.activate(o.studentA.id, id);
    expect(await catalog.isActivationMissing(o.studentA.id, 'school-app')).toBe(false);
    expect(await catalog.isActivationMissing(o.teacherA.id, 'school-app')).toBe(true);
    await catalog.deactivate(o.studentA.id, id);
    expect(await catalog.isActivationMissing(o.studentA.id, 'school-app')).toBe(true);
  });

  it('revokes the client’s grants and tokens on deactivation, and only that client’s', async () => {
    const o = await seedOrgs(t.runtime);
    await createClient(t.runtime, { first_party: true });
    await createClient(t.runtime, { client_id: 'other-app', first_party: true });
    const id = await addService({ name_zh: '雲端硬碟', client_id: 'school-app', activation_required: false });
    const catalog = t.runtime.serviceCatalog;
    await catalog.activate(o.studentA.id, id);
    const rp = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
    const other = await discoverRp(t.issuer, { clientId: 'other-app', clientSecret: CLIENT_SECRET });
    const login = { username: 'student-a', password: PASSWORD };
    const { tokens } = await loginAndGetTokens(t.issuer, rp, login);
    const { tokens: otherTokens } = await loginAndGetTokens(t.issuer, other, login);
    expect(await t.runtime.consents.list(o.studentA.id, 'school-app')).toHaveLength(1);

    await catalog.deactivate(o.studentA.id, id);
    expect(await t.runtime.consents.list(o.studentA.id, 'school-app')).toHaveLength(0);
    await expect(oidc.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // the access token is gone too (introspection says inactive)
    const introspected = await oidc.tokenIntrospection(rp, tokens.access_token);
    expect(introspected.active).toBe(false);
    // another client's grant stays
    expect(await t.runtime.consents.list(o.studentA.id, 'other-app')).toHaveLength(1);
    expect((await oidc.refreshTokenGrant(other, otherTokens.refresh_token!)).access_token).toBeTruthy();
  });
});

describe('migration 20261123000021_create_services', () => {
  it('seeds the three services of the seeds, activation required and no client bound', async () => {
    // the shared test database is truncated between tests, seeds included: a fresh one
    const name = `edu_idp_services_${process.pid}`;
    const admin = knex({
      client: 'pg',
      connection: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString(),
    });
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.raw('CREATE DATABASE ??', [name]);
    const db = createDb(Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString(), 2);
    try {
      await migrateLatest(db);
      const rows = await db('services').orderBy('sort_order');
      expect(
        rows.map((r) => [r.name_zh, r.icon, r.activation_required, r.client_id, r.owner_org_id]),
      ).toEqual([
        ['TANet 無線網路漫遊', 'wifi', true, null, null],
        ['教育版 Google Apps', 'google', true, null, null],
        ['雲端硬碟', 'cloud', true, null, null],
      ]);
      expect(rows.map((r) => r.name_en)).toEqual([
        'TANet wireless roaming',
        'Google Workspace for Education',
        'ownCloud cloud drive',
      ]);
      await expect(
        db('services').insert({ name_zh: 'x', go_url: 'javascript:alert(1)' }),
      ).rejects.toMatchObject({
        code: '23514',
      });
    } finally {
      await db.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    }
  });
});
