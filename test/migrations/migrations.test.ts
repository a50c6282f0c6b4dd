import { describe, expect, it } from '@jest/globals';
import knex from 'knex';
import { migrationSource } from '../../migrations/index.js';
import { createDb, migrateLatest, pendingMigrations } from '../../src/adapters/db.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';

describe('migrations', () => {
  it('apply to an empty database, roll back completely, and apply again', async () => {
    const name = `edu_idp_migrations_${process.pid}`;
    const admin = knex({
      client: 'pg',
      connection: Object.assign(new URL(TEST_DATABASE_URL), { pathname: '/postgres' }).toString(),
    });
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.raw('CREATE DATABASE ??', [name]);
    const db = createDb(Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${name}` }).toString(), 2);
    const tables = async () =>
      (await db('pg_tables').where({ schemaname: 'public' }).pluck('tablename'))
        .filter((t: string) => !t.startsWith('knex_'))
        .sort();
    const count = (await migrationSource.getMigrations([])).length;
    try {
      expect(count).toBeGreaterThanOrEqual(6);
      expect(await pendingMigrations(db)).toHaveLength(count);
      const applied = await migrateLatest(db);
      expect(applied).toHaveLength(count);
      expect(await pendingMigrations(db)).toEqual([]);
      expect(await tables()).toEqual(
        expect.arrayContaining([
          'accounts',
          'clients',
          'oidc_payloads',
          'signing_keys',
          'login_records_default',
          'session_events_default',
          'organizations',
          'school_classes',
          'account_titles',
          'audit_log',
        ]),
      );
      // monthly partitions exist for this month
      const month = new Date().toISOString().slice(0, 7).replace('-', '');
      expect(await tables()).toEqual(
        expect.arrayContaining([`login_records_${month}`, `session_events_${month}`]),
      );
      await db.migrate.rollback({ migrationSource }, true);
      expect(await tables()).toEqual([]);
      expect(await migrateLatest(db)).toHaveLength(count);
    } finally {
      await db.destroy();
      await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      await admin.destroy();
    }
  });
});
