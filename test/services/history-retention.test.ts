/**
 * Retention of the login history: whole monthly partitions of login_records and session_events
 * past LOGIN_RECORD_RETENTION_DAYS are detached and dropped (pg_inherits is the truth), the
 * boundary month and everything newer stay, the default partition is only reported. Real
 * PostgreSQL: the partitions are made with the migration's edu_ensure_month_partitions.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createDb, type Db } from '../../src/adapters/db.js';
import { runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/config.js';
import { createHistoryRetention } from '../../src/services/history-retention.js';
import { startTestInstance, useTestInstance } from '../helpers/app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';

const t = useTestInstance();
// what an operator's environment holds (the test key-encryption key of test/helpers/app.ts)
const CLI_ENV = {
  ISSUER: 'http://127.0.0.1:3999',
  DATABASE_URL: TEST_DATABASE_URL,
  REDIS_URL: TEST_REDIS_URL,
  COOKIE_KEYS: randomBytes(32).toString('base64url'),
  KEY_ENCRYPTION_KEY: createHash('sha256').update('edu-idp test key-encryption key').digest('base64'),
  LOG_LEVEL: 'silent',
};
const db = () => t.runtime.db;

// a fixed "now": 400 days before it is 2025-05-11T12:00Z, inside the May 2025 partition
const NOW = new Date('2026-06-15T12:00:00Z');
const FIRST = new Date('2024-12-01T00:00:00Z');
const MONTHS = 22; // 2024-12 .. 2026-09
const monthName = (d: Date) => d.toISOString().slice(0, 7).replace('-', '');
const monthAt = (i: number) => new Date(Date.UTC(FIRST.getUTCFullYear(), FIRST.getUTCMonth() + i, 1));

/** Bounded partitions per table, from the catalogue. */
async function attached(table: string): Promise<string[]> {
  const { rows } = await db().raw(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = ?::regclass AND c.relname <> ? ORDER BY c.relname`,
    [table, `${table}_default`],
  );
  return rows.map((r: { relname: string }) => r.relname);
}

async function exists(name: string): Promise<boolean> {
  const { rows } = await db().raw('SELECT to_regclass(?) IS NOT NULL AS present', [name]);
  return rows[0].present;
}

/** Drops every bounded partition older than last month, however an earlier test left them. */
async function dropOldPartitions(conn: Db = db()) {
  for (const table of ['login_records', 'session_events']) {
    const { rows } = await conn.raw(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = ?::regclass AND c.relname ~ '_[0-9]{6}$'
          AND right(c.relname, 6) < to_char(now() - interval '1 month', 'YYYYMM')`,
      [table],
    );
    for (const r of rows) await conn.raw('DROP TABLE ??', [r.relname]);
  }
}

beforeEach(async () => {
  await dropOldPartitions();
  for (const table of ['login_records', 'session_events']) {
    await db().raw('SELECT edu_ensure_month_partitions(?, ?, ?)', [table, FIRST, MONTHS]);
  }
  // one login and one session event in the middle of every month, and a stray old row that
  // has no partition of its own (it lands in the default partition)
  for (let i = 0; i < MONTHS; i++) {
    const at = new Date(monthAt(i).getTime() + 14 * 86_400_000);
    await db()('login_records').insert({
      id: randomUUID(),
      created_at: at,
      method: 'password',
      success: true,
      session_id: `s${i}`,
    });
    await db()('session_events').insert({
      id: randomUUID(),
      created_at: at,
      session_id: `s${i}`,
      type: 'login',
    });
  }
  await db()('login_records').insert({
    id: randomUUID(),
    created_at: new Date('2020-01-10T00:00:00Z'),
    method: 'password',
    success: false,
  });
});

afterAll(async () => {
  // the instance is closed by now (its hooks run first): a connection of our own
  const conn = createDb(TEST_DATABASE_URL, 1);
  await dropOldPartitions(conn).finally(() => conn.destroy());
});

