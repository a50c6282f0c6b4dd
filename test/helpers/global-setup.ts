/**
 * Runs once before the suite: creates the test database if it does not exist, empties it,
 * and migrates it from zero, so every run also proves the migrations apply to an empty
 * database.
 */
import knex from 'knex';
import { createDb, migrateLatest } from '../../src/adapters/db.js';
import { TEST_DATABASE_URL } from './env.js';

export default async function globalSetup(): Promise<void> {
  const url = new URL(TEST_DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = knex({
    client: 'pg',
    connection: { connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() },
  });
  try {
    const exists = await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name]);
    if (exists.rowCount === 0) await admin.raw('CREATE DATABASE ??', [name]);
  } finally {
    await admin.destroy();
  }
  const db = createDb(TEST_DATABASE_URL, 2);
  try {
    await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}
