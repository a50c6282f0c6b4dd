/**
 * Loads a county's worth of login history for the login-records benchmark (bench/login-records.ts):
 * by default 50 million attempts over the last 420 days, with their session events, into the
 * database BENCH_DATABASE_URL (created if missing, then migrated with the project's migrations).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/edu_idp_bench50m npm run bench:generate
 *
 * The county: 1 county, 70 schools (52 elementary, 18 junior high), about 32,750 students,
 * 2,700 teachers and 700 staff (the directory tables: organizations, accounts.school_id).
 * The records:
 *   - time: school days (Mon–Fri outside vacations and national holidays) carry most of the load,
 *     with the school-hours shape in Asia/Taipei (peaks 09:00–11:00 and 13:00–15:00, an evening
 *     bump for homework); weekends and vacations are lighter and later in the day
 *   - about 95 % succeed; failures are wrong passwords (password.invalid_credentials), usernames
 *     that do not exist (typos: account_id null), rate_limited, disabled accounts and the other
 *     methods' own errors
 *   - methods: password most, pass-one, passkey, certificate (teachers and staff), fido
 *   - clients: Google Workspace, ownCloud, school apps, the account portal and the admin console
 *   - addresses: at school during school hours, the school's NAT address in a TANet range
 *     (163.19.x, 210.240.x, 140.131.x; IPv6 2001:288::/32), otherwise home ISP ranges (HiNet,
 *     mobile carriers) and some IPv6
 *   - user agents parsed into os/browser/device by src/services/login-records.ts parseUserAgent
 *   - session_id on every success, and session events for it: a 'login' event each, a 'token'
 *     event for a fifth, a 'logout' for one in twenty
 *   - school_id and county_id (the account's school and its county) when the schema has them
 *
 * The rows are generated inside PostgreSQL (INSERT … SELECT over generate_series), one month at a
 * time into a bare table, which then gets the parent's indexes and is attached as the month's
 * partition (building indexes once is far cheaper than maintaining them row by row). A month
 * already loaded is skipped, so an interrupted run resumes; run again later to top up the
 * current month to the present (the benchmark's "failures in the last hour" needs recent rows).
 *
 * Environment:
 *   BENCH_DATABASE_URL   required; a database used only for this (never the service's)
 *   BENCH_ROWS           login records in all (default 50000000)
 *   BENCH_DAYS           days of history up to now (default 420)
 *   BENCH_PARALLEL       months generated at the same time (default 2)
 *
 * Progress goes to stderr; a JSON summary (counts, sizes, duration) to stdout.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDb, migrateLatest } from '../src/adapters/db.js';
import { parseUserAgent } from '../src/services/login-records.js';

const log = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)} generate] ${line}\n`);

const COUNTY_CODE = 'BKL';
const TAIPEI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

// ---------------------------------------------------------------- the calendar

/** National holidays and make-up days off (rough, 2025-09 to 2026-12). */
const HOLIDAYS = new Set([
  '2025-10-06',
  '2025-10-10',
  '2025-10-24',
  '2025-12-25',
  '2026-01-01',
  '2026-02-27',
  '2026-04-03',
  '2026-04-06',
  '2026-05-01',
  '2026-06-19',
  '2026-09-25',
  '2026-09-28',
  '2026-10-09',
  '2026-10-26',
  '2026-12-25',
]);
const VACATIONS: Array<[string, string]> = [
  ['2025-07-01', '2025-08-29'],
  ['2026-01-21', '2026-02-10'],
  ['2026-07-01', '2026-08-29'],
  ['2027-01-20', '2027-02-10'],
];

interface Day {
  /** local midnight (Asia/Taipei) as an instant */
  start: Date;
  date: string;
  schoolDay: boolean;
  weight: number;
}

