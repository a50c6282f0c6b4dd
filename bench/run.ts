/**
 * npm run bench: throughput and latency of edu-idp over HTTP, on loopback only.
 *
 *   login_consent      authorize → login page → POST password → consent page → POST allow → code
 *                      → token → userinfo, a fresh cookie jar (a new browser session) every time,
 *                      third-party client with prompt=consent so the consent page is always shown
 *   login_first_party  the same with a first-party client: no consent page
 *   client_credentials one client_credentials grant per operation
 *   refresh_token      refresh_token grants; rotation: each worker refreshes with the token the
 *                      previous refresh returned (one chain per worker)
 *   roster_import      not over HTTP: bench/roster.ts, a Keelung-sized student roster (32,752
 *                      students, 70 schools) through parse + preview + apply, on a throwaway
 *                      database of the DATABASE_URL server (embedded PGlite without one); run
 *                      first, before the server starts. Alone: BENCH_SCENARIOS=roster_import
 *   login_records      not over HTTP: bench/login-records.ts, p50/p95/p99 of the admin login-record
 *                      queries and the portal's 紀錄 page on the history in BENCH_DATABASE_URL (50M
 *                      records from `npm run bench:generate`); skipped, saying how to generate
 *                      it, when BENCH_DATABASE_URL is unset. Alone: BENCH_SCENARIOS=login_records
 *
 * Prints ONE JSON object to stdout; progress goes to stderr.
 *
 * Environment:
 *   BENCH_ISSUER       an already running instance (http://127.0.0.1:PORT). Its database must hold
 *                      bench/fixtures.json: `node bin/edu-idp.js import bench/fixtures.json` with the
 *                      server's environment. Unset: this script migrates (evaluation mode only),
 *                      imports the fixtures and starts `node bin/edu-idp.js serve` itself, with the
 *                      current environment (DATABASE_URL, REDIS_URL, ARGON2_*, ...) on a free port,
 *                      HOST=127.0.0.1, LOG_LEVEL=warn unless set, and a temporary DATA_DIR unless set.
 *   BENCH_SECONDS      per scenario (default 10)
 *   BENCH_CONCURRENCY  workers per scenario (default 8)
 *   BENCH_WARMUP_SECONDS  unmeasured load before each scenario (default 2)
 *   BENCH_MAX_OPS      upper bound of operations per scenario and phase (default 100000)
 *   BENCH_SCENARIOS    comma list to run a subset (default all six)
 *   ROSTER_BENCH_STUDENTS  students of roster_import (default 32752)
 *   BENCH_DATABASE_URL     the generated login history of login_records (LOGIN_BENCH_ITERATIONS,
 *                      default 200 queries per query kind)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import * as oidc from 'openid-client';
import { csrfFrom, formActionFrom, HttpAgent } from '../test/helpers/http-agent.js';
import { type LoginRecordsBenchReport, runLoginRecordsBench, type SkippedBench } from './login-records.js';
import { type RosterBenchReport, runRosterBench } from './roster.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'edu-idp.js');
const FIXTURES = join(ROOT, 'bench', 'fixtures.json');
const REDIRECT_URI = 'http://127.0.0.1:9/cb';
const SCOPE = 'openid profile email';
const OP_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 180_000;
const SCENARIOS = [
  'login_consent',
  'login_first_party',
  'client_credentials',
  'refresh_token',
  'roster_import',
  'login_records',
] as const;
type ScenarioName = (typeof SCENARIOS)[number];

interface Fixtures {
  clients: { client_id: string; client_secret: string; first_party?: boolean }[];
  users: { username: string; password: string }[];
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return n;
}

/** Same names and defaults as src/config.ts; only meaningful when the server shares this environment. */
function argon2FromEnv() {
  return {
    memoryCost_kib: intEnv('ARGON2_MEMORY_KIB', 19456, 1024),
    timeCost: intEnv('ARGON2_TIME_COST', 2),
    parallelism: intEnv('ARGON2_PARALLELISM', 1),
  };
}

