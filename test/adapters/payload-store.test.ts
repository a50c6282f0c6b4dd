/**
 * One contract suite for the stores behind oidc-provider's adapter, run against the Redis
 * store (short-lived models) and the Postgres store (durable models; everything in
 * evaluation mode), then the Postgres-only queries (remembered consent, expiry sweep).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createDb, type Db } from '../../src/adapters/db.js';
import { epochTime, type Payload, type PayloadStore } from '../../src/adapters/oidc/payload-store.js';
import { PgPayloadStore } from '../../src/adapters/oidc/pg-payload-store.js';
import { RedisPayloadStore } from '../../src/adapters/oidc/redis-payload-store.js';
import { createRedis, type RedisClient } from '../../src/adapters/redis.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/env.js';

interface Harness {
  store: PayloadStore;
  reset(): Promise<void>;
  close(): Promise<void>;
}

interface StoreKind {
  name: string;
  /** Redis keeps one grant index for all models; Postgres deletes per model. */
  revokesAcrossModels: boolean;
  create(): Promise<Harness>;
}

const redisKind: StoreKind = {
  name: 'RedisPayloadStore',
  revokesAcrossModels: true,
  async create() {
    const redis: RedisClient = createRedis(TEST_REDIS_URL);
    await redis.connect();
    return {
      store: new RedisPayloadStore(redis),
      reset: async () => {
        await redis.flushdb();
      },
      close: async () => {
        await redis.flushdb();
        await redis.quit();
      },
    };
  },
};

