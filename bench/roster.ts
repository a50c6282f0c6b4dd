/**
 * The roster import benchmark: a Keelung-sized county (32,752 students in 70 schools, grades
 * 1–6 in elementary and 7–9 in junior high schools, about 30 per class) imported end to end,
 * one whole-school file at a time: parse (CSV, a fifth of them Big5) + preview (validation,
 * sealing, bulk look-ups, the stored preview) + apply (one transaction per class, usernames
 * from the default rule). Then the same county again in the next semester, where every student
 * exists and moves to the new term's class. Prints ONE JSON object to stdout.
 *
 *   tsx bench/roster.ts            (npm run bench runs it too, as scenario roster_import)
 *
 * Environment:
 *   DATABASE_URL      a PostgreSQL server: a throwaway database edu_idp_roster_bench_<pid> is
 *                     created on it, migrated, and dropped at the end (needs CREATEDB).
 *                     Unset: evaluation mode, an embedded PGlite in a temporary directory.
 *   REDIS_URL         where previews are stored (as in production); unset: in Postgres
 *   ROSTER_BENCH_STUDENTS  students in the county (default 32752)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { createDb, type Db, migrateLatest } from '../src/adapters/db.js';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from '../src/adapters/embedded-postgres.js';
import type { PayloadStore } from '../src/adapters/oidc/payload-store.js';
import { PgPayloadStore } from '../src/adapters/oidc/pg-payload-store.js';
import { RedisPayloadStore } from '../src/adapters/oidc/redis-payload-store.js';
import { createRedis } from '../src/adapters/redis.js';
import { withCheckDigit } from '../src/services/national-id.js';
import { createRosterService, type RosterTarget } from '../src/services/roster/import.js';
import { createSecretBox } from '../src/services/secret-box.js';

const log = (line: string) => process.stderr.write(`[bench roster] ${line}\n`);
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const FAMILY =
  '陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴';
const GIVEN = '家怡宇婷志明雅文俊豪佳欣冠廷承恩品妤子涵柏宏詩晴宥辰芷瑜彥翔思妍浩宸語彤睿哲';

/** A small deterministic generator: the same county on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface BenchSchool {
  code: string;
  name: string;
  level: 'elementary' | 'junior';
  grades: number[];
  classes: Array<{ grade: number; classNo: number; size: number }>;
}

/** 70 schools (52 elementary, 18 junior high), classes of about 30, exactly `students` in all. */
function generateCounty(students: number): BenchSchool[] {
  const random = rng(20261123);
  const schools: BenchSchool[] = Array.from({ length: 70 }, (_, i) => {
    const junior = i >= 52;
    return {
      code: String(173601 + i),
      name: `基隆市立第${i + 1}${junior ? '國中' : '國小'}`,
      level: junior ? 'junior' : 'elementary',
      grades: junior ? [7, 8, 9] : [1, 2, 3, 4, 5, 6],
      classes: [],
    };
  });
  // school sizes differ a lot (1 to 12 classes a grade): weights per school
  const weights = schools.map(() => 0.15 + random() ** 2 * 1.85);
  const slots = schools.flatMap((s, i) =>
    s.grades.map((grade) => ({ school: s, grade, weight: weights[i]! })),
  );
  const totalWeight = slots.reduce((n, s) => n + s.weight, 0);
  const classCount = Math.round(students / 30);
  for (const slot of slots) {
    const n = Math.max(1, Math.round((slot.weight / totalWeight) * classCount));
    for (let c = 1; c <= n; c++) slot.school.classes.push({ grade: slot.grade, classNo: c, size: 0 });
  }
  const all = schools.flatMap((s) => s.classes);
  // deal the students out: about 30 each, the exact total
  all.forEach((k, i) => {
    k.size = Math.floor(students / all.length) + (i < students % all.length ? 1 : 0);
  });
  return schools;
}

