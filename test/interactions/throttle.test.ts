/**
 * Issue 4's done-when: 10,000 guesses against one account, from one address and from many,
 * yield no login (not even the right password sent while blocked), while the real owner still
 * signs in from another address and from their trusted browser, through a real RP.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { blockSeconds, DEFAULT_LIMITS, type ScopeLimits } from '../../src/services/throttle.js';
import { useTestInstance } from '../helpers/app.js';
import { CLIENT_SECRET, createAccount, createClient, PASSWORD } from '../helpers/fixtures.js';
import { discoverRp, loginAndGetTokens, startAuthorization } from '../helpers/flow.js';
import { type AgentResponse, csrfFrom, formActionFrom, HttpAgent } from '../helpers/http-agent.js';

const t = useTestInstance({ TRUST_PROXY: 'true' });
let config: oidc.Configuration;
beforeEach(async () => {
  await createClient(t.runtime, { first_party: true });
  config = await discoverRp(t.issuer, { clientId: 'school-app', clientSecret: CLIENT_SECRET });
});

const GUESSES = 10_000;
const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
const WEAK_PINS = ['123456', '000000', '111111', '654321', '123123', 'abc123', 'qwerty', '666666'];

/** What the county-page guessing tools send (reference §6): weak PINs, then 6-char base-36. */
function guess(i: number): string {
  if (i < WEAK_PINS.length) return WEAK_PINS[i]!;
  let n = i * 7919 + 104_729;
  let s = '';
  for (let k = 0; k < 6; k++) {
    s += BASE36[n % 36];
    n = Math.floor(n / 36);
  }
  return s;
}

/** Sends `total` requests, `width` at a time. */
async function pool<T>(total: number, width: number, send: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < total) {
        const i = next++;
        out[i] = await send(i);
      }
    }),
  );
  return out;
}

async function openLoginPage(agent: HttpAgent) {
  const { url } = await startAuthorization(config, { username: '', password: '' });
  const page = await agent.follow(url.href);
  expect(page.status).toBe(200);
  return page;
}

/** The attacker: one interaction, the login form posted again and again. */
async function attack(ip: (i: number) => string) {
  const agent = new HttpAgent(t.issuer, 'python-requests/2.31 selenium');
  const page = await openLoginPage(agent);
  const action = formActionFrom(page.body, '/password');
  const csrf = csrfFrom(page.body);
  const started = Date.now();
  const responses = await pool(GUESSES, 50, (i) =>
    agent.request(action, {
      // the last guess is the right password: sent while blocked, it must fail too
      form: { username: 'aa1234', password: i === GUESSES - 1 ? PASSWORD : guess(i), csrf },
      headers: { 'x-forwarded-for': ip(i) },
    }),
  );
  return { responses, ms: Date.now() - started };
}

