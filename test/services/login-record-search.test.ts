/**
 * The admin query layer over login_records (adapters/db/login-record-search.ts) on the real
 * database: school/county filled on insert, keyset pages without gaps or repeats (also for
 * records sharing one timestamp, and at microsecond precision), merged organisation branches
 * without duplicates, capped counts, batched streaming, and the filter validation.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ensureHistoryPartitions } from '../../src/adapters/db/history.js';
import {
  type AdminLoginRecordRow,
  countLoginRecords,
  type LoginRecordCursor,
  type LoginRecordQuery,
  searchLoginRecords,
  streamLoginRecords,
} from '../../src/adapters/db/login-record-search.js';
import {
  normalizeIpFilter,
  parseLocalTime,
  parseLoginRecordFilter,
} from '../../src/services/login-record-search.js';
import { createLoginRecorder } from '../../src/services/login-records.js';
import { createMember, seedDirectory } from '../helpers/admin.js';
import { useTestInstance } from '../helpers/app.js';

const t = useTestInstance();
let dir: Awaited<ReturnType<typeof seedDirectory>>;
let stuA: { id: string };
let stuB: { id: string };
let loner: { id: string };

const AT = new Date('2026-11-20T02:00:00.000Z');

beforeEach(async () => {
  dir = await seedDirectory(t.runtime);
  stuA = await createMember(t.runtime, { username: 'stua', schoolId: dir.schoolA, identityType: 'student' });
  stuB = await createMember(t.runtime, { username: 'stub', schoolId: dir.schoolB, identityType: 'student' });
  loner = await createMember(t.runtime, { username: 'loner', schoolId: null });
});

/** Records through the real recorder and record writer (the trigger fills school/county). */
async function record(
  attempts: Array<{ accountId?: string; username: string; at: Date; ip?: string; success?: boolean }>,
) {
  const recorder = createLoginRecorder(t.runtime.writer);
  for (const a of attempts) {
    recorder.recordAttempt({
      accountId: a.accountId,
      username: a.username,
      clientId: 'school-app',
      method: 'password',
      success: a.success ?? true,
      ip: a.ip ?? '203.0.113.5',
      at: a.at,
    });
  }
  await t.runtime.writer.flush();
}

async function allPages(q: LoginRecordQuery, limit: number): Promise<AdminLoginRecordRow[][]> {
  const pages: AdminLoginRecordRow[][] = [];
  let before: LoginRecordCursor | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await searchLoginRecords(t.runtime.db, q, before ? { limit, before } : { limit });
    pages.push(page.rows);
    if (!page.next) break;
    before = page.next;
  }
  return pages;
}

describe('login_records school_id / county_id', () => {
  it('are filled from the account at insert time, and left null for unknown usernames and accounts at no school', async () => {
    await record([
      { accountId: stuA.id, username: 'stua', at: AT },
      { accountId: stuB.id, username: 'stub', at: AT },
      { username: 'ghost', at: AT, success: false },
      { accountId: loner.id, username: 'loner', at: AT },
    ]);
    const rows = await t.runtime.db('login_records').select('username', 'school_id', 'county_id');
    const by = Object.fromEntries(rows.map((r) => [r.username, r]));
    expect(by.stua).toMatchObject({ school_id: dir.schoolA, county_id: dir.countyId });
    expect(by.stub).toMatchObject({ school_id: dir.schoolB, county_id: dir.countyId });
    expect(by.ghost).toMatchObject({ school_id: null, county_id: null });
    expect(by.loner).toMatchObject({ school_id: null, county_id: null });
    // a later transfer does not move the old record
    await t.runtime.db('accounts').where({ id: stuA.id }).update({ school_id: dir.schoolB });
    const old = await t.runtime.db('login_records').where({ username: 'stua' }).first();
    expect(old.school_id).toBe(dir.schoolA);
  });

  it('keeps values a writer sets itself (the bench generator)', async () => {
    await t.runtime.db('login_records').insert({
      id: randomUUID(),
      created_at: AT,
      account_id: stuA.id,
      method: 'password',
      success: true,
      school_id: dir.schoolB,
      county_id: dir.countyId,
    });
    const row = await t.runtime.db('login_records').first();
    expect(row.school_id).toBe(dir.schoolB);
  });
});

