/**
 * The login-records benchmark: latency of the admin queries and the portal's 紀錄 page over
 * the history bench/generate-login-records.ts loads (50 million records by default), through
 * the project's own query functions (src/adapters/db/login-record-search.ts for the admin page
 * and API, src/adapters/db/account-logins.ts for the portal). One query at a time, random
 * parameters every iteration, after a short unmeasured warm-up. Prints ONE JSON object.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/edu_idp_bench50m tsx bench/login-records.ts
 *   (npm run bench runs it too, as scenario login_records)
 *
 * Environment:
 *   BENCH_DATABASE_URL      the generated database; unset or empty: the scenario is skipped with
 *                           how to generate one (npm run bench:generate)
 *   LOGIN_BENCH_ITERATIONS  measured queries per scenario (default 200)
 *   LOGIN_BENCH_EXPLAIN     1: print EXPLAIN (ANALYZE, BUFFERS) of each scenario's slowest query
 *   LOGIN_BENCH_ONLY        comma list of scenario names to run (default all)
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { accountLoginFacets, listAccountLogins } from '../src/adapters/db/account-logins.js';
import {
  countLoginRecords,
  type LoginRecordQuery,
  searchLoginRecords,
} from '../src/adapters/db/login-record-search.js';
import { createDb, type Db } from '../src/adapters/db.js';
import { DEFAULT_TANET_RANGES } from '../src/config.js';

const log = (line: string) => process.stderr.write(`[bench login-records] ${line}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** the page sizes of the admin console (50) and of the portal's 紀錄 table (10, as in the seeds) */
const ADMIN_PAGE = 50;
const PORTAL_PAGE = 10;
const COUNT_CAP = 10_000;
const TARGET_P95_MS = 50;

export interface ScenarioFigures {
  what: string;
  iterations: number;
  latency_ms: { p50: number; p95: number; p99: number; max: number; mean: number };
  rows_mean: number;
  meets_target: boolean;
}

export interface LoginRecordsBenchReport {
  database: string;
  login_records: number;
  session_events: number;
  newest_record: string | null;
  target: string;
  scenarios: Record<string, ScenarioFigures>;
  notes: string[];
}

export interface SkippedBench {
  skipped: string;
}

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

const SKIP_HINT =
  'generate one with `BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/edu_idp_bench50m npm run bench:generate` (50 million records, about an hour on 2 cores; BENCH_ROWS for fewer), then run with the same BENCH_DATABASE_URL';

interface Sample {
  accounts: Array<{ id: string; schoolId: string }>;
  schools: string[];
  counties: string[];
  networks24: string[];
  networks16: string[];
  from: number;
  to: number;
}

async function sampleParameters(db: Db): Promise<Sample> {
  const accounts = await db.raw(
    `SELECT a.id, a.school_id FROM accounts a
      WHERE a.school_id IS NOT NULL AND a.status = 'active' ORDER BY random() LIMIT 2000`,
  );
  const schools = await db.raw(`SELECT id FROM organizations WHERE kind = 'school'`);
  const counties = await db.raw(`SELECT id FROM organizations WHERE kind = 'county'`);
  // school networks: addresses in TANet (where schools' NAT addresses are), from a sample of rows
  const nets = await db.raw(
    `SELECT DISTINCT host(network(set_masklen(ip, 24))) || '/24' AS n24, host(network(set_masklen(ip, 16))) || '/16' AS n16
       FROM (SELECT ip FROM login_records TABLESAMPLE SYSTEM (0.5)
              WHERE family(ip) = 4 AND ip <<= ANY (?::inet[]) LIMIT 5000) s`,
    [[...DEFAULT_TANET_RANGES]],
  );
  const span = await db.raw(
    `SELECT (SELECT min(created_at) FROM login_records) AS oldest, (SELECT max(created_at) FROM login_records) AS newest`,
  );
  return {
    accounts: accounts.rows.map((r: { id: string; school_id: string }) => ({
      id: r.id,
      schoolId: r.school_id,
    })),
    schools: schools.rows.map((r: { id: string }) => r.id),
    counties: counties.rows.map((r: { id: string }) => r.id),
    networks24: [...new Set<string>(nets.rows.map((r: { n24: string }) => r.n24))],
    networks16: [...new Set<string>(nets.rows.map((r: { n16: string }) => r.n16))],
    from: (span.rows[0].oldest as Date | null)?.getTime() ?? Date.now(),
    to: (span.rows[0].newest as Date | null)?.getTime() ?? Date.now(),
  };
}