function calendar(days: number, now: Date): Day[] {
  const todayLocal = Math.floor((now.getTime() + TAIPEI_OFFSET_MS) / DAY_MS) * DAY_MS;
  const out: Day[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const local = new Date(todayLocal - i * DAY_MS);
    const date = local.toISOString().slice(0, 10);
    const weekday = local.getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const vacation = VACATIONS.some(([from, to]) => date >= from && date <= to);
    const holiday = HOLIDAYS.has(date);
    const schoolDay = !weekend && !vacation && !holiday;
    let weight = schoolDay ? 1 : weekend ? (vacation ? 0.15 : 0.28) : vacation ? 0.35 : 0.3;
    // the history grows a little over the period (more services, more passkeys)
    weight *= 0.85 + (0.3 * (days - i)) / days;
    out.push({ start: new Date(local.getTime() - TAIPEI_OFFSET_MS), date, schoolDay, weight });
  }
  return out;
}

/** A pick list: each value repeated in proportion to its weight (about `size` entries). */
function pickList(weights: number[], size = 1000): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.flatMap((w, i) =>
    Array<number>(Math.max(w > 0 ? 1 : 0, Math.round((w / total) * size))).fill(i),
  );
}

// local hour weights 0..23
const SCHOOL_DAY_HOURS = [
  0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.5, 3, 9, 10, 9.5, 8, 4, 8, 9, 7, 4, 2.5, 2.5, 4, 5, 4.5, 2.5, 1,
];
const OFF_DAY_HOURS = [
  0.8, 0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1, 2, 3, 5, 5, 4, 4.5, 5, 5, 5, 4, 3, 5, 6, 6, 4, 2,
];

// ---------------------------------------------------------------- devices and networks

const USER_AGENTS: Array<{ ua: string; school: number; home: number }> = [
  // Chromebooks and Windows PCs in classrooms and offices
  {
    ua: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
    school: 22,
    home: 4,
  },
  {
    ua: 'Mozilla/5.0 (X11; CrOS x86_64 15917.71.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    school: 12,
    home: 2,
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    school: 18,
    home: 14,
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
    school: 12,
    home: 6,
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
    school: 3,
    home: 2,
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36',
    school: 2,
    home: 1,
  },
  // iPads on classroom carts
  {
    ua: 'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
    school: 12,
    home: 6,
  },
  {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    school: 4,
    home: 5,
  },
  // phones, mostly at home
  {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    school: 5,
    home: 20,
  },
  {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
    school: 1,
    home: 4,
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
    school: 3,
    home: 14,
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 13; 2201117TG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
    school: 1,
    home: 6,
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    school: 3,
    home: 4,
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 12; ASUS_I006D; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 Line/14.19.1',
    school: 0.5,
    home: 3,
  },
  { ua: 'ownCloud/5.3.1 (Windows 10) mirall/5.3.1', school: 1, home: 1 },
  {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    school: 2,
    home: 5,
  },
];

/** home ISP IPv4 /16s: HiNet, Taiwan Mobile, FarEasTone, Chunghwa mobile, cable */
const HOME_NETS = [
  '1.160.',
  '1.161.',
  '1.164.',
  '1.169.',
  '1.171.',
  '36.224.',
  '36.225.',
  '36.229.',
  '36.231.',
  '111.248.',
  '111.249.',
  '114.24.',
  '114.36.',
  '114.37.',
  '114.45.',
  '118.160.',
  '118.166.',
  '122.116.',
  '125.224.',
  '125.230.',
  '220.133.',
  '220.135.',
  '61.224.',
  '61.230.',
  '101.12.',
  '101.136.',
  '27.242.',
  '27.247.',
  '223.136.',
  '223.140.',
  '49.216.',
  '49.217.',
  '39.9.',
  '39.10.',
  '42.72.',
  '42.77.',
  '175.182.',
  '59.115.',
];

// ---------------------------------------------------------------- the directory