function schoolCsv(
  school: BenchSchool,
  firstSerial: number,
  schoolYear: number,
): { text: string; next: number } {
  const random = rng(firstSerial);
  const lines = ['身分證字號,姓氏在前,姓氏,名字,性別,出生年月日,年級,班級,座號'];
  let serial = firstSerial;
  for (const k of school.classes) {
    for (let seat = 1; seat <= k.size; seat++) {
      const sex = random() < 0.5 ? '1' : '2';
      // C: Keelung; seven digits from the serial, the check digit solved for (reference §11.3)
      const id = withCheckDigit(`C${sex}${String(serial++).padStart(7, '0')}`);
      const family = FAMILY[Math.floor(random() * FAMILY.length)]!;
      const given = Array.from({ length: 2 }, () => GIVEN[Math.floor(random() * GIVEN.length)]!).join('');
      const year = schoolYear + 1911 - 6 - k.grade;
      const month = 1 + Math.floor(random() * 12);
      const day = 1 + Math.floor(random() * 28);
      // half the exports write ROC dates, half Gregorian
      const birth =
        random() < 0.5
          ? `${year - 1911}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`
          : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      lines.push(
        [id, '是', family, given, sex === '1' ? '男' : '女', birth, k.grade, k.classNo, seat].join(','),
      );
    }
  }
  return { text: `${lines.join('\r\n')}\r\n`, next: serial };
}

interface PassFigures {
  seconds: number;
  parse_preview_seconds: number;
  apply_seconds: number;
  students_per_second: number;
  created: number;
  updated: number;
  unchanged: number;
  failed_classes: number;
}

export interface RosterBenchReport {
  students: number;
  classes: number;
  schools: number;
  seconds: number;
  students_per_second: number;
  first_import: PassFigures;
  next_semester_reimport: PassFigures;
  storage: { postgres: string; previews: string };
  notes: string[];
}

async function withDatabase<T>(work: (db: Db, postgres: string) => Promise<T>): Promise<T> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const dir = mkdtempSync(join(os.tmpdir(), 'edu-idp-roster-bench-'));
    const embedded = await startEmbeddedPostgres(dir);
    const db = createDb(embedded.url, EMBEDDED_POOL_MAX);
    try {
      return await work(db, 'embedded PGlite (evaluation mode; set DATABASE_URL for a server)');
    } finally {
      await db.destroy();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `edu_idp_roster_bench_${process.pid}`;
  const at = (database: string) => Object.assign(new URL(server), { pathname: `/${database}` }).toString();
  const admin = createDb(at('postgres'), 1);
  try {
    await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
    await admin.raw('CREATE DATABASE ??', [name]);
    log(`throwaway database ${name} created`);
    const db = createDb(at(name), 4);
    try {
      return await work(db, `PostgreSQL server (throwaway database ${name})`);
    } finally {
      await db.destroy();
    }
  } finally {
    await admin
      .raw('DROP DATABASE IF EXISTS ??', [name])
      .catch((err) => log(`could not drop ${name}: ${err}`));
    await admin.destroy();
  }
}