interface Scenario {
  what: string;
  /** one query with fresh random parameters; returns the rows it produced */
  run(): Promise<number>;
}

function scenarios(db: Db, s: Sample): Record<string, Scenario> {
  const account = () => pick(s.accounts);
  const week = () => {
    const from = s.from + Math.random() * Math.max(0, s.to - s.from - 7 * DAY_MS);
    return { from: new Date(from), to: new Date(from + 7 * DAY_MS) };
  };
  const page = async (q: LoginRecordQuery) =>
    (await searchLoginRecords(db, q, { limit: ADMIN_PAGE })).rows.length;
  return {
    admin_by_account: {
      what: `admin page (${ADMIN_PAGE} rows): one account's records, county-wide admin`,
      run: () => page({ accountId: account().id }),
    },
    admin_by_account_school_admin: {
      what: `admin page (${ADMIN_PAGE} rows): one account's records as its school's admin (school scope)`,
      run: () => {
        const a = account();
        return page({ accountId: a.id, schoolIds: [a.schoolId] });
      },
    },
    admin_by_account_next_page: {
      what: `admin pages (${ADMIN_PAGE} rows): the first and then the second page (keyset cursor) of one account, timed together`,
      run: async () => {
        const accountId = account().id;
        const first = await searchLoginRecords(db, { accountId }, { limit: ADMIN_PAGE });
        if (!first.next) return first.rows.length;
        const second = await searchLoginRecords(db, { accountId }, { limit: ADMIN_PAGE, before: first.next });
        return first.rows.length + second.rows.length;
      },
    },
    admin_school_time_range: {
      what: `admin page (${ADMIN_PAGE} rows): one school, a random 7-day range in the history`,
      run: () => page({ schoolIds: [pick(s.schools)], ...week() }),
    },
    admin_county_time_range: {
      what: `admin page (${ADMIN_PAGE} rows): the county (every school), a random 7-day range`,
      run: () => page({ countyIds: [pick(s.counties)], ...week() }),
    },
    admin_count_school_time_range: {
      what: `the admin page's count (capped at ${COUNT_CAP}): one school, a random 7-day range`,
      run: async () =>
        (await countLoginRecords(db, { schoolIds: [pick(s.schools)], ...week() }, COUNT_CAP)).count,
    },
    admin_ip_range_24: {
      what: `admin page (${ADMIN_PAGE} rows): a school's /24 (TANet NAT network), whole history`,
      run: () => page({ ip: pick(s.networks24) }),
    },
    admin_ip_range_16: {
      what: `admin page (${ADMIN_PAGE} rows): a /16 of TANet, whole history`,
      run: () => page({ ip: pick(s.networks16) }),
    },
    admin_failures_last_hour: {
      what: `admin page (${ADMIN_PAGE} rows): failed attempts of the last hour, county admin`,
      run: () =>
        page({ countyIds: [pick(s.counties)], success: false, from: new Date(Date.now() - HOUR_MS) }),
    },
    admin_failures_last_hour_school: {
      what: `admin page (${ADMIN_PAGE} rows): failed attempts of the last hour, school admin`,
      run: () => page({ schoolIds: [pick(s.schools)], success: false, from: new Date(Date.now() - HOUR_MS) }),
    },
    portal_recent_logins: {
      what: `portal 紀錄 page: ${PORTAL_PAGE} newest records with 最後更新, total for "1 - 10 / N", filter choices`,
      run: async () => {
        const id = account().id;
        const [list] = await Promise.all([
          listAccountLogins(db, id, {}, { offset: 0, limit: PORTAL_PAGE }),
          accountLoginFacets(db, id),
        ]);
        return list.rows.length;
      },
    },
    portal_recent_logins_filtered: {
      what: `portal 紀錄 page filtered (成功 = no, or 設備 = mobile), ${PORTAL_PAGE} rows and the filtered total`,
      run: async () => {
        const filter = Math.random() < 0.5 ? { success: false } : { device: 'mobile' };
        return (await listAccountLogins(db, account().id, filter, { offset: 0, limit: PORTAL_PAGE })).rows
          .length;
      },
    },
  };
}

