/**
 * Turns a validated Config into a SettledConfig. With DATABASE_URL set the operator's
 * secrets are used (config.ts requires them). Without it we are in evaluation mode: an
 * embedded Postgres under DATA_DIR, and secrets generated once into DATA_DIR/secrets.json
 * (mode 0600) so sessions and keys survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EMBEDDED_POOL_MAX, startEmbeddedPostgres } from './adapters/embedded-postgres.js';
import type { Config } from './config.js';
import type { SettledConfig } from './runtime.js';

export interface Settled {
  config: SettledConfig;
  evaluation: boolean;
  stopEmbedded?: () => Promise<void>;
}

function evaluationSecrets(dataDir: string): { cookieKeys: string[]; keyEncryptionKey: Buffer } {
  const file = join(dataDir, 'secrets.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const fresh = {
      cookieKeys: [randomBytes(32).toString('base64url')],
      keyEncryptionKey: randomBytes(32).toString('base64url'),
    };
    writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { cookieKeys: string[]; keyEncryptionKey: string };
  return {
    cookieKeys: stored.cookieKeys,
    keyEncryptionKey: Buffer.from(stored.keyEncryptionKey, 'base64url'),
  };
}

export async function settleConfig(config: Config): Promise<Settled> {
  if (config.databaseUrl && config.cookieKeys && config.keyEncryptionKey) {
    return {
      evaluation: false,
      config: {
        ...config,
        databaseUrl: config.databaseUrl,
        cookieKeys: config.cookieKeys,
        keyEncryptionKey: config.keyEncryptionKey,
      },
    };
  }
  const dataDir = resolve(config.dataDir);
  const secrets = evaluationSecrets(dataDir);
  const embedded = await startEmbeddedPostgres(join(dataDir, 'postgres'));
  return {
    evaluation: true,
    stopEmbedded: embedded.stop,
    config: {
      ...config,
      databaseUrl: embedded.url,
      databasePoolMax: EMBEDDED_POOL_MAX,
      cookieKeys: config.cookieKeys ?? secrets.cookieKeys,
      keyEncryptionKey: config.keyEncryptionKey ?? secrets.keyEncryptionKey,
    },
  };
}
