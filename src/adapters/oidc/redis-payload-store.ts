import type { Redis } from 'ioredis';
import { epochTime, type Payload, type PayloadStore } from './payload-store.js';

const key = (model: string, id: string) => `oidc:${model}:${id}`;
const grantKey = (grantId: string) => `oidc:grant:${grantId}`;
const uidKey = (model: string, uid: string) => `oidc:${model}:uid:${uid}`;
const userCodeKey = (model: string, code: string) => `oidc:${model}:usercode:${code}`;

/** Redis store for short-lived models: native TTLs, index keys for uid, user code and grant. */
export class RedisPayloadStore implements PayloadStore {
  constructor(private readonly redis: Redis) {}

  async upsert(model: string, id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const k = key(model, id);
    const multi = this.redis.multi();
    const value = JSON.stringify(payload);
    if (expiresIn) multi.set(k, value, 'EX', expiresIn);
    else multi.set(k, value);
    if (payload.grantId) {
      // Atomically: add the member and make the index live as long as its longest member
      // (a TTL read outside the transaction lets a concurrent short-lived save shorten it,
      // and a revocation would then miss the longer-lived token). EXPIRE GT needs Redis 7.
      multi.eval(
        `local existed = redis.call('EXISTS', KEYS[1])
         redis.call('RPUSH', KEYS[1], ARGV[1])
         if ARGV[2] == '' then redis.call('PERSIST', KEYS[1])
         elseif existed == 0 then redis.call('EXPIRE', KEYS[1], ARGV[2])
         elseif redis.call('TTL', KEYS[1]) >= 0 then redis.call('EXPIRE', KEYS[1], ARGV[2], 'GT') end
         return 1`,
        1,
        grantKey(payload.grantId),
        k,
        expiresIn ? String(expiresIn) : '',
      );
    }
    if (payload.uid) {
      if (expiresIn) multi.set(uidKey(model, payload.uid), id, 'EX', expiresIn);
      else multi.set(uidKey(model, payload.uid), id);
    }
    if (payload.userCode) {
      if (expiresIn) multi.set(userCodeKey(model, payload.userCode), id, 'EX', expiresIn);
      else multi.set(userCodeKey(model, payload.userCode), id);
    }
    await multi.exec();
  }

  async find(model: string, id: string): Promise<Payload | undefined> {
    const value = await this.redis.get(key(model, id));
    return value ? (JSON.parse(value) as Payload) : undefined;
  }

  async findByUid(model: string, uid: string): Promise<Payload | undefined> {
    const id = await this.redis.get(uidKey(model, uid));
    return id ? this.find(model, id) : undefined;
  }

  async findByUserCode(model: string, userCode: string): Promise<Payload | undefined> {
    const id = await this.redis.get(userCodeKey(model, userCode));
    return id ? this.find(model, id) : undefined;
  }

  async consume(model: string, id: string): Promise<void> {
    // Atomic and keeping the TTL. The field is spliced into the JSON text rather than
    // re-encoded: Lua's cjson turns [] into {} and rounds long numbers.
    await this.redis.eval(
      `local v = redis.call('GET', KEYS[1])
       if not v then return 0 end
       local body = string.sub(v, 1, -2)
       local sep = (body == '{') and '' or ','
       redis.call('SET', KEYS[1], body .. sep .. '"consumed":' .. ARGV[1] .. '}', 'KEEPTTL')
       return 1`,
      1,
      key(model, id),
      String(epochTime()),
    );
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.redis.del(key(model, id));
  }

  async revokeByGrantId(_model: string, grantId: string): Promise<void> {
    const gk = grantKey(grantId);
    const keys = await this.redis.lrange(gk, 0, -1);
    await this.redis.del(...keys, gk);
  }
}