export async function runLoginRecordsBench(): Promise<LoginRecordsBenchReport | SkippedBench> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    return { skipped: `BENCH_DATABASE_URL is not set: no generated login history to query; ${SKIP_HINT}` };
  }
  const iterations = intEnv('LOGIN_BENCH_ITERATIONS', 200);
  const explain = process.env.LOGIN_BENCH_EXPLAIN === '1';
  const db = createDb(url, 4);
  const database = new URL(url).pathname.slice(1);
  try {
    const present = await db.raw("SELECT to_regclass('login_records') IS NOT NULL AS ok");
    if (!present.rows[0].ok) return { skipped: `${database} has no login_records table; ${SKIP_HINT}` };
    // sizes from the statistics (the generator ANALYZEs): an exact count of 50M rows takes seconds
    const sizes = await db.raw(
      `SELECT p.relname AS parent, sum(greatest(c.reltuples, 0))::bigint AS rows
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname IN ('login_records', 'session_events') GROUP BY p.relname`,
    );
    const rowsOf = (t: string) =>
      Number(sizes.rows.find((r: { parent: string }) => r.parent === t)?.rows ?? 0);
    const records = rowsOf('login_records');
    if (records === 0)
      return { skipped: `${database} holds no login records (or was never analyzed); ${SKIP_HINT}` };
    log(
      `${database}: about ${records.toLocaleString('en')} login records, ${rowsOf('session_events').toLocaleString('en')} session events`,
    );

    const sample = await sampleParameters(db);
    if (!sample.accounts.length || !sample.schools.length || !sample.networks24.length) {
      return { skipped: `${database} has no accounts at schools or no TANet addresses; ${SKIP_HINT}` };
    }
    const notes: string[] = [];
    const newest = new Date(sample.to);
    if (Date.now() - sample.to > HOUR_MS) {
      notes.push(
        `the newest record is from ${newest.toISOString()}, more than an hour ago: the last-hour scenarios find few or no rows; run npm run bench:generate again first (it tops the current month up to now)`,
      );
    }

    // the SQL of every query, to EXPLAIN the slowest of each scenario
    let lastSql: Array<{ sql: string; bindings: unknown[] }> = [];
    db.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      lastSql.push({ sql: q.sql, bindings: q.bindings ?? [] });
    });

    const results: Record<string, ScenarioFigures> = {};
    const only = (process.env.LOGIN_BENCH_ONLY ?? '').split(',').filter(Boolean);
    for (const [name, sc] of Object.entries(scenarios(db, sample))) {
      if (only.length && !only.includes(name)) continue;
      for (let i = 0; i < Math.min(20, iterations); i++) await sc.run(); // warm-up, unmeasured
      const times: number[] = [];
      let rows = 0;
      let slowest = { ms: -1, queries: [] as typeof lastSql };
      for (let i = 0; i < iterations; i++) {
        lastSql = [];
        const t0 = performance.now();
        rows += await sc.run();
        const ms = performance.now() - t0;
        times.push(ms);
        if (ms > slowest.ms) slowest = { ms, queries: lastSql };
      }
      const sorted = [...times].sort((a, b) => a - b);
      const p95 = round(percentile(sorted, 95));
      results[name] = {
        what: sc.what,
        iterations,
        latency_ms: {
          p50: round(percentile(sorted, 50)),
          p95,
          p99: round(percentile(sorted, 99)),
          max: round(sorted.at(-1)!),
          mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
        },
        rows_mean: round(rows / iterations),
        meets_target: p95 < TARGET_P95_MS,
      };
      log(
        `${name}: p50 ${results[name].latency_ms.p50} ms, p95 ${p95} ms, p99 ${results[name].latency_ms.p99} ms, max ${results[name].latency_ms.max} ms, ${results[name].rows_mean} rows`,
      );
      if (explain) await explainSlowest(url, name, slowest);
    }
    return {
      database,
      login_records: records,
      session_events: rowsOf('session_events'),
      newest_record: sample.to ? newest.toISOString() : null,
      target: `p95 < ${TARGET_P95_MS} ms for a page of results`,
      scenarios: results,
      notes: [
        'one query at a time from this process over loopback, each with new random parameters (account, school, 7-day window, network); 20 unmeasured warm-up queries per scenario',
        'latency is the whole call of the project function: SQL, network, row mapping; a portal page is its list (with count) and filter-choice queries run together',
        'admin_by_account_next_page times two pages of one account (the first one gives the cursor)',
        ...notes,
      ],
    };
  } finally {
    await db.destroy();
  }
}

async function explainSlowest(
  url: string,
  name: string,
  slowest: { ms: number; queries: Array<{ sql: string; bindings: unknown[] }> },
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const q of slowest.queries) {
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.bindings as unknown[]);
      log(
        `${name}: slowest ${round(slowest.ms)} ms; plan now:\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`,
      );
    }
  } finally {
    await client.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runLoginRecordsBench().then(
    (report) => {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      process.exit(0);
    },
    (err) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
