import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb, type Db } from '../../src/adapters/db.js';
import { createAccountService, normalizeUsername } from '../../src/services/accounts.js';
import { checkPasswordPolicy, createPasswordHasher } from '../../src/services/passwords.js';
import { TEST_DATABASE_URL } from '../helpers/env.js';

const code = (pw: string, username?: string) => checkPasswordPolicy(pw, { username })?.code;

describe('checkPasswordPolicy (ASVS 5.0 §6.2)', () => {
  it('requires at least 8 characters, counted as characters not bytes', () => {
    expect(code('abc1234')).toBe('password.too_short');
    expect(code('春眠不覺曉處處聞')).toBeUndefined();
    expect(code('春眠不覺曉處處')).toBe('password.too_short');
  });

  it('allows long passphrases (64 and more) and has no composition rules', () => {
    expect(code(`${'a'.repeat(40)} quiet river under the old stone bridge`)).toBeUndefined();
    expect(code('all lower case words only')).toBeUndefined();
    expect(code('x'.repeat(257))).toBe('password.too_long');
  });

  it('rejects common passwords, including ones common in Taiwan, whatever their case', () => {
    for (const pw of [
      'password',
      'Password1',
      '12345678',
      'qwerty123',
      'aa123456',
      '1qaz2wsx',
      'iloveyou',
      'woaini1314',
    ]) {
      expect(code(pw)).toBe('password.too_common');
    }
  });

  it('rejects repeated characters, digit runs and dates (birthdays)', () => {
    for (const pw of ['zzzzzzzz', '23456789', '98765432', '20100405', '19991231']) {
      expect(code(pw)).toBe('password.too_common');
    }
    expect(code('1990 was a good year for me')).toBeUndefined();
  });

  it('rejects a password containing the username', () => {
    expect(code('my-aa1234-secret', 'aa1234')).toBe('password.contains_username');
    expect(code('my-other-secret', 'aa1234')).toBeUndefined();
  });
});

describe('normalizeUsername', () => {
  it('lower-cases, trims, folds full-width forms and drops the @domain', () => {
    expect(normalizeUsername('AA1234@kl.edu.tw')).toBe('aa1234');
    expect(normalizeUsername('  Tc0001  ')).toBe('tc0001');
    expect(normalizeUsername('ＡＢ１２３')).toBe('ab123');
    expect(normalizeUsername('@kl.edu.tw')).toBe('');
  });
});

describe('argon2id hashing', () => {
  let db: Db;
  beforeAll(() => {
    db = createDb(TEST_DATABASE_URL, 2);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('uses argon2id with the configured parameters and rehashes on login when they change', async () => {
    await db('accounts').where({ username: 'rehash01' }).delete();
    const weak = await createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const before = createAccountService(db, weak);
    const { account } = await before.upsert({ username: 'rehash01', password: 'a good long passphrase' });
    expect(account.passwordHash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);

    const stronger = await createPasswordHasher({ memoryCost: 2048, timeCost: 2, parallelism: 1 });
    const after = createAccountService(db, stronger);
    await after.authenticatePassword('rehash01', 'a good long passphrase');
    const reloaded = await after.findById(account.id);
    expect(reloaded?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=2048,p=1,t=2\$/);
    await expect(after.authenticatePassword('rehash01', 'a good long passphrase')).resolves.toMatchObject({
      id: account.id,
    });
  });

  it('spends the same argon2 work for an unknown user as for a wrong password', async () => {
    await db('accounts').where({ username: 'timing01' }).delete();
    // the production cost, so that argon2 dominates and the comparison means something
    const hasher = await createPasswordHasher({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const service = createAccountService(db, hasher);
    await service.upsert({ username: 'timing01', password: 'a good long passphrase' });
    const time = async (username: string) => {
      const started = performance.now();
      await service.authenticatePassword(username, 'wrong guess 123').catch((e: { code: string }) => {
        expect(e.code).toBe('password.invalid_credentials');
      });
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) {
      known.push(await time('timing01'));
      unknown.push(await time(`nobody${i}`));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});
