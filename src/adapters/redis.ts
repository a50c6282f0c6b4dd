import { Redis } from 'ioredis';

export type RedisClient = Redis;

export function createRedis(url: string): Redis {
  // lazyConnect so a bad URL fails at the readiness check with a clear message,
  // maxRetriesPerRequest so a Redis outage fails requests instead of queueing them forever.
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableAutoPipelining: true });
}

export async function pingRedis(redis: Redis): Promise<void> {
  await redis.ping();
}