describe('searchLoginRecords', () => {
  it('pages through records sharing one timestamp without repeats or gaps, both ways', async () => {
    await record([
      ...Array.from({ length: 7 }, () => ({ accountId: stuA.id, username: 'stua', at: AT })),
      { accountId: stuA.id, username: 'stua', at: new Date(AT.getTime() + 1000) },
      { accountId: stuA.id, username: 'stua', at: new Date(AT.getTime() - 1000) },
    ]);
    const q: LoginRecordQuery = { schoolIds: [dir.schoolA] };
    const pages = await allPages(q, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3]);
    const ids = pages.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(9);
    const expected = (await t.runtime.db('login_records').orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])) as Array<{ id: string }>;
    expect(ids).toEqual(expected.map((r) => r.id));

    // from the last page back with `after`: the same pages, newest first within each
    const last = pages[2] as AdminLoginRecordRow[];
    const back = await searchLoginRecords(t.runtime.db, q, {
      limit: 3,
      after: { createdAtUs: last[0]!.createdAtUs, id: last[0]!.id },
    });
    expect(back.rows.map((r) => r.id)).toEqual(pages[1]!.map((r) => r.id));
    expect(back.prev).not.toBeNull();
    const first = await searchLoginRecords(t.runtime.db, q, { limit: 3, after: back.prev! });
    expect(first.rows.map((r) => r.id)).toEqual(pages[0]!.map((r) => r.id));
    expect(first.prev).toBeNull();
    expect(first.next).not.toBeNull();
  });

  it('keeps microsecond timestamps apart at page boundaries', async () => {
    const base = '2026-11-20 02:00:00.123';
    await t.runtime.db.raw(
      `INSERT INTO login_records (id, created_at, account_id, method, success)
       SELECT gen_random_uuid(), ?::timestamptz + g * interval '1 microsecond', ?, 'password', true
         FROM generate_series(1, 5) g`,
      [`${base}+00`, stuA.id],
    );
    const pages = await allPages({ accountId: stuA.id }, 2);
    expect(pages.flat()).toHaveLength(5);
    expect(new Set(pages.flat().map((r) => r.createdAtUs)).size).toBe(5);
  });

  it('merges schools, counties and records of no school without duplicates', async () => {
    await record([
      { accountId: stuA.id, username: 'stua', at: AT },
      { accountId: stuB.id, username: 'stub', at: new Date(AT.getTime() + 1) },
      { username: 'ghost', at: new Date(AT.getTime() + 2), success: false },
    ]);
    const { rows } = await searchLoginRecords(
      t.runtime.db,
      { schoolIds: [dir.schoolA], countyIds: [dir.countyId], unassigned: true },
      { limit: 10 },
    );
    expect(rows.map((r) => r.username)).toEqual(['ghost', 'stub', 'stua']);
    expect(rows[2]).toMatchObject({ schoolName: '基隆市立暖暖國民小學', accountName: 'stua' });
    const a = await searchLoginRecords(t.runtime.db, { schoolIds: [dir.schoolA] }, { limit: 10 });
    expect(a.rows.map((r) => r.username)).toEqual(['stua']);
    const none = await searchLoginRecords(t.runtime.db, { unassigned: true }, { limit: 10 });
    expect(none.rows.map((r) => r.username)).toEqual(['ghost']);
  });

  it('filters by IPv4 and IPv6 networks and single addresses', async () => {
    await record([
      { accountId: stuA.id, username: 'stua', at: AT, ip: '163.20.1.2' },
      { accountId: stuA.id, username: 'stua', at: AT, ip: '163.21.0.9' },
      { accountId: stuA.id, username: 'stua', at: AT, ip: '2001:288:1001::5' },
    ]);
    const ips = async (ip: string) =>
      (await searchLoginRecords(t.runtime.db, { ip }, { limit: 10 })).rows.map((r) => r.ip).sort();
    expect(await ips('163.20.0.0/16')).toEqual(['163.20.1.2']);
    expect(await ips('163.20.0.0/15')).toEqual(['163.20.1.2', '163.21.0.9']);
    expect(await ips('163.21.0.9')).toEqual(['163.21.0.9']);
    expect(await ips('2001:288::/32')).toEqual(['2001:288:1001::5']);
    expect(await ips('2001:289::/32')).toEqual([]);
  });
});

