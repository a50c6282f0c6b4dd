/**
 * Brute-force protection for everything a user types to sign in: passwords, passOne codes,
 * OTPs and FIDO tickets (OWASP Authentication Cheat Sheet, "Protect against automated
 * attacks"; OWASP "Slow down online guessing attacks with device cookies").
 *
 * Three scopes per kind, each a failure counter plus a "gate":
 *
 *   account+IP  a few free failures (5 for passwords), then one attempt per growing delay:
 *               blocks of 1 min, 2, 4 … up to 1 h; the count is remembered for a day. A
 *               success clears it.
 *   IP          many failures across accounts (password spraying: one weak PIN against every
 *               student of a county, reference §6) block the address the same way, from a
 *               high threshold (a school's NAT puts hundreds of pupils behind one address).
 *   account     failures from every address together: a high threshold, then growing blocks
 *               that stop attempts only from browsers WITHOUT the account's trusted-device
 *               cookie (set after a successful login of that account), so a distributed
 *               attack cannot lock the owner out of their usual browser.
 *
 * A browser with the trusted-device cookie of the account it signs into is the owner's usual
 * browser: only the account+IP scope applies to it. A new browser of the owner on a new IP
 * gets in while the account is not under a distributed attack (its account+IP counter there
 * is clean, and one address cannot push the account counter far: its own gate stops it).
 *
 * guard() runs before the expensive check (argon2) and counts the attempt as a failure up
 * front, atomically, so a burst of concurrent guesses cannot all pass one check: past the free
 * failures only the request that opens the next gate goes through. failed() keeps that count;
 * succeeded() takes it back and clears the account+IP scope. Attempts refused by the throttle
 * are not counted (they cost the attacker nothing and must not lengthen the owner's wait).
 *
 * Counters are keyed by a keyed hash of the normalised account identifier (the typed
 * username, known or not: an unknown username is throttled exactly like a real one, so the
 * behaviour never tells which exist) and the client address. On Redis (REDIS_URL) every node
 * shares them; without Redis (evaluation mode) they live in this process only.
 */
import { AppError } from '../errors.js';
import type { SecretBox } from './secret-box.js';

export type ThrottleKind = 'password' | 'pass_one' | 'otp' | 'fido' | 'reset';

export interface ThrottleKey {
  /** the account identifier as typed (a username), or an id; hashed, never stored */
  account?: string | undefined;
  ip: string;
  /** the browser holds the trusted-device cookie of this account */
  trustedDevice?: boolean | undefined;
}

export type ThrottleScope = 'account_ip' | 'ip' | 'account';

export interface ScopeLimits {
  /** failures before the first block */
  free: number;
  /** seconds the failure count is remembered, from the first failure */
  window: number;
  /** seconds of the first block; each further one doubles, up to maxBlock */
  baseBlock: number;
  maxBlock: number;
}

export type KindLimits = Record<ThrottleScope, ScopeLimits>;

const DAY = 24 * 3600;
const growing = (free: number, window = DAY): ScopeLimits => ({
  free,
  window,
  baseBlock: 60,
  maxBlock: 3600,
});

/** The defaults; README "Brute-force protection" explains the choice. */
export const DEFAULT_LIMITS: Readonly<Record<ThrottleKind, KindLimits>> = {
  password: { account_ip: growing(5), ip: growing(100), account: growing(30) },
  // fido: the ticket cannot be guessed, but a loop of failing assertions is throttled alike
  fido: { account_ip: growing(5), ip: growing(100), account: growing(30) },
  // a six-digit code or a passOne code: fewer tries, sprayed codes blocked sooner
  otp: { account_ip: growing(5), ip: growing(30), account: growing(10) },
  pass_one: { account_ip: growing(5), ip: growing(30), account: growing(10) },
  // forgot password: every request sends (or pretends to send) a message
  reset: { account_ip: growing(3), ip: growing(20), account: growing(5) },
};

export class RateLimitError extends AppError {
  /** seconds until the next attempt may be made: the Retry-After header */
  readonly retryAfter: number;

