/**
 * The fresh-machine check: `edu-idp serve` with no DATABASE_URL and no REDIS_URL starts in
 * evaluation mode (embedded Postgres under DATA_DIR), serves discovery and JWKS, stops
 * cleanly on SIGTERM, and comes back with the same keys from the same DATA_DIR.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Server {
  child: ChildProcess;
  issuer: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

/** process.env as a fresh machine has it: no database, no Redis, none of the test settings. */
function freshEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name === 'DATABASE_URL' || name === 'REDIS_URL' || name.startsWith('TEST_')) delete env[name];
  }
  // jest's --experimental-vm-modules is not what `npm start` runs with
  delete env.NODE_OPTIONS;
  return { ...env, ...extra };
}

async function start(dataDir: string): Promise<Server> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/edu-idp.js', 'serve'], {
    cwd: ROOT,
    env: freshEnv({ DATA_DIR: dataDir, PORT: String(port), ISSUER: issuer, LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('exit', (code, signal) => r({ code, signal })),
  );
  servers.push(child);
  return { child, issuer, output: () => output, exited };
}

/** Polls discovery until it answers 200; fails early if the process dies. */
async function waitForDiscovery(server: Server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let exit: { code: number | null } | undefined;
  void server.exited.then((e) => {
    exit = e;
  });
  while (Date.now() < deadline) {
    if (exit) throw new Error(`edu-idp exited with ${exit.code} before serving:\n${server.output()}`);
    try {
      const res = await fetch(`${server.issuer}/.well-known/openid-configuration`);
      if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`edu-idp did not serve discovery within ${timeoutMs} ms:\n${server.output()}`);
}

async function stop(server: Server, timeoutMs = 20_000) {
  server.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), timeoutMs);
  });
  const result = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  return result;
}

/** pino lines at error or fatal level */
const errorLogs = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string })
    .filter((l) => l.level >= 50);

async function jwks(issuer: string) {
  const res = await fetch(`${issuer}/oidc/v1/jwksets`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: Array<Record<string, unknown>> }).keys;
}

const servers: ChildProcess[] = [];
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'edu-idp-fresh-'));
});

afterAll(() => {
  // a failed assertion must not leave a server running
  for (const child of servers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('edu-idp serve on a fresh machine (evaluation mode)', () => {
  it('serves discovery and JWKS, stops on SIGTERM, and restarts with the same keys', async () => {
    const first = await start(dataDir);
    const discovery = await waitForDiscovery(first);
    const { issuer } = first;
    expect(discovery).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/oidc/v1/azp`,
      token_endpoint: `${issuer}/oidc/v1/token`,
      jwks_uri: `${issuer}/oidc/v1/jwksets`,
    });
    expect(first.output()).toContain('EVALUATION MODE');

    const keys = await jwks(issuer);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    // only public parts are published
    expect(keys[0]).not.toHaveProperty('d');
    const kid = keys[0]!.kid;

    expect(await stop(first)).toEqual({ code: 0, signal: null });
    expect(errorLogs(first.output())).toEqual([]);
    // the generated secrets are kept for the restart, readable by the owner only
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const second = await start(dataDir);
    const again = await waitForDiscovery(second);
    expect(again).toMatchObject({
      issuer: second.issuer,
      authorization_endpoint: `${second.issuer}/oidc/v1/azp`,
      jwks_uri: `${second.issuer}/oidc/v1/jwksets`,
    });
    expect((await jwks(second.issuer))[0]).toMatchObject({ kid, alg: 'RS256' });
    expect(await stop(second)).toEqual({ code: 0, signal: null });
    expect(errorLogs(second.output())).toEqual([]);
  }, 120_000);
});