describe('countLoginRecords and streamLoginRecords', () => {
  it('finds records of the default partition too, once each, in order with the months', async () => {
    // a record no month exists for (a clock far off, partition maintenance behind)
    const old = new Date('2001-01-01T00:00:00.000Z');
    await record([
      { accountId: stuA.id, username: 'stua', at: AT, ip: '198.51.100.1' },
      { accountId: stuA.id, username: 'stua', at: old, ip: '198.51.100.2' },
    ]);
    const { rows: parts } = await t.runtime.db.raw(
      'SELECT tableoid::regclass::text AS part FROM login_records WHERE account_id = ? ORDER BY created_at',
      [stuA.id],
    );
    expect(parts.map((p: { part: string }) => p.part)).toEqual([
      'login_records_default',
      expect.stringMatching(/^login_records_\d{6}$/),
    ]);

    const byRange = await searchLoginRecords(
      t.runtime.db,
      { schoolIds: [dir.schoolA], ip: '198.51.100.0/24' },
      { limit: 10 },
    );
    expect(byRange.rows.map((r) => r.ip)).toEqual(['198.51.100.1', '198.51.100.2']);
    expect(await countLoginRecords(t.runtime.db, { accountId: stuA.id }, 100)).toEqual({
      count: 2,
      capped: false,
    });
    const first = await searchLoginRecords(t.runtime.db, { accountId: stuA.id }, { limit: 1 });
    expect(first.rows.map((r) => r.ip)).toEqual(['198.51.100.1']);
    expect(first.next).not.toBeNull();
    const second = await searchLoginRecords(
      t.runtime.db,
      { accountId: stuA.id },
      { limit: 1, before: first.next as LoginRecordCursor },
    );
    expect(second.rows.map((r) => r.ip)).toEqual(['198.51.100.2']);
    expect(second.next).toBeNull();
  });

  it('gives every month, also one maintenance adds, its account→school statistics', async () => {
    const db = t.runtime.db;
    const missing = async () =>
      (
        await db.raw(
          `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'login_records'::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_statistic_ext x
                               WHERE x.stxrelid = c.oid AND x.stxname = c.relname || '__account_school'
                                 AND x.stxkind = '{f}')`,
        )
      ).rows as Array<{ relname: string }>;
    expect(await missing()).toEqual([]);
    // a month far ahead, as maintenance creates them
    const ahead = "to_char(now() + interval '2 years', 'YYYYMM')";
    const { rows } = await db.raw(`SELECT 'login_records_' || ${ahead} AS name`);
    const name = (rows as Array<{ name: string }>)[0]?.name as string;
    await db.raw("SELECT edu_ensure_month_partitions('login_records', now() + interval '2 years', 1)");
    try {
      expect((await missing()).map((m) => m.relname)).toEqual([name]);
      await ensureHistoryPartitions(db);
      expect(await missing()).toEqual([]);
    } finally {
      await db.raw('DROP TABLE IF EXISTS ??', [name]);
    }
  });

  it('counts exactly below the cap and says "cap+" above it; streams every record in batches', async () => {
    await record(
      Array.from({ length: 7 }, (_, i) => ({
        accountId: stuA.id,
        username: 'stua',
        at: new Date(AT.getTime() + (i % 3)),
      })),
    );
    expect(await countLoginRecords(t.runtime.db, { schoolIds: [dir.schoolA] }, 10)).toEqual({
      count: 7,
      capped: false,
    });
    expect(await countLoginRecords(t.runtime.db, { schoolIds: [dir.schoolA] }, 5)).toEqual({
      count: 5,
      capped: true,
    });
    expect(await countLoginRecords(t.runtime.db, { schoolIds: [dir.schoolB] }, 5)).toEqual({
      count: 0,
      capped: false,
    });
    const batches: number[] = [];
    const ids: string[] = [];
    for await (const batch of streamLoginRecords(t.runtime.db, { countyIds: [dir.countyId] }, 3)) {
      batches.push(batch.length);
      ids.push(...batch.map((r) => r.id));
    }
    expect(batches).toEqual([3, 3, 1]);
    expect(new Set(ids).size).toBe(7);
  });
});

describe('parseLoginRecordFilter', () => {
  const code = (input: Record<string, unknown>) => {
    try {
      parseLoginRecordFilter(input);
      return 'ok';
    } catch (err) {
      return (err as { code: string }).code;
    }
  };

  it('accepts addresses and networks of both families and refuses anything else', () => {
    expect(normalizeIpFilter('163.20.0.0/16')).toBe('163.20.0.0/16');
    expect(normalizeIpFilter('2001:288::/32')).toBe('2001:288::/32');
    expect(normalizeIpFilter('2001:288::1')).toBe('2001:288::1');
    expect(code({ ip: '163.20.0.0/33' })).toBe('login_records.ip_invalid');
    expect(code({ ip: '2001:288::/129' })).toBe('login_records.ip_invalid');
    expect(code({ ip: 'not-an-ip' })).toBe('login_records.ip_invalid');
    expect(code({ ip: '1.2.3.4/8/1' })).toBe('login_records.ip_invalid');
    expect(code({ ip: '163.20.0.0/16' })).toBe('ok');
  });

  it('reads times in Taiwan time and refuses bad or reversed ones', () => {
    expect(parseLocalTime('2026-09-01T08:30')?.toISOString()).toBe('2026-09-01T00:30:00.000Z');
    expect(parseLocalTime('2026-09-01')?.toISOString()).toBe('2026-08-31T16:00:00.000Z');
    expect(parseLocalTime('2026-02-30')).toBeUndefined();
    expect(code({ from: 'yesterday' })).toBe('login_records.time_invalid');
    expect(code({ from: '2026-09-02', to: '2026-09-01' })).toBe('login_records.range_invalid');
    expect(code({ from: '2026-09-01', to: '2026-09-01' })).toBe('ok');
    expect(code({ success: 'maybe' })).toBe('login_records.filter_invalid');
  });
});
