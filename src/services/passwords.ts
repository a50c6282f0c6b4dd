/**
 * Password hashing (argon2id, parameters from config, rehash when they change) and the
 * password policy of ASVS 5.0 §6.2: at least 8 characters, 64 and more allowed, no
 * composition rules, and not in a list of common passwords.
 */
import { readFileSync } from 'node:fs';
import { dictionary } from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { defineErrors } from '../errors.js';

export const passwordErrors = defineErrors('password', {
  too_short: { message: 'password.too_short' },
  too_long: { message: 'password.too_long' },
  too_common: { message: 'password.too_common' },
  contains_username: { message: 'password.contains_username' },
  mismatch: { message: 'password.mismatch' },
});

export const MIN_PASSWORD_LENGTH = 8;
/** Long passphrases are welcome; the cap only bounds hashing work per request. */
export const MAX_PASSWORD_LENGTH = 256;

export interface Argon2Params {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const blocklist: ReadonlySet<string> = new Set([
  ...dictionary['passwords-common'].map((p: string) => p.toLowerCase()),
  ...readFileSync(new URL('./data/common-passwords-tw.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
]);

const charLength = (s: string) => [...s].length;

/** Returns the error code the password violates, or undefined when it is acceptable. */
export function checkPasswordPolicy(password: string, context: { username?: string } = {}) {
  const length = charLength(password);
  if (length < MIN_PASSWORD_LENGTH) return passwordErrors.too_short();
  if (length > MAX_PASSWORD_LENGTH) return passwordErrors.too_long();
  const lower = password.toLowerCase();
  if (blocklist.has(lower)) return passwordErrors.too_common();
  // one repeated character, or a plain ascending/descending run of digits (12345678, 98765432)
  if (/^(.)\1+$/u.test(password) || isDigitRun(lower)) return passwordErrors.too_common();
  // a date such as 20100405: students' default passwords are often birthdays
  if (/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(lower)) return passwordErrors.too_common();
  const username = context.username?.toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) return passwordErrors.contains_username();
  return undefined;
}

function isDigitRun(s: string): boolean {
  if (!/^\d+$/.test(s)) return false;
  const steps = new Set<number>();
  for (let i = 1; i < s.length; i++) steps.add((s.charCodeAt(i) - s.charCodeAt(i - 1) + 10) % 10);
  return steps.size === 1 && (steps.has(1) || steps.has(9));
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  needsRehash(hash: string): boolean;
  /** Spends the same time as a real verification, for unknown users. */
  verifyDummy(password: string): Promise<void>;
}

export async function createPasswordHasher(params: Argon2Params): Promise<PasswordHasher> {
  const options = { type: argon2.argon2id, ...params } as const;
  const dummyHash = await argon2.hash('edu-idp dummy password for timing equalisation', options);
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false; // a corrupt or foreign hash never verifies
      }
    },
    needsRehash: (hash) => argon2.needsRehash(hash, options),
    async verifyDummy(password) {
      await argon2.verify(dummyHash, password).catch(() => false);
    },
  };
}