async function ensureDirectory(pool: pg.Pool): Promise<void> {
  const existing = await pool.query('SELECT id FROM organizations WHERE code = $1', [COUNTY_CODE]);
  if (existing.rows.length) {
    log('directory already present');
    return;
  }
  log('creating the directory: 1 county, 70 schools, ~36,000 accounts');
  let seed = 20261124;
  const random = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const weights = Array.from({ length: 70 }, () => 0.15 + random() ** 2 * 1.85);
  const total = weights.reduce((a, b) => a + b, 0);
  const students = weights.map((w) => Math.max(40, Math.round((w / total) * 32752)));
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const county = await client.query(
      `INSERT INTO organizations (kind, code, name, short_name) VALUES ('county', $1, '基隆市', '基隆') RETURNING id`,
      [COUNTY_CODE],
    );
    const countyId = county.rows[0].id as string;
    const codes = Array.from({ length: 70 }, (_, i) => String(173601 + i));
    await client.query(
      `INSERT INTO organizations (kind, code, name, level, parent_id)
       SELECT 'school', c, '基隆市立第' || i || CASE WHEN i > 52 THEN '國中' ELSE '國小' END,
              CASE WHEN i > 52 THEN 'junior' ELSE 'elementary' END, $2
         FROM unnest($1::text[]) WITH ORDINALITY AS s(c, i)`,
      [codes, countyId],
    );
    const family =
      '陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴';
    const given = '家怡宇婷志明雅文俊豪佳欣冠廷承恩品妤子涵柏宏詩晴宥辰芷瑜彥翔思妍浩宸語彤睿哲';
    // students, teachers (about 1 in 12.5 students) and staff of every school
    await client.query(
      `INSERT INTO accounts (username, name, family_name, given_name, identity_type, school_id, status, email)
       SELECT lower(k.prefix || s.code || lpad(g::text, 4, '0')), f || g1 || g2, f, g1 || g2, k.kind, o.id,
              CASE WHEN random() < 0.015 THEN 'disabled' ELSE 'active' END,
              CASE WHEN k.kind = 'student' THEN NULL ELSE k.prefix || s.code || lpad(g::text, 4, '0') || '@bench.edu.tw' END
         FROM unnest($1::text[], $2::int[]) AS s(code, students)
         JOIN organizations o ON o.code = s.code
         CROSS JOIN LATERAL (VALUES ('s', 'student', s.students),
                                    ('t', 'teacher', ceil(s.students / 12.5)::int),
                                    ('a', 'staff', ceil(s.students / 50.0)::int + 3)) AS k(prefix, kind, n)
         CROSS JOIN LATERAL generate_series(1, k.n) AS g
         CROSS JOIN LATERAL (SELECT substr($3, 1 + (abs(hashtext(s.code || g || k.kind)) % char_length($3)), 1) AS f,
                                    substr($4, 1 + (abs(hashtext(g || s.code)) % char_length($4)), 1) AS g1,
                                    substr($4, 1 + (abs(hashtext(k.kind || g)) % char_length($4)), 1) AS g2) AS n`,
      [codes, students, family, given],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

/**
 * _bench_pick: one row per "share of the login volume". Teachers and staff sign in more often
 * than junior high students, and those more than elementary ones; a few accounts never do.
 */
async function ensurePickTable(pool: pg.Pool): Promise<number> {
  await pool.query('DROP TABLE IF EXISTS _bench_pick');
  await pool.query(
    `CREATE UNLOGGED TABLE _bench_pick AS
     SELECT (row_number() OVER (ORDER BY random()) - 1)::int AS k, a.id AS account_id, a.username,
            a.school_id, o.parent_id AS county_id, a.identity_type,
            a.identity_type <> 'student' AS adult,
            CASE WHEN s.i <= 35 THEN '163.19.' || (s.i + 9) || '.'
                 WHEN s.i <= 52 THEN '210.240.' || (s.i + 119) || '.'
                 ELSE '140.131.' || (s.i + 99) || '.' END AS nat4,
            '2001:288:1234:' || to_hex(s.i::int) || '::' AS nat6
       FROM accounts a
       JOIN organizations o ON o.id = a.school_id
       JOIN (SELECT id, row_number() OVER (ORDER BY code) AS i FROM organizations
              WHERE parent_id = (SELECT id FROM organizations WHERE code = $1)) s ON s.id = a.school_id
      CROSS JOIN LATERAL generate_series(1,
            CASE WHEN abs(hashtext(a.id::text)) % 100 < 4 OR a.status = 'disabled' THEN 0
                 WHEN a.identity_type = 'teacher' THEN 5
                 WHEN a.identity_type = 'staff' THEN 4
                 WHEN o.level = 'junior' THEN 2 ELSE 1 END)`,
    [COUNTY_CODE],
  );
  await pool.query('CREATE UNIQUE INDEX ON _bench_pick (k)');
  await pool.query('ANALYZE _bench_pick');
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM _bench_pick');
  return rows[0].n as number;
}

// ---------------------------------------------------------------- the rows

interface Shape {
  pickSize: number;
  hasOrgColumns: boolean;
}

function rowsSql(shape: Shape, target: string): string {
  const orgCols = shape.hasOrgColumns ? ', school_id, county_id' : '';
  const orgVals = shape.hasOrgColumns
    ? `, CASE WHEN t.unknown THEN NULL ELSE t.school_id END, CASE WHEN t.unknown THEN NULL ELSE t.county_id END`
    : '';
  // $1 day starts, $2 counts, $3 school day flags, $4 school-day hour picks, $5 off-day hour picks,
  // $6 window from, $7 window to, $8 UA strings, $9 os, $10 browser, $11 device,
  // $12 UA picks at school, $13 UA picks at home, $14 home /16s
  return `
  INSERT INTO ${target} (id, created_at, account_id, username, client_id, method, success, failure_reason,
                         ip, user_agent, os, browser, device, session_id${orgCols})
  SELECT gen_random_uuid(), t.at,
         CASE WHEN t.unknown THEN NULL ELSE t.account_id END,
         CASE WHEN t.unknown THEN
                CASE WHEN t.method = 'passkey' THEN NULL
                     ELSE t.username || chr(97 + (t.r_fail * 2600)::int % 26) END
              ELSE t.username END,
         CASE WHEN t.r_c < 0.40 THEN 'google-workspace'
              WHEN t.r_c < 0.52 THEN 'owncloud'
              WHEN t.r_c < 0.64 THEN 'school-lms'
              WHEN t.r_c < 0.70 THEN CASE WHEN t.adult THEN 'school-affairs' ELSE 'school-library' END
              WHEN t.r_c < 0.86 THEN 'edu-idp-account'
              WHEN t.r_c < 0.90 AND t.adult THEN 'edu-idp-console'
              ELSE 'cooc-cloud' END,
         t.method,
         t.ok,
         CASE WHEN t.ok THEN NULL
              WHEN t.r_fail < 0.10 THEN 'rate_limited'
              WHEN NOT t.unknown AND t.r_fail > 0.985 THEN 'password.account_disabled'
              WHEN t.method = 'pass-one' THEN 'pass_one.invalid_code'
              WHEN t.method = 'passkey' THEN
                   CASE WHEN t.unknown THEN 'passkey.unknown_credential' ELSE 'passkey.verification_failed' END
              WHEN t.method = 'certificate' THEN
                   CASE WHEN t.r_fail < 0.6 THEN 'certificate.wrong_pin' WHEN t.r_fail < 0.8 THEN 'certificate.no_card'
                        ELSE 'certificate.expired' END
              WHEN t.method = 'fido' THEN 'fido.restart'
              ELSE 'password.invalid_credentials' END,
         CASE WHEN t.at_school THEN
                CASE WHEN t.r_v6 < 0.10 THEN (t.nat6 || to_hex(1 + (t.r_ip * 65000)::int))::inet
                     ELSE (t.nat4 || (1 + (t.r_ip * 6)::int))::inet END
              WHEN t.r_v6 < 0.12 THEN ('2001:b011:' || to_hex((t.r_ip * 65535)::int) || ':' ||
                                       to_hex((t.r_v6 * 500000)::int % 65536) || '::' || to_hex(1 + (t.r_c * 65000)::int))::inet
              ELSE (($14::text[])[1 + (t.r_ip * array_length($14::text[], 1))::int % array_length($14::text[], 1)]
                    || ((t.r_ip * 65536)::int % 256) || '.' || (1 + (t.r_c * 253000)::int % 254))::inet END,
         ($8::text[])[t.ua], ($9::text[])[t.ua], ($10::text[])[t.ua], ($11::text[])[t.ua],
         CASE WHEN t.ok THEN substr(md5(t.r_ok::text || t.r_ip::text), 1, 21) END
         ${orgVals}
    FROM (
      SELECT u.*,
             NOT u.ok AND u.r_fail < 0.22 AND u.method IN ('password', 'pass-one', 'passkey') AS unknown,
             CASE WHEN u.at_school
                  THEN ($12::int[])[1 + (u.r_ua * array_length($12::int[], 1))::int % array_length($12::int[], 1)]
                  ELSE ($13::int[])[1 + (u.r_ua * array_length($13::int[], 1))::int % array_length($13::int[], 1)]
             END AS ua
        FROM (
          SELECT v.at, v.r_ok, v.r_fail, v.r_ip, v.r_v6, v.r_c, v.r_ua,
                 p.account_id, p.username, p.school_id, p.county_id, p.adult, p.nat4, p.nat6,
                 v.school_day AND v.hour BETWEEN 7 AND 16 AND v.r_ip < 0.9 AS at_school,
                 -- a few more failures at night (guessing, forgotten passwords)
                 v.r_ok >= CASE WHEN v.hour < 6 THEN 0.12 WHEN p.adult THEN 0.035 ELSE 0.055 END AS ok,
                 CASE WHEN p.adult THEN
                        CASE WHEN v.r_m < 0.60 THEN 'password' WHEN v.r_m < 0.67 THEN 'pass-one'
                             WHEN v.r_m < 0.80 THEN 'passkey' WHEN v.r_m < 0.94 THEN 'certificate' ELSE 'fido' END
                      ELSE
                        CASE WHEN v.r_m < 0.86 THEN 'password' WHEN v.r_m < 0.95 THEN 'pass-one'
                             WHEN v.r_m < 0.99 THEN 'passkey' ELSE 'fido' END
                 END AS method
            FROM (
              SELECT d.day_start + make_interval(hours => h.hour) + random() * interval '1 hour' AS at,
                     h.hour, d.school_day, (random() * ${shape.pickSize})::int % ${shape.pickSize} AS k,
                     random() AS r_ok, random() AS r_fail, random() AS r_ip, random() AS r_v6,
                     random() AS r_m, random() AS r_c, random() AS r_ua
                FROM unnest($1::timestamptz[], $2::int[], $3::boolean[]) AS d(day_start, cnt, school_day)
               CROSS JOIN LATERAL generate_series(1, d.cnt) AS g
               CROSS JOIN LATERAL (SELECT CASE WHEN d.school_day
                          THEN ($4::int[])[1 + (random() * array_length($4::int[], 1))::int % array_length($4::int[], 1)]
                          ELSE ($5::int[])[1 + (random() * array_length($5::int[], 1))::int % array_length($5::int[], 1)]
                        END + 0 * g AS hour) AS h
            ) v
            JOIN _bench_pick p ON p.k = v.k
           WHERE v.at >= $6 AND v.at < $7
        ) u
    ) t
   ORDER BY t.at`;
}

function eventsSql(source: string, target: string): string {
  // $1 month end: events stay in the month of their login
  return `
  INSERT INTO ${target} (id, created_at, session_id, account_id, type, client_id, detail)
  SELECT gen_random_uuid(), e.at, e.session_id, e.account_id, e.type, e.client_id, e.detail
    FROM (
      SELECT r.created_at AS at, r.session_id, r.account_id, 'login' AS type, r.client_id, r.method AS detail
        FROM ${source} r WHERE r.success
      UNION ALL
      SELECT least(r.created_at + (1 + random() * 4) * interval '1 second', $1::timestamptz - interval '1 ms'),
             r.session_id, r.account_id, 'token', r.client_id, 'authorization_code'
        FROM ${source} r WHERE r.success AND random() < 0.2
      UNION ALL
      SELECT least(r.created_at + (5 + random() * 115) * interval '1 minute', $1::timestamptz - interval '1 ms'),
             r.session_id, r.account_id, 'logout', r.client_id, NULL
        FROM ${source} r WHERE r.success AND random() < 0.05
    ) e
   ORDER BY e.at`;
}

/** CREATE INDEX / PRIMARY KEY statements that make `table` match the partitioned `parent`. */
async function indexStatements(client: pg.PoolClient, parent: string, table: string): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def, c.contype
       FROM pg_index i
       LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid
      WHERE i.indrelid = $1::regclass`,
    [parent],
  );
  return rows.map((r: { name: string; def: string; contype: string | null }) => {
    if (r.contype === 'p') {
      const cols = /\((.*)\)\s*$/.exec(r.def)?.[1];
      return `ALTER TABLE ${table} ADD PRIMARY KEY (${cols})`;
    }
    return r.def.replace(
      /^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+/,
      (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX ON ${table}`,
    );
  });
}