describe('login history retention', () => {
  it('drops exactly the whole partitions past retention, keeps the boundary month and everything newer', async () => {
    const before = await attached('login_records');
    const result = await createHistoryRetention(db(), 400).prune(NOW);

    expect(result.cutoff.toISOString()).toBe('2025-05-11T12:00:00.000Z');
    const expired = ['202412', '202501', '202502', '202503', '202504'];
    expect(result.dropped.map((p) => p.partition).sort()).toEqual(
      expired.flatMap((m) => [`login_records_${m}`, `session_events_${m}`]).sort(),
    );
    expect(result.failed).toEqual([]);
    const april = result.dropped.find((p) => p.partition === 'login_records_202504')!;
    expect(april.from.toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(april.to.toISOString()).toBe('2025-05-01T00:00:00.000Z');

    // the catalogue: gone from pg_inherits and gone as tables; everything else still attached
    for (const table of ['login_records', 'session_events']) {
      const now = await attached(table);
      for (const m of expired) {
        expect(now).not.toContain(`${table}_${m}`);
        expect(await exists(`${table}_${m}`)).toBe(false);
      }
      expect(now).toContain(`${table}_202505`); // the boundary month holds the cutoff: kept whole
      for (let i = 5; i < MONTHS; i++) expect(now).toContain(`${table}_${monthName(monthAt(i))}`);
    }
    expect((await attached('login_records')).length).toBe(before.length - expired.length);

    // the rows of the kept months are all there, the boundary month's early row included
    const { rows } = await db().raw(
      "SELECT count(*)::int AS n, min(created_at) AS oldest FROM login_records WHERE created_at >= '2024-01-01'",
    );
    expect(rows[0].n).toBe(MONTHS - expired.length);
    expect(rows[0].oldest.toISOString()).toBe('2025-05-15T00:00:00.000Z');
    expect(await db()('session_events').count({ n: '*' })).toEqual([{ n: MONTHS - expired.length }]);

    // the default partition is reported, never deleted from
    expect(result.defaultRowsPastRetention).toEqual([{ table: 'login_records_default', rows: 1 }]);
    expect(await db()('login_records_default').count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('is idempotent: a second run drops nothing and changes nothing', async () => {
    const retention = createHistoryRetention(db(), 400);
    const first = await retention.prune(NOW);
    expect(first.dropped).toHaveLength(10);
    const after = [await attached('login_records'), await attached('session_events')];
    const second = await retention.prune(NOW);
    expect(second.dropped).toEqual([]);
    expect(second.failed).toEqual([]);
    expect([await attached('login_records'), await attached('session_events')]).toEqual(after);
  });

  it('honours the configured number of days', async () => {
    // 90 days before 2026-06-15T12:00Z is 2026-03-17T12:00Z: everything up to February goes
    const result = await createHistoryRetention(db(), 90).prune(NOW);
    expect(result.cutoff.toISOString()).toBe('2026-03-17T12:00:00.000Z');
    const months = [...new Set(result.dropped.map((p) => p.partition.slice(-6)))].sort();
    expect(months).toEqual(Array.from({ length: 15 }, (_, i) => monthName(monthAt(i))));
    expect(months.at(-1)).toBe('202602');
    expect(await attached('login_records')).toContain('login_records_202603');

    expect(loadConfig(CLI_ENV).loginRecordRetentionDays).toBe(400);
    expect(loadConfig({ ...CLI_ENV, LOGIN_RECORD_RETENTION_DAYS: '730' }).loginRecordRetentionDays).toBe(730);
    // less than a month would drop the previous month's partition while it is still written
    expect(() => loadConfig({ ...CLI_ENV, LOGIN_RECORD_RETENTION_DAYS: '7' })).toThrow(
      /LOGIN_RECORD_RETENTION_DAYS/,
    );
  });

  it('runs at boot with LOGIN_RECORD_RETENTION_DAYS, and as edu-idp history prune', async () => {
    // relative to the real clock: the fixture months are all more than 60 days old but for the
    // last ones; a server started with 60 days drops what is past them before it listens
    const cutoff = Date.now() - 60 * 86_400_000;
    const expected = Array.from({ length: MONTHS }, (_, i) => i).filter(
      (i) => monthAt(i + 1).getTime() <= cutoff,
    );
    const other = await startTestInstance({ LOGIN_RECORD_RETENTION_DAYS: '60' });
    try {
      for (const i of expected) expect(await exists(`login_records_${monthName(monthAt(i))}`)).toBe(false);
    } finally {
      await other.close();
    }

    // the command line: prints what it dropped (here: nothing left but the default row)
    await db().raw('SELECT edu_ensure_month_partitions(?, ?, 1)', ['login_records', FIRST]);
    const env = { ...CLI_ENV, DATA_DIR: mkdtempSync(join(tmpdir(), 'edu-idp-prune-')) };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    const lines: string[] = [];
    try {
      expect(await runCli(['history', 'prune'], (l) => lines.push(String(l)))).toBe(0);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
    expect(lines[0]).toMatch(/^retention 400 days: records before \d{4}-\d\d-\d\dT.* are past it$/);
    expect(lines).toContain(
      'dropped login_records_202412 (2024-12-01T00:00:00.000Z to 2025-01-01T00:00:00.000Z, about 0 rows)',
    );
    expect(lines).toContain(
      'login_records_default holds 1 rows past retention: not deleted (look at them, then delete by hand)',
    );
    expect(await exists('login_records_202412')).toBe(false);
  });
});
