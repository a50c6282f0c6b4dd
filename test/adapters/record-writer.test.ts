/**
 * Write-behind for login history: rows reach Postgres in batches, survive a Postgres outage
 * on the disk spool, and are replayed exactly once by the next process.
 */
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import knex, { type Knex } from 'knex';
import { createDb, type Db } from '../../src/adapters/db.js';
import { createRecordWriter, type RecordWriter } from '../../src/adapters/record-writer.js';
import { createLoginRecorder } from '../../src/services/login-records.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';

let db: Db;
let dirs: string[] = [];
let writers: RecordWriter[] = [];
let deadDbs: Knex[] = [];

const spoolDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'edu-idp-spool-'));
  dirs.push(dir);
  return dir;
};

/** A writer whose timer never fires during the test: flushes happen when the test says so. */
const writer = (database: Knex, dir: string, flushMs = 3_600_000) => {
  const w = createRecordWriter(database, { spoolDir: dir, flushMs, onError: () => undefined });
  writers.push(w);
  return w;
};

/** A knex pointing at a closed port: every query fails fast with ECONNREFUSED. */
const unreachableDb = () => {
  const dead = knex({
    client: 'pg',
    connection: 'postgres://postgres@127.0.0.1:1/edu_idp_test',
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 500,
    log: { warn() {}, error() {}, debug() {}, deprecate() {} },
  });
  deadDbs.push(dead);
  return dead;
};

const spoolFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.jsonl'));

/** Makes the spool look like a dead process's: older than the 30 s orphan age. */
const age = (dir: string, seconds = 120) => {
  const past = new Date(Date.now() - seconds * 1000);
  for (const name of spoolFiles(dir)) utimesSync(join(dir, name), past, past);
};

const loginRows = (usernamePrefix: string) =>
  db('login_records').where('username', 'like', `${usernamePrefix}%`).orderBy('username');

function recordAttempts(w: RecordWriter, prefix: string, n: number) {
  const recorder = createLoginRecorder(w);
  for (let i = 0; i < n; i++) {
    recorder.recordAttempt({
      accountId: i % 2 ? randomUUID() : undefined,
      username: `${prefix}${String(i).padStart(3, '0')}`,
      clientId: 'school-app',
      method: 'password',
      success: i % 2 === 1,
      failureReason: i % 2 ? undefined : 'invalid_credentials',
      ip: `203.0.113.${(i % 250) + 1}`,
      userAgent: i % 3 ? FIREFOX : IPHONE,
      sessionId: `sess-${prefix}`,
    });
  }
}

beforeAll(() => {
  db = createDb(TEST_DATABASE_URL, 2);
});
afterAll(async () => {
  await db.raw('TRUNCATE login_records, session_events');
  await db.destroy();
});
beforeEach(async () => {
  await db.raw('TRUNCATE login_records, session_events');
});
afterEach(async () => {
  for (const w of writers) await w.close(100);
  for (const d of deadDbs) await d.destroy();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  writers = [];
  deadDbs = [];
  dirs = [];
});

