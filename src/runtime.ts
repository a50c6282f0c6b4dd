/**
 * The composition root: connects the stores, builds the services, the provider and the
 * Koa app from a settled configuration. main.ts (npm start), the CLI and the tests use it.
 */
import { join } from 'node:path';
import type Koa from 'koa';
import pino, { type Logger } from 'pino';
import { ensureHistoryPartitions } from './adapters/db/history.js';
import { createDb, type Db, pingDb } from './adapters/db.js';
import { createAdapterClass } from './adapters/oidc/adapter.js';
import type { PayloadStore } from './adapters/oidc/payload-store.js';
import { PgPayloadStore } from './adapters/oidc/pg-payload-store.js';
import { RedisPayloadStore } from './adapters/oidc/redis-payload-store.js';
import { createRecordWriter, type RecordWriter } from './adapters/record-writer.js';
import { createRedis, pingRedis, type RedisClient } from './adapters/redis.js';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { recordResumedLogin } from './interactions/finish.js';
import { acrValues } from './interactions/methods/index.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './interactions/provider-pages.js';
import { createInteractionStateStore } from './interactions/state.js';
import { createProvider } from './provider/create-provider.js';
import { createFindAccount } from './provider/find-account.js';
import { createProviderHolder, type ProviderHolder } from './provider/provider-holder.js';
import { type AccountService, createAccountService } from './services/accounts.js';
import { type ClientService, createClientService } from './services/clients.js';
import { type ConsentService, createConsentService } from './services/consents.js';
import {
  createLoginHistory,
  createLoginRecorder,
  type LoginHistory,
  type LoginRecorder,
} from './services/login-records.js';
import { createPasswordHasher, type PasswordHasher } from './services/passwords.js';
import { createSecretBox, type SecretBox } from './services/secret-box.js';
import { ensureSigningKey, loadKeyset } from './services/signing-keys.js';

/** A Config whose secrets are present (main.ts generates them in evaluation mode). */
export type SettledConfig = Config & {
  cookieKeys: readonly string[];
  keyEncryptionKey: Buffer;
  databaseUrl: string;
};

export interface Runtime {
  config: SettledConfig;
  log: Logger;
  db: Db;
  redis: RedisClient | undefined;
  box: SecretBox;
  hasher: PasswordHasher;
  accounts: AccountService;
  clients: ClientService;
  consents: ConsentService;
  history: LoginHistory;
  writer: RecordWriter;
  recorder: LoginRecorder;
  shortLived: PayloadStore;
  durable: PgPayloadStore;
  holder: ProviderHolder;
  app: Koa;
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'edu-idp' } });
}

/** Stores and services, no provider and no app: what the CLI needs. */
export async function createServices(config: SettledConfig, log = createLogger(config)) {
  const db = createDb(config.databaseUrl, config.databasePoolMax);
  const redis = config.redisUrl ? createRedis(config.redisUrl) : undefined;
  if (redis) await redis.connect();
  const durable = new PgPayloadStore(db);
  const shortLived: PayloadStore = redis ? new RedisPayloadStore(redis) : durable;
  const box = createSecretBox(config.keyEncryptionKey);
  const hasher = await createPasswordHasher(config.argon2);
  return {
    log,
    db,
    redis,
    durable,
    shortLived,
    box,
    hasher,
    accounts: createAccountService(db, hasher),
    clients: createClientService(db, box),
    consents: createConsentService(durable, shortLived),
    history: createLoginHistory(db),
    async close() {
      if (redis) await redis.quit().catch(() => undefined);
      await db.destroy();
    },
  };
}

export async function createRuntime(config: SettledConfig, log = createLogger(config)): Promise<Runtime> {
  const services = await createServices(config, log);
  const { db, redis, durable, shortLived, box, accounts, clients } = services;

  await ensureHistoryPartitions(db);
  const writer = createRecordWriter(db, {
    spoolDir: join(config.dataDir, 'spool'),
    flushMs: config.loginRecordFlushMs,
    onError: (err, pending) => log.warn({ err, pending }, 'login records not yet written; kept in the spool'),
  });
  const recorder = createLoginRecorder(writer);
  const state = createInteractionStateStore(shortLived);

  await ensureSigningKey(db, box);
  const Adapter = createAdapterClass({
    shortLived,
    durable,
    loadClient: async (id) => (await clients.loadClientMetadata(id)) as never,
  });
  const holder = await createProviderHolder({
    loadKeyset: () => loadKeyset(db, box),
    intervalMs: config.keyRefreshInterval * 1000,
    onError: (err) => log.error({ err }, 'signing key refresh failed'),
    onSwap: (k) => log.info({ signingKid: k.signingKid }, 'signing keys changed'),
    build: (keyset) =>
      createProvider(config, {
        adapter: Adapter,
        findAccount: createFindAccount(accounts),
        jwks: keyset.jwks,
        cookieKeys: config.cookieKeys,
        acrValues,
        findRememberedGrantId: async (accountId, clientId) =>
          (await durable.findGrants(accountId, clientId))[0]?.id,
        logoutSource,
        postLogoutSuccessSource,
        renderError,
        clients,
        recorder,
        onLoginResumed: (ctx) => recordResumedLogin(recorder, ctx),
        onError: (err, where) => log.error({ err, where }, 'provider error'),
      }),
  });

  const app = createApp({
    config,
    log,
    holder,
    accounts,
    recorder,
    state,
    checkReady: async () => {
      await Promise.all([pingDb(db), redis ? pingRedis(redis) : undefined]);
    },
  });

  const timers = [
    setInterval(
      () => void durable.deleteExpired().catch((err) => log.warn({ err }, 'expired payload cleanup failed')),
      10 * 60_000,
    ),
    setInterval(
      () =>
        void ensureHistoryPartitions(db).catch((err) => log.error({ err }, 'partition maintenance failed')),
      24 * 3600_000,
    ),
  ];
  for (const t of timers) t.unref();

  return {
    ...services,
    config,
    writer,
    recorder,
    holder,
    app,
    async close() {
      for (const t of timers) clearInterval(t);
      holder.stop();
      await writer.close();
      await services.close();
    },
  };
}
