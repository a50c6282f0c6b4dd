/**
 * npm start / edu-idp serve: loadConfig → settle secrets and storage → runtime → listen;
 * graceful shutdown drains requests and login records before the pools close.
 */
import { createServer } from 'node:http';
import { createDb, migrateLatest, pendingMigrations } from './adapters/db.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, createRuntime } from './runtime.js';
import { settleConfig } from './settle.js';

export async function serve(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config);
  const settled = await settleConfig(config);
  if (settled.evaluation) {
    log.warn(
      { dataDir: config.dataDir, redis: Boolean(config.redisUrl) },
      'EVALUATION MODE: DATABASE_URL is not set, using an embedded Postgres under DATA_DIR' +
        (config.redisUrl ? '' : ' and keeping sessions in it (REDIS_URL is not set)') +
        '. Not for production.',
    );
  }

  const migrator = createDb(settled.config.databaseUrl, 1);
  try {
    if (settled.evaluation) {
      await migrateLatest(migrator);
    } else {
      const pending = await pendingMigrations(migrator);
      if (pending.length) {
        log.fatal({ pending }, 'the database schema is behind: run `edu-idp migrate` first');
        process.exit(1);
      }
    }
  } finally {
    await migrator.destroy();
  }

  const runtime = await createRuntime(settled.config, log);
  const server = createServer(runtime.app.callback());
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  log.info({ issuer: config.issuer, address }, 'edu-idp listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // requests in flight get 10 s to finish
    await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
    server.closeAllConnections();
    await runtime.close();
    await settled.stopEmbedded?.();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