describe('createRecordWriter (login_records / session_events write-behind)', () => {
  it('writes recorded attempts and session events to Postgres on flush', async () => {
    const dir = spoolDir();
    const w = writer(db, dir);
    recordAttempts(w, 'flush-', 5);
    createLoginRecorder(w).recordSessionEvent({
      sessionId: 'sess-flush-',
      accountId: randomUUID(),
      type: 'authorize',
      clientId: 'school-app',
    });
    expect(w.pending()).toBe(6);
    expect(await loginRows('flush-')).toHaveLength(0); // write-behind: nothing written yet

    await w.flush();
    expect(w.pending()).toBe(0);
    const rows = await loginRows('flush-');
    expect(rows.map((r) => r.username)).toEqual([
      'flush-000',
      'flush-001',
      'flush-002',
      'flush-003',
      'flush-004',
    ]);
    expect(rows[0]).toMatchObject({
      account_id: null,
      client_id: 'school-app',
      method: 'password',
      success: false,
      failure_reason: 'invalid_credentials',
      ip: '203.0.113.1',
      user_agent: IPHONE,
      os: 'iOS 17.2',
      browser: 'Mobile Safari 17',
      device: 'mobile',
      session_id: 'sess-flush-',
    });
    expect(rows[1]).toMatchObject({
      success: true,
      os: 'Windows 10',
      browser: 'Firefox 120',
      device: 'desktop',
    });
    expect(rows[1].account_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await db('session_events').where({ session_id: 'sess-flush-' })).toEqual([
      expect.objectContaining({ type: 'authorize', client_id: 'school-app' }),
    ]);
    // committed rows leave no spool behind
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('flushes on its own timer', async () => {
    const w = writer(db, spoolDir(), 20);
    recordAttempts(w, 'timer-', 3);
    const deadline = Date.now() + 5000;
    while ((await loginRows('timer-')).length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await loginRows('timer-')).toHaveLength(3);
    expect(w.pending()).toBe(0);
  });

  it('close() drains what is still queued (shutdown)', async () => {
    const dir = spoolDir();
    const w = writer(db, dir);
    recordAttempts(w, 'close-', 25);
    await w.close();
    expect(w.pending()).toBe(0);
    expect(await loginRows('close-')).toHaveLength(25);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('writes large queues in batches', async () => {
    const dir = spoolDir();
    const w = createRecordWriter(db, { spoolDir: dir, flushMs: 3_600_000, batchSize: 7 });
    writers.push(w);
    recordAttempts(w, 'batch-', 30);
    await w.flush();
    expect(await loginRows('batch-')).toHaveLength(30);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('keeps rows spooled while Postgres is down and the next process replays them exactly once', async () => {
    const dir = spoolDir();
    const down = writer(unreachableDb(), dir);

    const started = performance.now();
    recordAttempts(down, 'outage-', 40);
    // the login does not wait for Postgres
    expect(performance.now() - started).toBeLessThan(500);
    expect(down.pending()).toBe(40);
    const files = spoolFiles(dir);
    expect(files).toHaveLength(1);
    const spooled = readFileSync(join(dir, files[0]!), 'utf8').trim().split('\n');
    expect(spooled).toHaveLength(40);
    expect(JSON.parse(spooled[0]!)).toMatchObject({
      table: 'login_records',
      row: { username: 'outage-000', method: 'password' },
    });

    await expect(down.flush()).rejects.toThrow();
    expect(down.pending()).toBe(40);
    const closing = performance.now();
    await down.close(300);
    expect(performance.now() - closing).toBeLessThan(5000);
    expect(down.pending()).toBe(40);
    expect(spoolFiles(dir)).toEqual(files);
    expect(await loginRows('outage-')).toHaveLength(0);

    // a copy of the spool, to replay the same rows a second time afterwards
    const copy = join(spoolDir(), 'copy.jsonl');
    copyFileSync(join(dir, files[0]!), copy);

    // a fresh segment is someone's live file: the next process leaves it alone
    const early = writer(db, dir);
    expect(early.pending()).toBe(0);
    await early.close();
    expect(spoolFiles(dir)).toEqual(files);

    // the process is gone: its segment is older than the orphan age
    age(dir);
    const next = writer(db, dir);
    expect(next.pending()).toBe(40);
    await next.flush();
    await next.flush();
    expect(next.pending()).toBe(0);
    const rows = await loginRows('outage-');
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.id)).size).toBe(40);
    expect(spoolFiles(dir)).toEqual([]);

    // the same segment replayed again (a crash between commit and unlink): no duplicates
    copyFileSync(copy, join(dir, 'records-crashed-000001.jsonl'));
    age(dir);
    const again = writer(db, dir);
    expect(again.pending()).toBe(40);
    await again.flush();
    expect(await loginRows('outage-')).toHaveLength(40);
    expect(spoolFiles(dir)).toEqual([]);
  });

  it('replays a spool whose last line was torn by a crash', async () => {
    const dir = spoolDir();
    const down = writer(unreachableDb(), dir);
    recordAttempts(down, 'torn-', 3);
    await down.close(0);
    const [file] = spoolFiles(dir);
    const path = join(dir, file!);
    const text = readFileSync(path, 'utf8');
    // half of a fourth line, as a crash in the middle of appendFileSync leaves it
    writeFileSync(path, `${text}{"table":"login_records","row":{"id":"`);
    age(dir);

    const next = writer(db, dir);
    expect(next.pending()).toBe(3);
    await next.flush();
    expect(await loginRows('torn-')).toHaveLength(3);
    expect(spoolFiles(dir)).toEqual([]);
  });
});
