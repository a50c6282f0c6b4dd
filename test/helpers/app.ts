/**
 * The real app on real Postgres and Redis, listening on an ephemeral port, with a cheap
 * argon2 cost so the suite stays fast. Each test file gets its own instance and empties the
 * stores in beforeEach (resetStores).
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import { loadConfig } from '../../src/config.js';
import { createLogger, createRuntime, type Runtime, type SettledConfig } from '../../src/runtime.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js';

export interface TestInstance {
  runtime: Runtime;
  issuer: string;
  server: Server;
  close(): Promise<void>;
}

const TEST_KEY_ENCRYPTION_KEY = createHash('sha256')
  .update('edu-idp test key-encryption key')
  .digest('base64');

export function testConfig(issuer: string, env: Record<string, string> = {}): SettledConfig {
  const config = loadConfig({
    ISSUER: issuer,
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    COOKIE_KEYS: randomBytes(32).toString('base64url'),
    // one key for the whole run: the signing keys in the shared test database outlive an instance
    KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY,
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    DATA_DIR: env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'edu-idp-test-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    LOGIN_RECORD_FLUSH_MS: '20',
    // admin tests exercise the console, not the second factor; test/interactions/step-up.test.ts
    // covers the default (it passes ADMIN_REQUIRED_ACR: '', which loadConfig treats as unset)
    ADMIN_REQUIRED_ACR: 'urn:edu-idp:acr:password',
    ...env,
  });
  return config as SettledConfig;
}

/**
 * @param opts.host the issuer's host name: 127.0.0.1 by default; 'localhost' where a browser
 *   needs a domain (a WebAuthn RP ID cannot be an IP address). The server listens on 127.0.0.1.
 */
export async function startTestInstance(
  env: Record<string, string> = {},
  opts: { host?: '127.0.0.1' | 'localhost' } = {},
): Promise<TestInstance> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const config = testConfig(issuer, env);
  const runtime = await createRuntime(config, createLogger(config));
  server.on('request', runtime.app.callback());
  return {
    runtime,
    issuer,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

const TABLES = [
  'accounts',
  'clients',
  'oidc_payloads',
  'login_records',
  'session_events',
  'organizations',
  'school_classes',
  'account_titles',
  'class_members',
  'class_teachers',
  'role_assignments',
  'account_applications',
  'school_transfers',
  'ip_ranges',
  'account_tokens',
  'audit_log',
  'credentials',
  'pass_one_codes',
  'login_policies',
  'services',
  'service_activations',
];

/** Empties every table but the signing keys, and the test Redis database. */
export async function resetStores(runtime: Runtime): Promise<void> {
  await runtime.writer.flush().catch(() => undefined);
  await runtime.db.raw(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY CASCADE`);
  await runtime.redis?.flushdb();
}

/**
 * One instance per test file: started before the first test, stores emptied before each,
 * closed after the last. Hooks a file registers later run after these.
 */
export function useTestInstance(env: Record<string, string> = {}): TestInstance {
  const holder = {} as TestInstance;
  beforeAll(async () => {
    Object.assign(holder, await startTestInstance(env));
  });
  afterAll(async () => {
    await holder.close?.();
  });
  beforeEach(async () => {
    await resetStores(holder.runtime);
  });
  return holder;
}