interface Month {
  suffix: string;
  from: Date;
  to: Date;
  days: Day[];
  counts: number[];
}

function monthsOf(days: Day[], counts: number[]): Month[] {
  const months = new Map<string, Month>();
  days.forEach((day, i) => {
    // a local day belongs to the UTC month of its start; a day straddling a month boundary is
    // generated in both months' loads, each keeping only its own part
    for (const at of [day.start, new Date(day.start.getTime() + DAY_MS - 1)]) {
      const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
      const suffix = from.toISOString().slice(0, 7).replace('-', '');
      let m = months.get(suffix);
      if (!m) {
        m = {
          suffix,
          from,
          to: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)),
          days: [],
          counts: [],
        };
        months.set(suffix, m);
      }
      if (m.days.at(-1) !== day) {
        m.days.push(day);
        m.counts.push(counts[i]!);
      }
    }
  });
  return [...months.values()];
}

// ---------------------------------------------------------------- main

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    throw new Error(
      'BENCH_DATABASE_URL is required (a database for the benchmark only, e.g. postgres://postgres@127.0.0.1:5432/edu_idp_bench50m)',
    );
  }
  const rowsWanted = intEnv('BENCH_ROWS', 50_000_000);
  const dayCount = intEnv('BENCH_DAYS', 420, 2);
  const parallel = intEnv('BENCH_PARALLEL', 2);
  const started = Date.now();

  // the database: created if missing, then the project's own migrations
  const dbName = new URL(url).pathname.slice(1);
  const admin = new pg.Client({
    connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).href,
  });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
  if (!exists.rows.length) {
    log(`creating database ${dbName}`);
    await admin.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`);
  }
  await admin.end();
  const knex = createDb(url, 1);
  try {
    const applied = await migrateLatest(knex);
    log(applied.length ? `migrated: ${applied.join(', ')}` : 'schema up to date');
  } finally {
    await knex.destroy();
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: parallel + 1,
    options: '-c synchronous_commit=off -c work_mem=512MB -c maintenance_work_mem=1GB',
  });
  try {
    await ensureDirectory(pool);
    const pickSize = await ensurePickTable(pool);
    const cols = await pool.query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_name = 'login_records' AND column_name IN ('school_id', 'county_id')`,
    );
    const shape: Shape = { pickSize, hasOrgColumns: cols.rows.length === 2 };
    log(
      `login volume shares: ${pickSize}; school_id/county_id columns: ${shape.hasOrgColumns ? 'yes' : 'NO (not in the schema yet)'}`,
    );

    const now = new Date();
    const days = calendar(dayCount, now);
    const totalWeight = days.reduce((a, d) => a + d.weight, 0);
    const counts = days.map((d) => Math.round((rowsWanted * d.weight) / totalWeight));
    const uaParsed = USER_AGENTS.map((u) => parseUserAgent(u.ua));
    const params = {
      schoolHours: pickList(SCHOOL_DAY_HOURS),
      offHours: pickList(OFF_DAY_HOURS),
      ua: USER_AGENTS.map((u) => u.ua),
      os: uaParsed.map((p) => p.os),
      browser: uaParsed.map((p) => p.browser),
      device: uaParsed.map((p) => p.device),
      uaSchool: pickList(USER_AGENTS.map((u) => u.school)).map((i) => i + 1),
      uaHome: pickList(USER_AGENTS.map((u) => u.home)).map((i) => i + 1),
    };
    const windowFrom = days[0]!.start;
    const months = monthsOf(days, counts);
    log(
      `${rowsWanted.toLocaleString('en')} rows over ${dayCount} days (${months.length} months) from ${windowFrom.toISOString()}`,
    );

    const dayParams = (m: Month, from: Date, to: Date) => [
      m.days.map((d) => d.start.toISOString()),
      m.counts,
      m.days.map((d) => d.schoolDay),
      params.schoolHours,
      params.offHours,
      from.toISOString(),
      to.toISOString(),
      params.ua,
      params.os,
      params.browser,
      params.device,
      params.uaSchool,
      params.uaHome,
      HOME_NETS,
    ];

    // ATTACH PARTITION locks the parent: one at a time
    let attachLock: Promise<unknown> = Promise.resolve();
    const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = attachLock.then(fn, fn);
      attachLock = run.catch(() => undefined);
      return run;
    };

    let generated = 0;
    const loadMonth = async (m: Month) => {
      const lr = `login_records_${m.suffix}`;
      const se = `session_events_${m.suffix}`;
      const client = await pool.connect();
      try {
        const state = await client.query(
          `SELECT obj_description(c.oid, 'pg_class') AS note,
                  EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) AS attached
             FROM pg_class c WHERE c.relname = $1 AND c.relkind = 'r'`,
          [lr],
        );
        const note = state.rows[0]?.note as string | null | undefined;
        if (note?.startsWith('edu-idp bench:')) {
          // loaded before: top up to now (the current month of an earlier run)
          const last = await client.query(`SELECT max(created_at) AS at FROM ${lr}`);
          const from = new Date(
            Math.max((last.rows[0].at as Date | null)?.getTime() ?? m.from.getTime(), m.from.getTime()) + 1,
          );
          const to = new Date(Math.min(Date.now(), m.to.getTime()));
          if (to.getTime() - from.getTime() < 60_000) {
            log(`${m.suffix}: already loaded`);
            return;
          }
          const sql = rowsSql(shape, 'login_records').replace(
            'ORDER BY t.at',
            'ORDER BY t.at RETURNING created_at, success, session_id, account_id, client_id, method',
          );
          const [topFrom, topTo] = [from, to];
          await client.query('BEGIN');
          await client.query(
            'CREATE TEMP TABLE _topup (created_at timestamptz, success boolean, session_id text, account_id uuid, client_id text, method text) ON COMMIT DROP',
          );
          const res = await client.query(
            `WITH ins AS (${sql}) INSERT INTO _topup SELECT * FROM ins`,
            dayParams(m, topFrom, topTo),
          );
          await client.query(eventsSql('_topup', 'session_events'), [m.to.toISOString()]);
          await client.query('COMMIT');
          generated += res.rowCount ?? 0;
          log(
            `${m.suffix}: topped up ${res.rowCount} rows from ${topFrom.toISOString()} to ${topTo.toISOString()}`,
          );
          return;
        }
        if (state.rows.length) {
          const n = await client.query(`SELECT EXISTS (SELECT 1 FROM ${lr}) AS any`);
          if (n.rows[0].any)
            throw new Error(`${lr} has rows that this generator did not load: use an empty database`);
        }
        const t0 = Date.now();
        const stageLr = `${lr}_load`;
        const stageSe = `${se}_load`;
        await client.query(`DROP TABLE IF EXISTS ${stageLr}, ${stageSe}`);
        await client.query(`CREATE TABLE ${stageLr} (LIKE login_records INCLUDING DEFAULTS)`);
        await client.query(`CREATE TABLE ${stageSe} (LIKE session_events INCLUDING DEFAULTS)`);
        const from = new Date(Math.max(m.from.getTime(), windowFrom.getTime()));
        const to = new Date(Math.min(m.to.getTime(), now.getTime()));
        const res = await client.query(rowsSql(shape, stageLr), dayParams(m, from, to));
        const rows = res.rowCount ?? 0;
        const t1 = Date.now();
        const ev = await client.query(eventsSql(stageLr, stageSe), [m.to.toISOString()]);
        const t2 = Date.now();
        for (const [parent, table] of [
          ['login_records', stageLr],
          ['session_events', stageSe],
        ] as const) {
          for (const stmt of await indexStatements(client, parent, table)) await client.query(stmt);
          await client.query(
            `ALTER TABLE ${table} ADD CONSTRAINT ${table}_range
               CHECK (created_at >= '${m.from.toISOString()}' AND created_at < '${m.to.toISOString()}')`,
          );
          await client.query(`ANALYZE ${table}`);
        }
        const t3 = Date.now();
        await serialized(async () => {
          await client.query('BEGIN');
          for (const [parent, table, part] of [
            ['login_records', stageLr, lr],
            ['session_events', stageSe, se],
          ] as const) {
            const old = await client.query(
              `SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1)) AS attached,
                      to_regclass($1) IS NOT NULL AS present`,
              [part],
            );
            if (old.rows[0].attached) await client.query(`ALTER TABLE ${parent} DETACH PARTITION ${part}`);
            if (old.rows[0].present) await client.query(`DROP TABLE ${part}`);
            await client.query(`ALTER TABLE ${table} RENAME TO ${part}`);
            await client.query(
              `ALTER TABLE ${parent} ATTACH PARTITION ${part}
                 FOR VALUES FROM ('${m.from.toISOString()}') TO ('${m.to.toISOString()}')`,
            );
            await client.query(`ALTER TABLE ${part} DROP CONSTRAINT ${table}_range`);
          }
          await client.query(`COMMENT ON TABLE ${lr} IS 'edu-idp bench: ${rows} rows'`);
          await client.query('COMMIT');
        });
        generated += rows;
        log(
          `${m.suffix}: ${rows.toLocaleString('en')} records in ${((t1 - t0) / 1000).toFixed(0)} s, ` +
            `${(ev.rowCount ?? 0).toLocaleString('en')} session events in ${((t2 - t1) / 1000).toFixed(0)} s, ` +
            `indexes ${((t3 - t2) / 1000).toFixed(0)} s, attach ${((Date.now() - t3) / 1000).toFixed(0)} s ` +
            `(${generated.toLocaleString('en')} so far, ${((Date.now() - started) / 60000).toFixed(1)} min)`,
        );
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    };

    const queue = [...months];
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let m = queue.shift(); m; m = queue.shift()) await loadMonth(m);
      }),
    );
    // the coming months, as the server's own maintenance would create them
    await pool.query("SELECT edu_ensure_month_partitions('login_records', now(), 4)");
    await pool.query("SELECT edu_ensure_month_partitions('session_events', now(), 4)");
    // each month's account→school statistics (migration 024), filled by the ANALYZE below
    await pool.query('SELECT edu_login_records_statistics()');
    // VACUUM once no load runs any more: run while the other connection's INSERT was open it
    // could not mark pages all-visible (that snapshot predates our rows), and without the
    // visibility map counts cannot use index-only scans. All-visible pages are skipped, so a
    // top-up run costs little here; and autovacuum may be off.
    log('VACUUM (ANALYZE)');
    await pool.query('VACUUM (ANALYZE) login_records');
    await pool.query('VACUUM (ANALYZE) session_events');

    const size = async (parent: string) => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS partitions, sum(pg_table_size(inhrelid))::bigint AS table_bytes,
                sum(pg_indexes_size(inhrelid))::bigint AS index_bytes
           FROM pg_inherits WHERE inhparent = $1::regclass`,
        [parent],
      );
      const count = await pool.query(`SELECT count(*)::bigint AS n FROM ${parent}`);
      const r = rows[0];
      return {
        rows: count.rows[0].n as number,
        partitions: r.partitions as number,
        table_gib: Math.round((Number(r.table_bytes) / 2 ** 30) * 100) / 100,
        index_gib: Math.round((Number(r.index_bytes) / 2 ** 30) * 100) / 100,
      };
    };
    const accounts = await pool.query(
      'SELECT identity_type, count(*)::int AS n FROM accounts WHERE school_id IS NOT NULL GROUP BY 1 ORDER BY 1',
    );
    const summary = {
      tool: 'edu-idp bench:generate',
      database: dbName,
      rows_generated_this_run: generated,
      days: dayCount,
      from: windowFrom.toISOString(),
      school_and_county_columns: shape.hasOrgColumns,
      accounts: Object.fromEntries(accounts.rows.map((r) => [r.identity_type, r.n])),
      login_records: await size('login_records'),
      session_events: await size('session_events'),
      duration_min: Math.round((Date.now() - started) / 600) / 100,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await pool.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
