/**
 * Postgres connection (knex + pg) and migrations. The only place a pool is created.
 */
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from '../../migrations/index.js';

// Return timestamptz as Date (default) but bigint counts as numbers: our counts fit in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
// A date column is a calendar date (birth dates), not an instant: keep 'YYYY-MM-DD' as text
// rather than a Date at the server's local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export type Db = Knex;
export type DbOrTx = Knex | Knex.Transaction;

export function createDb(url: string, poolMax = 10): Db {
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    // knex's own warnings go through our logger's channel rather than console
    log: { warn() {}, deprecate() {}, debug() {} },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource });
  return applied as string[];
}

/** Names of migrations that exist in code but are not applied in the database. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [
    unknown,
    Array<string | { file: string }>,
  ];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}

export async function pingDb(db: Db): Promise<void> {
  await db.raw('select 1');
}
