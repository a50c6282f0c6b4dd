/**
 * Configuration: one zod schema over the environment, parsed once at boot.
 * Every problem is reported in a single error so an operator fixes them in one pass.
 * Nothing else in the code base reads process.env.
 */
import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const commaList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().min(32, 'each cookie key needs at least 32 characters')).min(1));

/** A 32-byte key as base64 or base64url (openssl rand -base64 32). */
const key32 = z
  .string()
  .transform((s) => Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64'))
  .refine((b) => b.length === 32, 'must decode to exactly 32 bytes (openssl rand -base64 32)');

const schema = z.object({
  ISSUER: z
    .url()
    .default('http://localhost:3000')
    // The MOE issuer has no trailing slash and RPs compare it byte for byte.
    .refine((u) => !u.endsWith('/'), 'must not end with a slash'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().startsWith('postgres', 'must be a postgres:// URL').optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
  REDIS_URL: z.string().startsWith('redis', 'must be a redis:// URL').optional(),
  DATA_DIR: z.string().default('./data'),
  COOKIE_KEYS: commaList.optional(),
  KEY_ENCRYPTION_KEY: key32.optional(),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).default(19456),
  ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
  ACCESS_TOKEN_TTL: seconds(3600),
  ID_TOKEN_TTL: seconds(3600),
  AUTHORIZATION_CODE_TTL: seconds(60),
  REFRESH_TOKEN_TTL: seconds(14 * 24 * 3600),
  CLIENT_CREDENTIALS_TTL: seconds(3600),
  SESSION_TTL: seconds(8 * 3600),
  INTERACTION_TTL: seconds(30 * 60),
  GRANT_TTL: seconds(365 * 24 * 3600),
  KEY_ACTIVATION_DELAY: z.coerce.number().int().min(0).default(3600),
  KEY_REFRESH_INTERVAL: seconds(60),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // how many proxies of ours append to X-Forwarded-For: the client address is the entry that
  // many from the right; anything further left was written by the client and is not trusted
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOGIN_RECORD_FLUSH_MS: z.coerce.number().int().positive().default(200),
});

export interface Config {
  readonly issuer: string;
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolMax: number;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly cookieKeys: readonly string[] | undefined;
  readonly keyEncryptionKey: Buffer | undefined;
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
  readonly ttl: {
    readonly accessToken: number;
    readonly idToken: number;
    readonly authorizationCode: number;
    readonly refreshToken: number;
    readonly clientCredentials: number;
    readonly session: number;
    readonly interaction: number;
    readonly grant: number;
  };
  /** seconds a newly generated signing key is published before it signs */
  readonly keyActivationDelay: number;
  readonly keyRefreshInterval: number;
  readonly trustProxy: boolean;
  readonly trustProxyHops: number;
  readonly logLevel: string;
  readonly loginRecordFlushMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * @throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (cleaned.DATABASE_URL) {
    // With a real database we are in production shape: secrets must come from the operator,
    // never be generated on the fly (every node of a cluster must share them).
    if (!cleaned.COOKIE_KEYS) problems.push('COOKIE_KEYS: required when DATABASE_URL is set');
    if (!cleaned.KEY_ENCRYPTION_KEY) problems.push('KEY_ENCRYPTION_KEY: required when DATABASE_URL is set');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    issuer: e.ISSUER,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR,
    cookieKeys: e.COOKIE_KEYS,
    keyEncryptionKey: e.KEY_ENCRYPTION_KEY,
    argon2: {
      memoryCost: e.ARGON2_MEMORY_KIB,
      timeCost: e.ARGON2_TIME_COST,
      parallelism: e.ARGON2_PARALLELISM,
    },
    ttl: {
      accessToken: e.ACCESS_TOKEN_TTL,
      idToken: e.ID_TOKEN_TTL,
      authorizationCode: e.AUTHORIZATION_CODE_TTL,
      refreshToken: e.REFRESH_TOKEN_TTL,
      clientCredentials: e.CLIENT_CREDENTIALS_TTL,
      session: e.SESSION_TTL,
      interaction: e.INTERACTION_TTL,
      grant: e.GRANT_TTL,
    },
    keyActivationDelay: e.KEY_ACTIVATION_DELAY,
    keyRefreshInterval: e.KEY_REFRESH_INTERVAL,
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    logLevel: e.LOG_LEVEL,
    loginRecordFlushMs: e.LOGIN_RECORD_FLUSH_MS,
  });
}