/** The owner's login from `agent`, the password form posted from address `ip`. */
async function ownerLogin(agent: HttpAgent, ip: string) {
  const { url, verifier, state, nonce } = await startAuthorization(config, {
    username: 'aa1234',
    password: PASSWORD,
    // the password form every time, also in a browser with a session
    extraParams: { prompt: 'login' },
  });
  const page = await agent.follow(url.href);
  const res = await agent.follow(formActionFrom(page.body, '/password'), {
    form: { username: 'aa1234', password: PASSWORD, csrf: csrfFrom(page.body) },
    headers: { 'x-forwarded-for': ip },
  });
  if (!res.location?.includes('code=')) return { res, tokens: undefined };
  const tokens = await oidc.authorizationCodeGrant(config, new URL(res.location), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { res, tokens };
}

/**
 * How many more attempts a scope may let through in `ms` after its free failures: one each
 * time a block (1 min, 2, 4 …) runs out. A slow machine spends more than a minute on an attack,
 * and then the second block's single attempt is the throttle working, not failing.
 */
function reopenings(limits: ScopeLimits, ms: number): number {
  let n = 0;
  let elapsed = blockSeconds(limits, limits.free) * 1000;
  while (elapsed <= ms) {
    n++;
    elapsed += blockSeconds(limits, limits.free + n) * 1000;
  }
  return n;
}

function expectNoLogin(responses: AgentResponse[]) {
  const byStatus = new Map<number, number>();
  for (const r of responses) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  expect(responses.some((r) => r.location?.includes('code='))).toBe(false);
  expect([...byStatus.keys()].sort()).toEqual([401, 429]);
  const last = responses.at(-1)!;
  expect(last.status).toBe(429);
  // the form comes back with the message, the username kept, and when to try again
  expect(last.body).toContain('嘗試次數過多');
  expect(last.body).toContain('name="password"');
  expect(last.body).toContain('value="aa1234"');
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  return { checked: byStatus.get(401) ?? 0, throttled: byStatus.get(429) ?? 0 };
}

const records = async () => {
  await t.runtime.writer.flush();
  return t.runtime.db('login_records').select('failure_reason', 'ip', 'success');
};

describe('POST /interaction/:uid/password under a guessing attack', () => {
  it('10,000 guesses from one address: no login; the owner signs in from another', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    const { responses, ms } = await attack(() => '203.0.113.66');
    const { checked, throttled } = expectNoLogin(responses);
    // five wrong passwords were checked, then one more per block that ran out during the attack
    // (none on a machine that sends the 10,000 within a minute); the rest refused before argon2
    const limits = DEFAULT_LIMITS.password.account_ip;
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(checked).toBeLessThanOrEqual(5 + reopenings(limits, ms));
    expect(throttled).toBe(GUESSES - checked);

    // the owner, from their own address, is not held back by the attacker's
    const owner = await loginAndGetTokens(t.issuer, config, { username: 'aa1234', password: PASSWORD });
    expect(owner.tokens.claims()?.sub).toBe(account.id);

    const rows = await records();
    expect(rows.filter((r) => r.failure_reason === 'rate_limited')).toHaveLength(GUESSES - checked);
    expect(rows.filter((r) => r.failure_reason === 'password.invalid_credentials')).toHaveLength(checked);
    expect(rows.find((r) => r.failure_reason === 'rate_limited')?.ip).toBe('203.0.113.66');
  }, 300_000);

  it('10,000 guesses from many addresses: no login; the owner signs in from their trusted browser', async () => {
    const account = await createAccount(t.runtime, { username: 'aa1234' });
    // the owner signed in with this browser before: it holds the account's device cookie
    const browser = new HttpAgent(t.issuer);
    expect((await ownerLogin(browser, '192.0.2.10')).tokens?.claims()?.sub).toBe(account.id);
    expect(browser.cookie('edu_device')).toBeTruthy();

    // a botnet: every guess from another address (X-Forwarded-For, TRUST_PROXY=true)
    const { responses, ms } = await attack((i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const { checked } = expectNoLogin(responses);
    // the account-wide threshold stopped the spread-out guessing: 30 free failures, then one
    // per block that ran out during the attack
    const limits = DEFAULT_LIMITS.password.account;
    expect(checked).toBeGreaterThanOrEqual(limits.free);
    expect(checked).toBeLessThanOrEqual(limits.free + reopenings(limits, ms));

    // the owner, in the trusted browser, from yet another address, still gets in
    const trusted = await ownerLogin(browser, '192.0.2.99');
    expect(trusted.tokens?.claims()?.sub).toBe(account.id);
    expect(trusted.tokens?.claims()?.amr).toEqual(['pwd']);

    // a browser without the cookie is held while the account is under attack (by design)
    const stranger = await ownerLogin(new HttpAgent(t.issuer), '192.0.2.123');
    expect(stranger.res.status).toBe(429);
    expect(stranger.tokens).toBeUndefined();
  }, 300_000);

  it('gives an unknown username the same throttling as a real one', async () => {
    await createAccount(t.runtime, { username: 'aa1234' });
    const agent = new HttpAgent(t.issuer);
    const page = await openLoginPage(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await agent.request(formActionFrom(page.body, '/password'), {
        form: { username: 'nobody-here', password: guess(i), csrf: csrfFrom(page.body) },
        headers: { 'x-forwarded-for': '203.0.113.67' },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});
