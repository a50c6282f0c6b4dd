/**
 * Counters for the login throttle (services/throttle.ts), built on rate-limiter-flexible:
 * RateLimiterRedis on the app's ioredis client when Redis is configured, so every node of a
 * cluster shares one set of counters; RateLimiterMemory otherwise (evaluation mode: a single
 * node, counters lost on restart).
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RedisClient } from './redis.js';

export interface LimiterOptions {
  /** namespaces the keys, e.g. throttle:password:account-ip:fails */
  keyPrefix: string;
  points: number;
  /** seconds a counter lives from its first point */
  duration: number;
}

export type LimiterFactory = (opts: LimiterOptions) => RateLimiterAbstract;

export type LimiterStore = 'redis' | 'memory';

export function createLimiterFactory(redis: RedisClient | undefined): {
  store: LimiterStore;
  create: LimiterFactory;
} {
  if (redis) {
    return {
      store: 'redis',
      // no insurance limiter: if Redis fails the request fails (and the login page says so),
      // rather than silently falling back to per-node counters an attacker could spread over
      create: (opts) => new RateLimiterRedis({ storeClient: redis, ...opts }),
    };
  }
  return { store: 'memory', create: (opts) => new RateLimiterMemory(opts) };
}
