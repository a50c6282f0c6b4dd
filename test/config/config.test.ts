import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../src/config.js';

const COOKIE_KEY = 'k'.repeat(32);
const KEK = randomBytes(32);

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not throw). */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

/** The names of the variables the problems are about. */
const variables = (problems: string[]) => [...new Set(problems.map((p) => p.split(/[.:]/)[0]))].sort();

describe('loadConfig', () => {
  it('gives an empty environment the documented defaults (evaluation mode)', () => {
    const config = loadConfig({});
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.cookieKeys).toBeUndefined();
    expect(config.keyEncryptionKey).toBeUndefined();
    expect(config.dataDir).toBe('./data');
    // OWASP's argon2id minimum: m=19 MiB, t=2, p=1
    expect(config.argon2).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(config.ttl).toEqual({
      accessToken: 3600,
      idToken: 3600,
      authorizationCode: 60,
      refreshToken: 14 * 24 * 3600,
      clientCredentials: 3600,
      session: 8 * 3600,
      interaction: 30 * 60,
      grant: 365 * 24 * 3600,
    });
    expect(config.keyActivationDelay).toBe(3600);
    expect(config.trustProxy).toBe(false);
    expect(config.logLevel).toBe('info');
    expect(config.loginRecordFlushMs).toBe(200);
  });

  it('treats empty variables as unset (PORT= in a .env file)', () => {
    const config = loadConfig({ PORT: '', ISSUER: '', DATABASE_URL: '' });
    expect(config.port).toBe(3000);
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads process.env when called without an argument', () => {
    const saved = process.env.ACCESS_TOKEN_TTL;
    process.env.ACCESS_TOKEN_TTL = '900';
    try {
      expect(loadConfig().ttl.accessToken).toBe(900);
    } finally {
      if (saved === undefined) delete process.env.ACCESS_TOKEN_TTL;
      else process.env.ACCESS_TOKEN_TTL = saved;
    }
  });

  it('lists every problem in one ConfigError', () => {
    const problems = problemsOf({
      ISSUER: 'https://idp.kl.edu.tw/',
      PORT: 'abc',
      COOKIE_KEYS: 'too-short',
      KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64'),
    });
    expect(variables(problems)).toEqual(['COOKIE_KEYS', 'ISSUER', 'KEY_ENCRYPTION_KEY', 'PORT']);
    expect(problems).toEqual(
      expect.arrayContaining([
        'ISSUER: must not end with a slash',
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^COOKIE_KEYS\.0: each cookie key needs at least 32 characters/),
        expect.stringMatching(/^KEY_ENCRYPTION_KEY: must decode to exactly 32 bytes/),
      ]),
    );
    const err = (() => {
      try {
        loadConfig({ ISSUER: 'https://idp.kl.edu.tw/', PORT: 'abc' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.name).toBe('ConfigError');
    expect(err?.message).toMatch(
      /^Invalid configuration:\n {2}- ISSUER: must not end with a slash\n {2}- PORT: /,
    );
  });

  it.each([
    ['ISSUER', 'not a url'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/idp'],
    ['REDIS_URL', 'localhost:6379'],
    ['ARGON2_MEMORY_KIB', '512'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['TRUST_PROXY', 'yes'],
    ['LOG_LEVEL', 'verbose'],
  ])('rejects %s=%s', (name, value) => {
    expect(variables(problemsOf({ [name]: value }))).toContain(name);
  });

  it('requires COOKIE_KEYS and KEY_ENCRYPTION_KEY when DATABASE_URL is set', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://idp@db.kl.edu.tw/idp' });
    expect(problems.sort()).toEqual([
      'COOKIE_KEYS: required when DATABASE_URL is set',
      'KEY_ENCRYPTION_KEY: required when DATABASE_URL is set',
    ]);
    expect(problemsOf({ DATABASE_URL: 'postgres://idp@db/idp', COOKIE_KEYS: COOKIE_KEY })).toEqual([
      'KEY_ENCRYPTION_KEY: required when DATABASE_URL is set',
    ]);
  });

  it('reports the missing secrets together with the other problems (one pass for the operator)', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://idp@db.kl.edu.tw/idp', PORT: 'abc' });
    expect(variables(problems)).toEqual(['COOKIE_KEYS', 'KEY_ENCRYPTION_KEY', 'PORT']);
  });

  it('parses a complete production environment into a frozen Config', () => {
    const cookieKeys = [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')];
    const config = loadConfig({
      ISSUER: 'https://idp.kl.edu.tw',
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://idp:secret@db.kl.edu.tw:5432/idp',
      DATABASE_POOL_MAX: '20',
      REDIS_URL: 'redis://cache.kl.edu.tw:6379/0',
      DATA_DIR: '/var/lib/edu-idp',
      COOKIE_KEYS: ` ${cookieKeys[0]} , ${cookieKeys[1]},`,
      KEY_ENCRYPTION_KEY: KEK.toString('base64'),
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '2',
      ACCESS_TOKEN_TTL: '600',
      REFRESH_TOKEN_TTL: '86400',
      KEY_ACTIVATION_DELAY: '0',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
      LOGIN_RECORD_FLUSH_MS: '50',
    });
    expect(config).toMatchObject({
      issuer: 'https://idp.kl.edu.tw',
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://idp:secret@db.kl.edu.tw:5432/idp',
      databasePoolMax: 20,
      redisUrl: 'redis://cache.kl.edu.tw:6379/0',
      dataDir: '/var/lib/edu-idp',
      cookieKeys,
      argon2: { memoryCost: 65536, timeCost: 3, parallelism: 2 },
      keyActivationDelay: 0,
      trustProxy: true,
      logLevel: 'warn',
      loginRecordFlushMs: 50,
    });
    expect(config.ttl).toMatchObject({ accessToken: 600, refreshToken: 86400, idToken: 3600 });
    expect(Buffer.isBuffer(config.keyEncryptionKey)).toBe(true);
    expect(config.keyEncryptionKey!.equals(KEK)).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(8080);
  });

  it('accepts the key-encryption key as base64url too', () => {
    const config = loadConfig({ KEY_ENCRYPTION_KEY: KEK.toString('base64url') });
    expect(config.keyEncryptionKey!.equals(KEK)).toBe(true);
  });
});