/** Median time of one argon2id verify with these parameters on this machine, one at a time. */
async function argon2VerifyMs(p: ReturnType<typeof argon2FromEnv>): Promise<number> {
  const hash = await argon2.hash('bench passphrase', {
    type: argon2.argon2id,
    memoryCost: p.memoryCost_kib,
    timeCost: p.timeCost,
    parallelism: p.parallelism,
  });
  await argon2.verify(hash, 'bench passphrase'); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await argon2.verify(hash, 'bench passphrase');
    times.push(performance.now() - t0);
  }
  return round(times.sort((a, b) => a - b)[3]!);
}

function assertLoopback(issuer: string): void {
  const { hostname, protocol } = new URL(issuer);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname) || !/^https?:$/.test(protocol)) {
    throw new Error(`BENCH_ISSUER must be a loopback URL (http://127.0.0.1:PORT), got ${issuer}`);
  }
  if (issuer.endsWith('/')) throw new Error('BENCH_ISSUER must not end with a slash (the issuer is exact)');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs the CLI to completion; its stdout and stderr go to our stderr so stdout stays JSON. */
async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 2, 2] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`edu-idp ${args.join(' ')} exited with ${code}`);
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

interface Target {
  issuer: string;
  mode: string;
  storage: { postgres: string; redis: boolean } | 'unknown (external instance)';
  serverLog?: string;
  stop(): Promise<void>;
}

