import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import knex, { type Knex } from 'knex';
import { migrationSource } from '../../migrations/index.js';
import {
  EMBEDDED_POOL_MAX,
  type EmbeddedPostgres,
  startEmbeddedPostgres,
} from '../../src/adapters/embedded-postgres.js';

// The first start runs initdb inside WASM, and every migration then runs in one single-threaded
// WASM backend: about 20 s on an idle runner, over two minutes on a busy 2-core one (seen in CI).
const SLOW = 300_000;

const connect = (url: string): Knex =>
  knex({ client: 'pg', connection: url, pool: { min: 0, max: EMBEDDED_POOL_MAX } });

describe('embedded Postgres (PGlite)', () => {
  let dir: string;
  let pg: EmbeddedPostgres | undefined;
  let db: Knex | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edu-idp-pglite-'));
  });

  afterAll(async () => {
    // a failed assertion must not leave the server (and its open handles) behind
    await db?.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'runs the migrations, keeps rows across a restart and refuses a second start on the same directory',
    async () => {
      pg = await startEmbeddedPostgres(dir);
      expect(pg.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
      expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
      await expect(startEmbeddedPostgres(dir)).rejects.toThrow(/already running/);

      db = connect(pg.url);
      const [, applied] = await db.migrate.latest({ migrationSource });
      expect(applied).toEqual(await migrationSource.getMigrations([]));

      const [inserted] = await db('accounts')
        .insert({ username: 'alice', email: 'alice@school.edu.tw' })
        .returning(['id', 'username', 'status', 'email_verified']);
      expect(inserted).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/),
        username: 'alice',
        status: 'active',
        email_verified: false,
      });
      await expect(db('accounts').insert({ username: 'Bob' })).rejects.toMatchObject({
        code: '23514',
        constraint: 'accounts__username_lower',
      });

      // the monthly partitions come from a plpgsql function running EXECUTE format(...)
      await db('login_records').insert([
        { id: db.raw('gen_random_uuid()'), created_at: new Date(), method: 'password', success: true },
        {
          id: db.raw('gen_random_uuid()'),
          created_at: new Date('2001-01-01'),
          method: 'password',
          success: false,
        },
      ]);
      const parts = await db('login_records')
        .select(db.raw('tableoid::regclass::text as part'))
        .orderBy('created_at');
      expect(parts.map((p: { part: string }) => p.part)).toEqual([
        'login_records_default',
        expect.stringMatching(/^login_records_\d{6}$/),
      ]);

      // more queries than connections: they queue on the pool, none may hang
      const numbers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db!.raw<{ rows: Array<{ n: number }> }>('select ?::int as n', [i]),
        ),
      );
      expect(numbers.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));

      await db.destroy();
      db = undefined;
      await pg.stop();
      pg = undefined;
      expect(existsSync(join(dir, 'pgdata.lock'))).toBe(false);

      pg = await startEmbeddedPostgres(dir);
      db = connect(pg.url);
      const [, again] = await db.migrate.latest({ migrationSource });
      expect(again).toEqual([]);
      const rows = await db('accounts').select('id', 'username', 'email');
      expect(rows).toEqual([{ id: inserted.id, username: 'alice', email: 'alice@school.edu.tw' }]);
      expect(await db('login_records').count('* as n').first()).toEqual({ n: '2' });
    },
    SLOW,
  );
});
