/**
 * Embedded Postgres for evaluation installs without DATABASE_URL: PGlite (Postgres compiled to
 * WASM, in-process) behind pglite-socket's wire-protocol server, so the rest of the code keeps
 * talking to it through knex + pg exactly as it talks to a real server.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Pool size to use against the embedded server. PGlite is one backend session; pglite-socket
 * multiplexes connections onto it one protocol message at a time, so a message that arrives in
 * two TCP reads (a bind over 64 KiB: a large jsonb payload) lets another connection's Parse slip
 * in between, and the Bind then runs against the wrong statement ("bind message supplies 2
 * parameters, but prepared statement "" requires 1", or worse a statement that happens to fit).
 * One connection also keeps session state (SET, temp tables) from leaking between pool members.
 */
export const EMBEDDED_POOL_MAX = 1;

// The server accepts a few more sockets than the pool opens: the pool may open a replacement
// before the server has seen the old socket close, and a socket over the limit is just dropped,
// which pg reports as "Connection terminated unexpectedly".
const SERVER_MAX_CONNECTIONS = EMBEDDED_POOL_MAX + 4;

export interface EmbeddedPostgres {
  /** postgres:// URL of the socket server (127.0.0.1, ephemeral port, no TLS, no password) */
  url: string;
  /** Stops the socket server, shuts PGlite down cleanly and releases the directory. */
  stop(): Promise<void>;
}

// Directories this process holds, so a second start in the same process is refused even though
// the lock file carries our own pid (which, from another process, means a stale lock).
const held = new Set<string>();

/**
 * Starts PGlite with its data in `<dir>/pgdata` (created on first start, reused afterwards) and a
 * PGLiteSocketServer on 127.0.0.1 with an OS-assigned port. Connect with EMBEDDED_POOL_MAX.
 * @throws when another process (or this one) already runs an embedded Postgres on `dir`.
 */
export async function startEmbeddedPostgres(dir: string): Promise<EmbeddedPostgres> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const release = lockDir(root);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create(join(root, 'pgdata'));
    server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: SERVER_MAX_CONNECTIONS,
    });
    await server.start();
  } catch (err) {
    await server?.stop().catch(() => {});
    await db?.close().catch(() => {});
    release();
    throw err;
  }
  const pglite = db;
  const socketServer = server;
  // sslmode=disable: the server refuses SSLRequest, so a PGSSLMODE=require in the environment
  // would otherwise make every connection fail.
  const url = `postgres://postgres@${socketServer.getServerConn()}/postgres?sslmode=disable`;

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    try {
      await socketServer.stop();
      // stop() detaches clients without awaiting them, and the detach of a client inside a
      // transaction sends ROLLBACK: one turn of the event loop puts it in PGlite's queue ahead of
      // close(); after close() it would reject unhandled (nobody awaits that detach).
      await new Promise((r) => setImmediate(r));
      // close() waits for the running query, then shuts the backend down (checkpoint), so the
      // next start finds a clean data directory instead of replaying WAL.
      await pglite.close();
    } finally {
      release();
    }
  };
  return {
    url,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

/**
 * PGlite takes no lock on its data directory: two processes on the same directory both open it
 * and silently diverge. A pid file refuses the second one; a pid that is no longer running (a
 * crash, or a container restart) is stale and taken over. Best effort: two processes taking over
 * the same stale lock at the same instant can both win.
 */
function lockDir(root: string): () => void {
  const path = join(root, 'pgdata.lock');
  if (held.has(path)) throw new Error(`embedded Postgres in ${root} is already running in this process`);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      held.add(path);
      return () => {
        if (held.delete(path)) rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      let pid = Number.NaN;
      try {
        pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      } catch {
        // released between our write and this read: the retry below takes it
      }
      if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) {
        throw new Error(
          `embedded Postgres in ${root} is in use by process ${pid}; stop it, or delete ${path} if that process is not edu-idp`,
        );
      }
      rmSync(path, { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