async function startOwnServer(): Promise<Target> {
  const embedded = !process.env.DATABASE_URL;
  const redis = Boolean(process.env.REDIS_URL);
  const mode = embedded
    ? `self-started, evaluation mode (embedded PGlite${redis ? ', Redis' : ', sessions in PGlite'})`
    : `self-started, PostgreSQL${redis ? ' + Redis' : ' (sessions in PostgreSQL)'}`;
  const tempDir = process.env.DATA_DIR ? undefined : mkdtempSync(join(os.tmpdir(), 'edu-idp-bench-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ISSUER: issuer,
    ...(tempDir ? { DATA_DIR: tempDir } : {}),
    // per-request access logs at info would be part of the measurement; LOG_LEVEL=info to include them
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  log(`mode: ${mode}`);
  log(`DATA_DIR=${env.DATA_DIR}${tempDir ? ' (temporary, removed at the end)' : ''}`);
  try {
    if (embedded) {
      log('DATABASE_URL is not set: evaluation mode; migrating the embedded database');
      await runCli(['migrate'], env);
    } else {
      log('DATABASE_URL is set: the schema must be migrated already (node bin/edu-idp.js migrate)');
    }
    log(`importing ${FIXTURES}`);
    await runCli(['import', FIXTURES], env);
  } catch (err) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }

  const serverLog = join(os.tmpdir(), `edu-idp-bench-server-${process.pid}.log`);
  const fd = openSync(serverLog, 'w');
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  log(`server pid ${child.pid} on ${issuer}, log ${serverLog}`);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      resolve();
    }),
  );

  const stop = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killed = await Promise.race([
        exit.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 20_000).unref()),
      ]);
      if (!killed) {
        log('server did not stop within 20 s: SIGKILL');
        child.kill('SIGKILL');
        await exit;
      }
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };

  const started = Date.now();
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`server exited with ${exited} before it was ready:\n${tail(serverLog)}`);
    }
    if (Date.now() - started > READY_TIMEOUT_MS) {
      await stop();
      throw new Error(`server not ready after ${READY_TIMEOUT_MS / 1000} s:\n${tail(serverLog)}`);
    }
    try {
      const res = await fetch(`${issuer}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    issuer,
    mode,
    storage: { postgres: embedded ? 'embedded PGlite (pool of 1)' : 'PostgreSQL server', redis },
    serverLog,
    stop,
  };
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`operation timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- protocol operations

interface Rp {
  clientId: string;
  config: oidc.Configuration;
  consent: boolean;
}

async function discover(issuer: string, clientId: string, secret: string, consent: boolean): Promise<Rp> {
  const config = await oidc.discovery(new URL(issuer), clientId, secret, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
  return { clientId, config, consent };
}

type Steps = Record<string, number>;

/** HttpAgent that counts the HTTP requests of one login (follow() goes through request()). */
class CountingAgent extends HttpAgent {
  requests = 0;
  override request(...args: Parameters<HttpAgent['request']>) {
    this.requests++;
    return super.request(...args);
  }
}

/** One full browser login: returns the tokens and the time each step took. */
async function codeFlow(issuer: string, rp: Rp, user: { username: string; password: string }) {
  const steps: Steps = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    steps[name] = now - mark;
    mark = now;
  };
  const agent = new CountingAgent(issuer); // a fresh cookie jar: a new browser session
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    // a consent remembered from an earlier session would skip the page; ask for it every time
    ...(rp.consent ? { prompt: 'consent' } : {}),
  });

  let res = await agent.follow(url.href);
  if (res.status !== 200 || !res.body.includes('/password')) {
    throw new Error(`authorize: expected the login page, got ${res.status} ${res.body.slice(0, 200)}`);
  }
  lap('authorize');
  res = await agent.follow(formActionFrom(res.body, '/password'), {
    form: { username: user.username, password: user.password, csrf: csrfFrom(res.body) },
  });
  lap('login');
  if (rp.consent) {
    if (res.status !== 200 || !res.body.includes('/consent')) {
      throw new Error(`login: expected the consent page, got ${res.status} ${res.body.slice(0, 200)}`);
    }
    res = await agent.follow(formActionFrom(res.body, '/consent'), {
      form: { decision: 'allow', csrf: csrfFrom(res.body) },
    });
    lap('consent');
  }
  if (!res.location?.startsWith(`${REDIRECT_URI}?`)) {
    throw new Error(`flow did not reach the RP redirect: ${res.status} ${res.body.slice(0, 200)}`);
  }
  // the redirect to the RP is never followed: the code is read from the Location header
  const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(res.location), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  lap('token');
  const sub = tokens.claims()?.sub;
  if (!sub) throw new Error('token response without an ID token sub');
  await oidc.fetchUserInfo(rp.config, tokens.access_token, sub);
  lap('userinfo');
  // browser requests + token + userinfo
  return { tokens, steps, requests: agent.requests + 2 };
}

// ---------------------------------------------------------------- measurement

interface Result {
  count: number;
  errors: number;
  duration_s: number;
  concurrency: number;
  per_second: number;
  latency_ms: { p50: number; p90: number; p99: number; mean: number; max: number } | null;
  steps_ms?: Record<string, { p50: number; p99: number }>;
  error_samples?: Record<string, number>;
  [extra: string]: unknown;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function summarize(values: number[]) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    max: round(sorted[sorted.length - 1]!),
  };
}

interface Worker<S> {
  /** before the clock starts */
  init(index: number): Promise<S>;
  /** one measured operation; may return a per-step breakdown */
  op(state: S): Promise<Steps | undefined>;
  /** after a failed operation, outside the latency figures (still inside the wall clock) */
  recover?(state: S): Promise<void>;
}

