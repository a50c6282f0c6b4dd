import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createLimiterFactory } from '../../src/adapters/rate-limiter.js';
import { createRedis, type RedisClient } from '../../src/adapters/redis.js';
import { createSecretBox } from '../../src/services/secret-box.js';
import {
  createThrottle,
  RateLimitError,
  type Throttle,
  type ThrottleOptions,
} from '../../src/services/throttle.js';
import { TEST_REDIS_URL } from '../helpers/env.js';

const box = createSecretBox(createHash('sha256').update('throttle test').digest());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// second-long blocks so the growing delays can be watched in real time
const limits: ThrottleOptions['limits'] = {
  password: {
    account_ip: { free: 3, window: 60, baseBlock: 1, maxBlock: 4 },
    ip: { free: 6, window: 60, baseBlock: 1, maxBlock: 4 },
    account: { free: 5, window: 60, baseBlock: 1, maxBlock: 4 },
  },
};

let redis: RedisClient;
beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL);
  await redis.connect();
});
afterAll(async () => {
  await redis.quit();
});

/** guard() then failed(), as a login method does for a wrong password */
async function attempt(throttle: Throttle, key: Parameters<Throttle['guard']>[1]) {
  await throttle.guard('password', key);
  await throttle.failed('password', key);
}

async function refusal(p: Promise<unknown>): Promise<RateLimitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RateLimitError)) throw new Error(`expected a rate limit, got ${String(err)}`);
  expect(err.status).toBe(429);
  expect(err.code).toBe('rate_limit.exceeded');
  return err;
}

describe.each(['redis', 'memory'] as const)('createThrottle on %s', (store) => {
  let throttle: Throttle;
  beforeEach(async () => {
    await redis.flushdb();
    const factory = createLimiterFactory(store === 'redis' ? redis : undefined);
    expect(factory.store).toBe(store);
    throttle = createThrottle({ counters: factory.create, box, store: factory.store, limits });
  });

  it('gives a few free failures per account and IP, then blocks that double up to the cap', async () => {
    const key = { account: 'aa1234', ip: '203.0.113.7' };
    for (let i = 0; i < 3; i++) await attempt(throttle, key);
    expect((await refusal(throttle.guard('password', key))).retryAfter).toBe(1);
    // the same account from another address, and another account from this one, are not held
    await throttle.guard('password', { account: 'aa1234', ip: '198.51.100.9' });
    await throttle.guard('password', { account: 'bb5678', ip: '203.0.113.7' });
    await throttle.succeeded('password', { account: 'bb5678', ip: '203.0.113.7' });
    await sleep(1100);
    await attempt(throttle, key); // the one attempt after the first block
    expect((await refusal(throttle.guard('password', key))).retryAfter).toBe(2);
    await sleep(2100);
    await attempt(throttle, key);
    expect((await refusal(throttle.guard('password', key))).retryAfter).toBe(4);
    await sleep(4100);
    await attempt(throttle, key);
    // capped at maxBlock
    expect((await refusal(throttle.guard('password', key))).retryAfter).toBe(4);
  }, 20_000);

  it('lets exactly the free attempts through a burst of concurrent guesses', async () => {
    const key = { account: 'ＡＡ1234 ', ip: '203.0.113.7' };
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () => throttle.guard('password', key)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RateLimitError);
    // refused guesses were not counted: the account's counter shows the three that went through
    const states = await throttle.inspect({ account: 'aa1234', ip: '203.0.113.7' });
    const pair = states.find((s) => s.kind === 'password' && s.scope === 'account_ip');
    expect(pair).toMatchObject({ failures: 3, remaining: 0 });
    expect(pair?.blockedUntil?.getTime()).toBeGreaterThan(Date.now());
    // the normalised username shares the counter
    await refusal(throttle.guard('password', { account: 'aa1234', ip: '203.0.113.7' }));
  });

  it('clears the account+IP counter on success', async () => {
    const key = { account: 'aa1234', ip: '203.0.113.7' };
    for (let i = 0; i < 2; i++) await attempt(throttle, key);
    await throttle.guard('password', key);
    await throttle.succeeded('password', key);
    // three more free failures, not one
    for (let i = 0; i < 3; i++) await attempt(throttle, key);
    await refusal(throttle.guard('password', key));
  });

  it('blocks an address spraying many accounts, sparing browsers trusted by their account', async () => {
    const ip = '203.0.113.50';
    for (let i = 0; i < 6; i++) await attempt(throttle, { account: `s${i}`, ip });
    const err = await refusal(throttle.guard('password', { account: 'fresh-victim', ip }));
    expect(err.retryAfter).toBe(1);
    // other addresses are unaffected
    await throttle.guard('password', { account: 'fresh-victim', ip: '203.0.113.51' });
    // the owner of an account, in the browser they signed in with before, still gets a try
    await throttle.guard('password', { account: 'owner', ip, trustedDevice: true });
    // the spray goes on after the block, one attempt per growing delay
    await sleep(1100);
    await attempt(throttle, { account: 's99', ip });
    expect((await refusal(throttle.guard('password', { account: 's100', ip }))).retryAfter).toBe(2);
  });

  it('blocks an account guessed from many addresses, except from its trusted browser', async () => {
    for (let i = 0; i < 5; i++) await attempt(throttle, { account: 'victim', ip: `198.51.100.${i}` });
    // a sixth address, clean for the pair, is still refused: the account is under attack
    await refusal(throttle.guard('password', { account: 'victim', ip: '198.51.100.200' }));
    // the owner's usual browser is not
    const owner = { account: 'victim', ip: '192.0.2.10', trustedDevice: true };
    await throttle.guard('password', owner);
    await throttle.succeeded('password', owner);
    // and another account is not held by the victim's block
    await throttle.guard('password', { account: 'other', ip: '198.51.100.200' });
  });

  it('keeps the kinds apart', async () => {
    const key = { account: 'aa1234', ip: '203.0.113.7' };
    for (let i = 0; i < 3; i++) await attempt(throttle, key);
    await refusal(throttle.guard('password', key));
    await throttle.guard('otp', key);
  });

  it('shows counters and blocks to admins and clears them', async () => {
    const key = { account: 'aa1234', ip: '::ffff:203.0.113.7' };
    for (let i = 0; i < 3; i++) await attempt(throttle, key);
    const states = await throttle.inspect({ account: 'AA1234', ip: '203.0.113.7' });
    const of = (scope: string) => states.find((s) => s.kind === 'password' && s.scope === scope);
    expect(of('account_ip')).toMatchObject({ failures: 3, free: 3, remaining: 0 });
    expect(of('account_ip')?.blockedUntil).toBeInstanceOf(Date);
    expect(of('account')).toMatchObject({ failures: 3, remaining: 2, blockedUntil: null });
    expect(of('ip')).toMatchObject({ failures: 3, remaining: 3 });
    await throttle.clear({ account: 'aa1234', ip: '203.0.113.7' });
    const after = await throttle.inspect({ account: 'aa1234', ip: '203.0.113.7' });
    expect(after.every((s) => s.failures === 0 && s.blockedUntil === null)).toBe(true);
    await throttle.guard('password', key);
  });

  it('tags a trusted device per account with a keyed hash', () => {
    expect(throttle.deviceTag('AA1234')).toBe(throttle.deviceTag('aa1234'));
    expect(throttle.deviceTag('aa1234')).not.toBe(throttle.deviceTag('aa1235'));
    expect(throttle.deviceTag('aa1234')).not.toContain('aa1234');
  });
});