  constructor(retryAfterMs: number) {
    super('rate_limit.exceeded', 'rate_limit.exceeded', 429);
    this.retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

/** The part of a rate-limiter-flexible limiter the throttle uses. */
export interface Counter {
  penalty(key: string, points?: number, options?: { customDuration: number }): Promise<CounterRes>;
  reward(key: string, points?: number): Promise<CounterRes>;
  get(key: string): Promise<CounterRes | null>;
  delete(key: string): Promise<boolean>;
}

export interface CounterRes {
  consumedPoints: number;
  msBeforeNext: number;
}

export type CounterFactory = (opts: { keyPrefix: string; points: number; duration: number }) => Counter;

export interface ScopeState {
  kind: ThrottleKind;
  scope: ThrottleScope;
  failures: number;
  free: number;
  /** free failures left before the first block (0 once blocks have begun) */
  remaining: number;
  blockedUntil: Date | null;
}

export interface Throttle {
  /**
   * Counts the attempt and lets it through, or refuses it before any check is made.
   * @throws rate_limit.exceeded (RateLimitError, 429, with retryAfter)
   */
  guard(kind: ThrottleKind, key: ThrottleKey): Promise<void>;
  /** The attempt guard() let through failed: its count stands. */
  failed(kind: ThrottleKind, key: ThrottleKey): Promise<void>;
  /** The attempt succeeded: it is not a failure, and the account+IP scope starts afresh. */
  succeeded(kind: ThrottleKind, key: ThrottleKey): Promise<void>;
  /** Tag of an account in the trusted-device cookie: a keyed hash, useless elsewhere. */
  deviceTag(account: string): string;
  /** Counters and blocks, for the admin console: the account's, the IP's, and the pair's. */
  inspect(key: { account?: string | undefined; ip?: string | undefined }): Promise<ScopeState[]>;
  /** Clears the counters and blocks of the account, the IP and the pair (every kind). */
  clear(key: { account?: string | undefined; ip?: string | undefined }): Promise<void>;
  /** 'redis' (shared by all nodes) or 'memory' (this process only) */
  readonly store: string;
}

export interface ThrottleOptions {
  counters: CounterFactory;
  box: SecretBox;
  store: string;
  /** overrides per kind and scope (tests use second-long blocks) */
  limits?: Partial<Record<ThrottleKind, Partial<KindLimits>>>;
}

const KINDS: readonly ThrottleKind[] = ['password', 'pass_one', 'otp', 'fido', 'reset'];
const SCOPES: readonly ThrottleScope[] = ['account_ip', 'ip', 'account'];

/** The same account however it was typed: full-width forms folded, case and spaces ignored. */
const normalise = (account: string) => account.normalize('NFKC').trim().toLowerCase();

/** One spelling per address: an IPv4 client seen through a dual-stack socket is ::ffff:a.b.c.d. */
export const normaliseIp = (ip: string) => {
  const lower = ip.trim().toLowerCase();
  return lower.startsWith('::ffff:') && lower.includes('.') ? lower.slice(7) : lower;
};

/** Seconds of the block that begins at the nth failure (n ≥ free). */
export function blockSeconds(limits: ScopeLimits, failures: number): number {
  const doublings = Math.min(failures - limits.free, 30);
  return Math.min(limits.maxBlock, limits.baseBlock * 2 ** doublings);
}

export function createThrottle(opts: ThrottleOptions): Throttle {
  const { box } = opts;
  const accountHash = (account: string) => box.hash(normalise(account), 'throttle-account').slice(3);

  const scopes = new Map<string, { limits: ScopeLimits; fails: Counter; gate: Counter }>();
  for (const kind of KINDS) {
    for (const scope of SCOPES) {
      const limits = { ...DEFAULT_LIMITS[kind][scope], ...opts.limits?.[kind]?.[scope] };
      const prefix = `throttle:${kind}:${scope}`;
      scopes.set(`${kind}:${scope}`, {
        limits,
        // fails: a plain counter living `window` seconds; the points only feed remainingPoints
        fails: opts.counters({ keyPrefix: `${prefix}:fails`, points: limits.free, duration: limits.window }),
        // gate: exists while the scope is blocked; whoever creates it may make one attempt
        gate: opts.counters({ keyPrefix: `${prefix}:gate`, points: 1, duration: limits.baseBlock }),
      });
    }
  }
  const scopeOf = (kind: ThrottleKind, scope: ThrottleScope) => {
    const s = scopes.get(`${kind}:${scope}`);
    if (!s) throw new Error(`unknown throttle scope ${kind}:${scope}`);
    return s;
  };

  /** The scopes an attempt counts in, with their keys. */
  function applicable(kind: ThrottleKind, key: ThrottleKey) {
    const out: Array<{ scope: ThrottleScope; id: string }> = [];
    const account = key.account ? accountHash(key.account) : undefined;
    const ip = normaliseIp(key.ip);
    if (account) out.push({ scope: 'account_ip', id: `${account}:${ip}` });
    // the owner's usual browser is not held back by what others do from elsewhere
    if (!key.trustedDevice) {
      out.push({ scope: 'ip', id: ip });
      if (account) out.push({ scope: 'account', id: account });
    }
    return out.map((a) => ({ ...a, ...scopeOf(kind, a.scope) }));
  }

  const blockedMs = async (gate: Counter, id: string) => {
    const res = await gate.get(id);
    return res && res.consumedPoints > 0 && res.msBeforeNext > 0 ? res.msBeforeNext : 0;
  };

  return {
    store: opts.store,

    async guard(kind, key) {
      const targets = applicable(kind, key);
      const waits = await Promise.all(targets.map((t) => blockedMs(t.gate, t.id)));
      const wait = Math.max(0, ...waits);
      if (wait > 0) throw new RateLimitError(wait);

      // count first (atomic INCRBY), decide after: concurrent guesses each see their own number
      const counts = await Promise.all(targets.map((t) => t.fails.penalty(t.id, 1)));
      const opened: Array<(typeof targets)[number]> = [];
      let refusedMs = 0;
      await Promise.all(
        targets.map(async (t, i) => {
          const failures = counts[i]?.consumedPoints ?? 0;
          if (failures < t.limits.free) return;
          // this attempt uses up the free failures (or is the one let through after a block):
          // it goes ahead only if it is the one that opens the next gate
          const seconds = blockSeconds(t.limits, failures);
          const gate = await t.gate.penalty(t.id, 1, { customDuration: seconds });
          if (gate.consumedPoints === 1) opened.push(t);
          else refusedMs = Math.max(refusedMs, gate.msBeforeNext);
        }),
      );
      if (refusedMs > 0) {
        // another request got there first: this attempt never happened
        await Promise.all([
          ...targets.map((t) => t.fails.reward(t.id, 1)),
          ...opened.map((t) => t.gate.delete(t.id)),
        ]);
        throw new RateLimitError(refusedMs);
      }
    },

    async failed() {
      // guard() has counted the attempt as a failure already: nothing to add
    },

    async succeeded(kind, key) {
      await Promise.all(
        applicable(kind, key).map(async (t) => {
          if (t.scope === 'account_ip') {
            await Promise.all([t.fails.delete(t.id), t.gate.delete(t.id)]);
            return;
          }
          const res = await t.fails.reward(t.id, 1);
          // a gate opened by this (successful) attempt while under the threshold is lifted
          if (res.consumedPoints < t.limits.free) await t.gate.delete(t.id);
        }),
      );
    },

    deviceTag(account) {
      return box.hash(normalise(account), 'trusted-device').slice(3, 25);
    },

    async inspect({ account, ip: typedIp }) {
      const ip = typedIp ? normaliseIp(typedIp) : undefined;
      const wanted: Array<{ scope: ThrottleScope; id: string }> = [];
      const hash = account ? accountHash(account) : undefined;
      if (hash) wanted.push({ scope: 'account', id: hash });
      if (hash && ip) wanted.push({ scope: 'account_ip', id: `${hash}:${ip}` });
      if (ip) wanted.push({ scope: 'ip', id: ip });
      const now = Date.now();
      const rows = await Promise.all(
        KINDS.flatMap((kind) =>
          wanted.map(async ({ scope, id }): Promise<ScopeState> => {
            const s = scopeOf(kind, scope);
            const [fails, wait] = await Promise.all([s.fails.get(id), blockedMs(s.gate, id)]);
            const failures = fails && fails.msBeforeNext > 0 ? Math.max(0, fails.consumedPoints) : 0;
            return {
              kind,
              scope,
              failures,
              free: s.limits.free,
              remaining: Math.max(0, s.limits.free - failures),
              blockedUntil: wait > 0 ? new Date(now + wait) : null,
            };
          }),
        ),
      );
      return rows;
    },

    async clear({ account, ip: typedIp }) {
      const ip = typedIp ? normaliseIp(typedIp) : undefined;
      const hash = account ? accountHash(account) : undefined;
      const ids: Array<{ scope: ThrottleScope; id: string }> = [];
      if (hash) ids.push({ scope: 'account', id: hash });
      if (hash && ip) ids.push({ scope: 'account_ip', id: `${hash}:${ip}` });
      if (ip) ids.push({ scope: 'ip', id: ip });
      await Promise.all(
        KINDS.flatMap((kind) =>
          ids.flatMap(({ scope, id }) => {
            const s = scopeOf(kind, scope);
            return [s.fails.delete(id), s.gate.delete(id)];
          }),
        ),
      );
    },
  };
}