async function measure<S>(
  name: string,
  opts: { seconds: number; warmupSeconds: number; concurrency: number; maxOps: number },
  worker: Worker<S>,
): Promise<Result> {
  log(`${name}: preparing ${opts.concurrency} workers`);
  const states = await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => worker.init(i)));
  const latencies: number[] = [];
  const steps = new Map<string, number[]>();
  const errorSamples = new Map<string, number>();
  let errors = 0;
  let issued = 0;

  /** Every worker loops until the deadline or until maxOps operations were started. */
  const drive = (deadline: number, record: boolean) =>
    Promise.all(
      states.map(async (state) => {
        while (performance.now() < deadline && issued < opts.maxOps) {
          issued++;
          const t0 = performance.now();
          try {
            const s = await withTimeout(worker.op(state), OP_TIMEOUT_MS);
            if (!record) continue;
            latencies.push(performance.now() - t0);
            for (const [step, ms] of Object.entries(s ?? {})) {
              const list = steps.get(step) ?? [];
              list.push(ms);
              steps.set(step, list);
            }
          } catch (err) {
            const message = (err instanceof Error ? err.message : String(err)).slice(0, 200);
            if (record) {
              errors++;
              if (errorSamples.size < 5 || errorSamples.has(message)) {
                errorSamples.set(message, (errorSamples.get(message) ?? 0) + 1);
              }
              if (errors === 1) log(`${name}: first error: ${message}`);
            } else {
              log(`${name}: warm-up error: ${message}`);
            }
            if (worker.recover) {
              try {
                await withTimeout(worker.recover(state), OP_TIMEOUT_MS);
              } catch (e) {
                log(`${name}: recovery failed: ${e instanceof Error ? e.message : e}`);
                await new Promise((r) => setTimeout(r, 500));
              }
            }
          }
        }
      }),
    );

  if (opts.warmupSeconds > 0) {
    log(`${name}: warming up for ${opts.warmupSeconds} s (not measured)`);
    await drive(performance.now() + opts.warmupSeconds * 1000, false);
    issued = 0;
  }
  const started = performance.now();
  const progress = setInterval(
    () =>
      log(
        `${name}: ${latencies.length} ok, ${errors} errors, ${((performance.now() - started) / 1000).toFixed(0)} s`,
      ),
    2000,
  );
  try {
    await drive(started + opts.seconds * 1000, true);
  } finally {
    clearInterval(progress);
  }
  const duration = (performance.now() - started) / 1000;
  const result: Result = {
    count: latencies.length,
    errors,
    duration_s: round(duration, 2),
    concurrency: opts.concurrency,
    per_second: round(latencies.length / duration, 1),
    latency_ms: summarize(latencies),
  };
  if (steps.size) {
    result.steps_ms = Object.fromEntries(
      [...steps].map(([step, values]) => {
        const s = summarize(values)!;
        return [step, { p50: s.p50, p99: s.p99 }];
      }),
    );
  }
  if (errorSamples.size) result.error_samples = Object.fromEntries(errorSamples);
  log(
    `${name}: ${result.count} in ${result.duration_s} s = ${result.per_second}/s, p50 ${result.latency_ms?.p50} ms, p99 ${result.latency_ms?.p99} ms, ${errors} errors`,
  );
  return result;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const seconds = intEnv('BENCH_SECONDS', 10);
  const concurrency = intEnv('BENCH_CONCURRENCY', 8);
  const maxOps = intEnv('BENCH_MAX_OPS', 100_000);
  const warmupSeconds = intEnv('BENCH_WARMUP_SECONDS', 2, 0);
  const wanted = (process.env.BENCH_SCENARIOS ?? SCENARIOS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of wanted) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new Error(`BENCH_SCENARIOS: unknown scenario ${s} (known: ${SCENARIOS.join(', ')})`);
    }
  }
  // the roster import runs in this process against its own database, before any server load
  let roster: RosterBenchReport | undefined;
  if (wanted.includes('roster_import')) {
    log('roster_import: bench/roster.ts');
    roster = await runRosterBench();
    log(`roster_import: ${roster.students} students in ${roster.seconds} s`);
  }
  // so do the login-record queries, on the generated history of BENCH_DATABASE_URL
  let loginRecords: LoginRecordsBenchReport | SkippedBench | undefined;
  if (wanted.includes('login_records')) {
    log('login_records: bench/login-records.ts');
    loginRecords = await runLoginRecordsBench();
    if ('skipped' in loginRecords) log(`login_records: skipped: ${loginRecords.skipped}`);
  }
  const inProcess = {
    ...(roster ? { roster_import: roster } : {}),
    ...(loginRecords ? { login_records: loginRecords } : {}),
  };
  if (wanted.every((s) => s === 'roster_import' || s === 'login_records')) {
    process.stdout.write(
      `${JSON.stringify({ tool: 'edu-idp bench', date: new Date().toISOString(), scenarios: inProcess }, null, 2)}\n`,
    );
    return;
  }
  const fixtures = JSON.parse(readFileSync(FIXTURES, 'utf8')) as Fixtures;
  const fixture = (id: string) => {
    const c = fixtures.clients.find((x) => x.client_id === id);
    if (!c) throw new Error(`${FIXTURES} has no client ${id}`);
    return c;
  };
  const user = fixtures.users[0]!;
  const argon2Params = argon2FromEnv();
  const verifyMs = await argon2VerifyMs(argon2Params);
  log(`one argon2id verify takes ${verifyMs} ms here (median of 7, nothing else running in this process)`);
  const notes: string[] = [];
  // the bench shares the CPUs with whatever else runs: the 1-minute load average says how much
  const loadBefore = os.loadavg()[0] ?? 0;

  let target: Target;
  const external = process.env.BENCH_ISSUER;
  if (external) {
    assertLoopback(external);
    const note =
      'BENCH_ISSUER: external instance; its database must hold bench/fixtures.json (run `node bin/edu-idp.js import bench/fixtures.json` with the server environment); argon2 figures are this shell’s ARGON2_* and may differ from the server’s';
    log(note);
    notes.push(note);
    target = {
      issuer: external,
      mode: 'external (BENCH_ISSUER)',
      storage: 'unknown (external instance)',
      stop: async () => undefined,
    };
  } else {
    target = await startOwnServer();
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    void target.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const { issuer } = target;
    const third = fixture('bench-rp');
    const first = fixture('bench-rp-first-party');
    let rp: Rp;
    let firstParty: Rp;
    let requestsPerLogin: { consent: number; firstParty: number };
    try {
      rp = await discover(issuer, third.client_id, third.client_secret, true);
      firstParty = await discover(issuer, first.client_id, first.client_secret, false);
      // one sequential pass checks the fixtures before anything is timed
      const withConsent = await codeFlow(issuer, rp, user);
      const withoutConsent = await codeFlow(issuer, firstParty, user);
      requestsPerLogin = { consent: withConsent.requests, firstParty: withoutConsent.requests };
    } catch (err) {
      throw new Error(
        `sanity login against ${issuer} failed (are the bench fixtures imported into this instance's database?): ${
          err instanceof Error ? err.message : err
        }`,
      );
    }
    const opts = { seconds, warmupSeconds, concurrency, maxOps };
    const scenarios: Partial<Record<ScenarioName, Result>> = {};

    if (wanted.includes('login_consent')) {
      scenarios.login_consent = await measure('login_consent', opts, {
        init: async () => undefined,
        op: async () => (await codeFlow(issuer, rp, user)).steps,
      });
      scenarios.login_consent.flow =
        'GET authorize → login page, POST password → consent page, POST allow → code, token, userinfo';
      scenarios.login_consent.http_requests_per_login = requestsPerLogin.consent;
    }
    if (wanted.includes('login_first_party')) {
      scenarios.login_first_party = await measure('login_first_party', opts, {
        init: async () => undefined,
        op: async () => (await codeFlow(issuer, firstParty, user)).steps,
      });
      scenarios.login_first_party.flow =
        'GET authorize → login page, POST password → code (no consent page), token, userinfo';
      scenarios.login_first_party.http_requests_per_login = requestsPerLogin.firstParty;
    }
    if (wanted.includes('client_credentials')) {
      scenarios.client_credentials = await measure('client_credentials', opts, {
        init: async () => undefined,
        op: async () => {
          const tokens = await oidc.clientCredentialsGrant(rp.config);
          if (!tokens.access_token) throw new Error('no access_token');
          return undefined;
        },
      });
    }
    if (wanted.includes('refresh_token')) {
      const newChain = async () => {
        const { tokens } = await codeFlow(issuer, rp, user);
        if (!tokens.refresh_token) throw new Error('the code grant returned no refresh_token');
        return { refreshToken: tokens.refresh_token, rotations: 0 };
      };
      let chains: { refreshToken: string; rotations: number }[] = [];
      scenarios.refresh_token = await measure('refresh_token', opts, {
        init: async () => {
          const chain = await newChain();
          chains.push(chain);
          return chain;
        },
        op: async (chain) => {
          const tokens = await oidc.refreshTokenGrant(rp.config, chain.refreshToken);
          if (!tokens.refresh_token || tokens.refresh_token === chain.refreshToken) {
            throw new Error('refresh did not rotate the refresh token');
          }
          chain.refreshToken = tokens.refresh_token;
          chain.rotations++;
          return undefined;
        },
        recover: async (chain) => {
          Object.assign(chain, await newChain());
        },
      });
      scenarios.refresh_token.chains = chains.length;
      scenarios.refresh_token.longest_chain = Math.max(0, ...chains.map((c) => c.rotations));
      chains = [];
    }

    notes.push(
      'latency is per operation as the client sees it; a login operation is every HTTP request of http_requests_per_login (redirects followed by the test user agent, token and userinfo included)',
      'login_consent sends prompt=consent so the consent page is shown on every login (a remembered consent would skip it); login_first_party is also what a returning user of a third-party client costs',
      'the password check (argon2id, parameters in "argon2"; verify_ms_single is one verify measured alone in this process before the run) is the costliest step of a login in CPU; hashes run on the libuv thread pool (UV_THREADPOOL_SIZE, default 4), so logins per second cannot exceed nproc × 1000 / verify_ms_single',
      'client and server share this machine: the openid-client side (PKCE, ID token validation) takes CPU from the server',
      target.serverLog
        ? `server LOG_LEVEL=${process.env.LOG_LEVEL ?? 'warn (set LOG_LEVEL=info to include access-log cost)'}`
        : 'server log level: as configured on the external instance',
    );

    const cpus = os.cpus();
    const report = {
      tool: 'edu-idp bench',
      date: new Date().toISOString(),
      target: { issuer, mode: target.mode, storage: target.storage },
      machine: {
        nproc: os.availableParallelism(),
        cpu: cpus[0]?.model ?? 'unknown',
        memory_gib: round(os.totalmem() / 2 ** 30, 1),
        node: process.version,
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        loadavg_1m: { before: round(loadBefore, 2), after: round(os.loadavg()[0] ?? 0, 2) },
      },
      config: { seconds, warmup_seconds: warmupSeconds, concurrency, max_ops_per_scenario: maxOps },
      argon2: { algorithm: 'argon2id', ...argon2Params, verify_ms_single: verifyMs },
      scenarios: { ...scenarios, ...inProcess },
      server_log: undefined as { path: string; warn: number; error: number } | undefined,
      notes,
    };
    if (target.serverLog) log('stopping the server');
    stopping = true;
    await target.stop();
    if (target.serverLog) report.server_log = { path: target.serverLog, ...countLogLevels(target.serverLog) };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    if (!stopping) {
      if (target.serverLog) log('stopping the server');
      await target.stop();
    }
  }
}

/** pino levels: 40 warn, 50 error, 60 fatal */
function countLogLevels(file: string): { warn: number; error: number } {
  let warn = 0;
  let error = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level === '40') warn++;
    else if (level === '50' || level === '60') error++;
  }
  return { warn, error };
}

main().then(
  () => process.exit(0),
  (err) => {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