const pgKind: StoreKind = {
  name: 'PgPayloadStore',
  revokesAcrossModels: false,
  async create() {
    const db = createDb(TEST_DATABASE_URL, 2);
    return {
      store: new PgPayloadStore(db),
      reset: async () => {
        await db.raw('TRUNCATE oidc_payloads');
      },
      close: async () => {
        await db.raw('TRUNCATE oidc_payloads');
        await db.destroy();
      },
    };
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An authorization-code-like payload, as oidc-provider hands it to the adapter. */
function codePayload(overrides: Payload = {}): Payload {
  return {
    iat: epochTime(),
    exp: epochTime() + 60,
    kind: 'AuthorizationCode',
    jti: randomUUID(),
    accountId: randomUUID(),
    clientId: 'school-app',
    grantId: randomUUID(),
    scope: 'openid profile',
    redirectUri: 'https://app.example.edu.tw/callback',
    authTime: epochTime(),
    amr: ['pwd'],
    claims: { id_token: { email: null } },
    nonce: 'n-0S6_WzA2Mj',
    name: '王小明',
    ...overrides,
  };
}

function contract(kind: StoreKind) {
  describe(`${kind.name} (PayloadStore contract)`, () => {
    let h: Harness;
    let store: PayloadStore;
    beforeAll(async () => {
      h = await kind.create();
      store = h.store;
    });
    afterAll(async () => {
      await h.close();
    });
    beforeEach(async () => {
      await h.reset();
    });

    it('finds what was upserted, equal to the payload', async () => {
      const payload = codePayload();
      await store.upsert('AuthorizationCode', 'code-1', payload, 60);
      expect(await store.find('AuthorizationCode', 'code-1')).toEqual(payload);
    });

    it('keeps models apart: the same id under another model is not found', async () => {
      await store.upsert('AuthorizationCode', 'same-id', codePayload(), 60);
      expect(await store.find('AccessToken', 'same-id')).toBeUndefined();
    });

    it('overwrites on a second upsert of the same id', async () => {
      await store.upsert('AccessToken', 'at-1', codePayload({ scope: 'openid' }), 60);
      const second = codePayload({ scope: 'openid email', kind: 'AccessToken' });
      await store.upsert('AccessToken', 'at-1', second, 60);
      expect(await store.find('AccessToken', 'at-1')).toEqual(second);
    });

    it('returns undefined for an unknown id, uid and user code', async () => {
      expect(await store.find('AccessToken', 'nope')).toBeUndefined();
      expect(await store.findByUid('Session', 'nope')).toBeUndefined();
      expect(await store.findByUserCode('DeviceCode', 'NOPE-NOPE')).toBeUndefined();
    });

    it('forgets a payload once expiresIn has passed, keeps one upserted without expiresIn', async () => {
      const forever = { kind: 'Interaction', returnTo: 'https://idp.example/azp' };
      await store.upsert('AccessToken', 'short', codePayload(), 1);
      await store.upsert('AccessToken', 'long', codePayload(), 60);
      await store.upsert('Interaction', 'forever', forever);
      expect(await store.find('AccessToken', 'short')).toBeDefined();
      await sleep(1200);
      expect(await store.find('AccessToken', 'short')).toBeUndefined();
      expect(await store.find('AccessToken', 'long')).toBeDefined();
      expect(await store.find('Interaction', 'forever')).toEqual(forever);
    });

    it('finds a payload by uid (Session)', async () => {
      const session = { kind: 'Session', uid: 'uid-123', accountId: randomUUID(), loginTs: epochTime() };
      await store.upsert('Session', 'sess-1', session, 60);
      await store.upsert('Session', 'sess-2', { ...session, uid: 'uid-456' }, 60);
      expect(await store.findByUid('Session', 'uid-123')).toEqual(session);
      expect(await store.findByUid('Session', 'uid-456')).toEqual({ ...session, uid: 'uid-456' });
      expect(await store.findByUid('Interaction', 'uid-123')).toBeUndefined();
    });

    it('finds a payload by user code (DeviceCode)', async () => {
      const device = { kind: 'DeviceCode', userCode: 'WDJB-MJHT', clientId: 'tv-app', params: {} };
      await store.upsert('DeviceCode', 'dc-1', device, 60);
      expect(await store.findByUserCode('DeviceCode', 'WDJB-MJHT')).toEqual(device);
      expect(await store.findByUserCode('DeviceCode', 'XXXX-XXXX')).toBeUndefined();
    });

    it('consume marks the payload consumed (epoch seconds) and keeps the rest', async () => {
      const payload = codePayload();
      await store.upsert('AuthorizationCode', 'code-c', payload, 60);
      const before = epochTime();
      await store.consume('AuthorizationCode', 'code-c');
      const found = await store.find('AuthorizationCode', 'code-c');
      expect(found).toBeDefined();
      const { consumed, ...rest } = found!;
      expect(typeof consumed).toBe('number');
      expect(Number.isInteger(consumed)).toBe(true);
      expect(consumed).toBeGreaterThanOrEqual(before);
      expect(consumed).toBeLessThanOrEqual(epochTime());
      expect(rest).toEqual(payload);
    });

    it('consume keeps every JSON value of the payload as it was (empty arrays)', async () => {
      // an interaction result may carry amr: [], an RP's claims parameter { values: [] }
      const payload = codePayload({
        amr: [],
        claims: { id_token: { acr: { essential: true, values: [] } } },
      });
      await store.upsert('AuthorizationCode', 'code-e', payload, 60);
      await store.consume('AuthorizationCode', 'code-e');
      const { consumed, ...rest } = (await store.find('AuthorizationCode', 'code-e'))!;
      expect(typeof consumed).toBe('number');
      expect(rest).toEqual(payload);
    });

    it('consume keeps the expiry of the payload', async () => {
      await store.upsert('AuthorizationCode', 'code-t', codePayload(), 1);
      await store.consume('AuthorizationCode', 'code-t');
      expect((await store.find('AuthorizationCode', 'code-t'))?.consumed).toEqual(expect.any(Number));
      await sleep(1200);
      expect(await store.find('AuthorizationCode', 'code-t')).toBeUndefined();
    });

    it('consume of an unknown id does nothing', async () => {
      await store.consume('AuthorizationCode', 'never-issued');
      expect(await store.find('AuthorizationCode', 'never-issued')).toBeUndefined();
    });

    it('destroy removes the payload and only that one', async () => {
      await store.upsert('AccessToken', 'gone', codePayload(), 60);
      await store.upsert('AccessToken', 'kept', codePayload(), 60);
      await store.destroy('AccessToken', 'gone');
      expect(await store.find('AccessToken', 'gone')).toBeUndefined();
      expect(await store.find('AccessToken', 'kept')).toBeDefined();
      await store.destroy('AccessToken', 'gone'); // idempotent
    });

    it('revokeByGrantId, called per model as oidc-provider does, removes every payload of the grant and no other', async () => {
      const grantA = randomUUID();
      const grantB = randomUUID();
      const models = ['AccessToken', 'AuthorizationCode', 'RefreshToken'];
      for (const model of models) {
        await store.upsert(model, `${model}-a1`, codePayload({ grantId: grantA, kind: model }), 60);
        await store.upsert(model, `${model}-a2`, codePayload({ grantId: grantA, kind: model }), 600);
        await store.upsert(model, `${model}-b`, codePayload({ grantId: grantB, kind: model }), 60);
      }
      await store.upsert('AccessToken', 'no-grant', codePayload({ grantId: undefined }), 60);

      await store.revokeByGrantId('AccessToken', grantA);
      expect(await store.find('AccessToken', 'AccessToken-a1')).toBeUndefined();
      expect(await store.find('AccessToken', 'AccessToken-a2')).toBeUndefined();
      const other = await store.find('RefreshToken', 'RefreshToken-a1');
      if (kind.revokesAcrossModels) expect(other).toBeUndefined();
      else expect(other).toBeDefined();

      await Promise.all(models.map((model) => store.revokeByGrantId(model, grantA)));
      for (const model of models) {
        expect(await store.find(model, `${model}-a1`)).toBeUndefined();
        expect(await store.find(model, `${model}-a2`)).toBeUndefined();
        expect(await store.find(model, `${model}-b`)).toEqual(
          expect.objectContaining({ grantId: grantB, kind: model }),
        );
      }
      expect(await store.find('AccessToken', 'no-grant')).toBeDefined();
      // revoking a grant with nothing left (or never seen) is fine
      await store.revokeByGrantId('AccessToken', grantA);
      await store.revokeByGrantId('AccessToken', randomUUID());
    });

    it('revokeByGrantId still reaches a long-lived payload after a shorter one of the same grant, saved concurrently, expired', async () => {
      // e.g. a remembered consent: one session's access token and another's authorization code
      const grantId = randomUUID();
      await Promise.all([
        store.upsert('AccessToken', 'long-lived', codePayload({ grantId }), 60),
        store.upsert('AccessToken', 'short-lived', codePayload({ grantId }), 1),
      ]);
      await sleep(1200);
      expect(await store.find('AccessToken', 'long-lived')).toBeDefined();
      await store.revokeByGrantId('AccessToken', grantId);
      expect(await store.find('AccessToken', 'long-lived')).toBeUndefined();
    });
  });
}

for (const kind of [redisKind, pgKind]) contract(kind);

describe('PgPayloadStore (durable models)', () => {
  let db: Db;
  let store: PgPayloadStore;
  beforeAll(() => {
    db = createDb(TEST_DATABASE_URL, 2);
    store = new PgPayloadStore(db);
  });
  afterAll(async () => {
    await db.raw('TRUNCATE oidc_payloads');
    await db.destroy();
  });
  beforeEach(async () => {
    await db.raw('TRUNCATE oidc_payloads');
  });

  const grant = (accountId: string, clientId: string, iat: number, scope = 'openid profile'): Payload => ({
    kind: 'Grant',
    jti: randomUUID(),
    accountId,
    clientId,
    iat,
    exp: iat + 3600,
    openid: { scope },
  });

  it('findGrants returns the Grant payloads of one account and client, newest first', async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const now = epochTime();
    await store.upsert('Grant', 'g-old', grant(alice, 'school-app', now - 300), 3600);
    const newest = grant(alice, 'school-app', now);
    await store.upsert('Grant', 'g-new', newest, 3600);
    await store.upsert('Grant', 'g-mid', grant(alice, 'school-app', now - 100), 3600);
    await store.upsert('Grant', 'g-other-client', grant(alice, 'library', now + 10), 3600);
    await store.upsert('Grant', 'g-bob', grant(bob, 'school-app', now + 20), 3600);
    // a token that carries the same accountId/clientId is not a grant
    await store.upsert(
      'AccessToken',
      'at',
      { ...grant(alice, 'school-app', now + 30), kind: 'AccessToken' },
      60,
    );

    const found = await store.findGrants(alice, 'school-app');
    expect(found.map((g) => g.id)).toEqual(['g-new', 'g-mid', 'g-old']);
    expect(found[0]!.payload).toEqual(newest);
    expect(await store.findGrants(alice, 'nobody')).toEqual([]);
  });

  it('findGrants leaves out expired grants', async () => {
    const alice = randomUUID();
    await store.upsert('Grant', 'g-live', grant(alice, 'school-app', epochTime() - 10), 3600);
    await store.upsert('Grant', 'g-expired', grant(alice, 'school-app', epochTime()), 3600);
    await db('oidc_payloads')
      .where({ model: 'Grant', id: 'g-expired' })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect((await store.findGrants(alice, 'school-app')).map((g) => g.id)).toEqual(['g-live']);
  });

  it('deleteExpired removes expired rows and keeps live and non-expiring ones', async () => {
    for (let i = 0; i < 5; i++) await store.upsert('AccessToken', `old-${i}`, codePayload(), 60);
    await store.upsert('AccessToken', 'live', codePayload(), 60);
    await store.upsert('Grant', 'no-expiry', grant(randomUUID(), 'school-app', epochTime()));
    await db('oidc_payloads')
      .where('id', 'like', 'old-%')
      .update({ expires_at: new Date(Date.now() - 60_000) });

    expect(await store.deleteExpired(2)).toBe(2);
    expect(await store.deleteExpired()).toBe(3);
    expect(await store.deleteExpired()).toBe(0);
    const ids = (await db('oidc_payloads').select('id').orderBy('id')).map((r: { id: string }) => r.id);
    expect(ids).toEqual(['live', 'no-expiry']);
  });
});