export async function runRosterBench(): Promise<RosterBenchReport> {
  const students = Number(process.env.ROSTER_BENCH_STUDENTS ?? 32752);
  if (!Number.isInteger(students) || students < 100)
    throw new Error('ROSTER_BENCH_STUDENTS must be an integer >= 100');
  const county = generateCounty(students);
  const classes = county.reduce((n, s) => n + s.classes.length, 0);
  log(`${students} students, ${classes} classes, ${county.length} schools`);

  return withDatabase(async (db, postgres) => {
    await migrateLatest(db);
    const redis = process.env.REDIS_URL ? createRedis(process.env.REDIS_URL) : undefined;
    if (redis) await redis.connect();
    try {
      const store: PayloadStore = redis ? new RedisPayloadStore(redis) : new PgPayloadStore(db);
      const box = createSecretBox(Buffer.alloc(32, 7));
      const roster = createRosterService({ db, box, store, usernameRule: '{schoolcode}s{seq:5}' });
      const [countyRow] = await db('organizations')
        .insert({ kind: 'county', code: 'KL', name: '基隆市' })
        .returning<Array<{ id: string }>>('id');
      const ids = await db('organizations')
        .insert(
          county.map((s) => ({
            kind: 'school',
            code: s.code,
            name: s.name,
            level: s.level,
            parent_id: countyRow!.id,
          })),
        )
        .returning<Array<{ id: string; code: string }>>(['id', 'code']);
      const idByCode = new Map(ids.map((r) => [r.code, r.id]));

      // the files as the schools would upload them (not part of the measurement)
      let serial = 1;
      const files = county.map((school, i) => {
        const { text, next } = schoolCsv(school, serial, 115);
        serial = next;
        // every fifth school exports Big5, as Excel on a Traditional Chinese Windows does
        return { school, file: i % 5 === 0 ? iconv.encode(text, 'big5') : Buffer.from(text, 'utf8') };
      });

      const pass = async (label: string, semester: 1 | 2): Promise<PassFigures> => {
        const uploaderId = randomUUID();
        let previewMs = 0;
        let applyMs = 0;
        const totals = { created: 0, updated: 0, unchanged: 0, failed: 0 };
        for (const [i, { school, file }] of files.entries()) {
          const target: RosterTarget = { schoolId: idByCode.get(school.code)!, schoolYear: 115, semester };
          let t0 = performance.now();
          const preview = await roster.preview({ file, filename: `${school.code}.csv`, target, uploaderId });
          previewMs += performance.now() - t0;
          if (preview.blocking)
            throw new Error(`${school.code}: ${preview.blocking} rows blocked: the generator is wrong`);
          t0 = performance.now();
          const result = await roster.apply(preview.id, uploaderId);
          applyMs += performance.now() - t0;
          await roster.discard(preview.id, uploaderId);
          totals.created += result.totals.created;
          totals.updated += result.totals.updated;
          totals.unchanged += result.totals.unchanged;
          totals.failed += result.totals.failedClasses;
          if ((i + 1) % 10 === 0)
            log(`${label}: ${i + 1}/${files.length} schools, ${((previewMs + applyMs) / 1000).toFixed(1)} s`);
        }
        const seconds = (previewMs + applyMs) / 1000;
        log(`${label}: ${students} students in ${seconds.toFixed(2)} s`);
        return {
          seconds: round(seconds),
          parse_preview_seconds: round(previewMs / 1000),
          apply_seconds: round(applyMs / 1000),
          students_per_second: Math.round(students / seconds),
          created: totals.created,
          updated: totals.updated,
          unchanged: totals.unchanged,
          failed_classes: totals.failed,
        };
      };

      const first = await pass('first import', 1);
      if (first.created !== students || first.failed_classes)
        throw new Error('first import: not every student was created');
      const again = await pass('next semester', 2);
      if (again.updated !== students || again.failed_classes)
        throw new Error('re-import: not every student was updated');
      return {
        students,
        classes,
        schools: county.length,
        seconds: first.seconds,
        students_per_second: first.students_per_second,
        first_import: first,
        next_semester_reimport: again,
        storage: { postgres, previews: redis ? 'Redis' : 'PostgreSQL (oidc_payloads)' },
        notes: [
          'seconds: the first import of the whole county, parse + preview + apply, one whole-school file after another, on one connection at a time',
          'next_semester_reimport: the same files for semester 2, every student exists and moves into the new term\u2019s class',
          'generating the files is not measured; the database is new and empty apart from the schools',
        ],
      };
    } finally {
      if (redis) await redis.quit().catch(() => undefined);
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runRosterBench().then(
    (report) => {
      process.stdout.write(
        `${JSON.stringify({ tool: 'edu-idp roster bench', date: new Date().toISOString(), ...report }, null, 2)}\n`,
      );
      process.exit(0);
    },
    (err) => {
      log(err instanceof Error ? (err.stack ?? err.message) : String(err));
      process.exit(1);
    },
  );
}
