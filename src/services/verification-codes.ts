/**
 * One-time verification codes for an e-mail address or a mobile number (the two codes of
 * 新帳號申請): six digits, kept only as a keyed hash in the short-lived store for
 * config.verificationCodeTtl, compared in constant time, at most five wrong tries per code,
 * and a resend throttle. Also a coarse fixed-window limiter for anything that sends messages.
 *
 * The store has no atomic increment: callers serialise verify() and issue() for one subject
 * (the applications service holds the application's row lock), so the try counter holds.
 */
import { randomInt } from 'node:crypto';
import { epochTime, type PayloadStore } from '../adapters/oidc/payload-store.js';
import { AppError, defineErrors } from '../errors.js';
import type { SecretBox } from './secret-box.js';

export type CodeChannel = 'email' | 'sms';

export const verificationErrors = defineErrors('verification', {
  required: { message: 'verification.required' },
  invalid: { message: 'verification.invalid' },
  expired: { message: 'verification.expired' },
  too_many_attempts: { status: 429, message: 'verification.too_many_attempts' },
  resend_too_soon: { status: 429, message: 'verification.resend_too_soon' },
  send_limit: { status: 429, message: 'verification.send_limit' },
});

export const isVerificationError = (err: unknown): err is AppError =>
  err instanceof AppError && err.code.startsWith('verification.');

const rateLimited = () => new AppError('rate_limit.exceeded', 'rate_limit.exceeded', 429);

const MODEL = 'VerificationCode';
const LIMIT_MODEL = 'SendLimit';

interface Entry extends Record<string, unknown> {
  hash: string | null;
  attempts: number;
  sends: number;
  sentAt: number;
  expiresAt: number;
}

export interface VerificationCodeOptions {
  /** seconds a code stays valid (config.verificationCodeTtl) */
  ttl: number;
  maxAttempts?: number;
  /** seconds before another code may be sent to the same subject and channel */
  resendInterval?: number;
  /** codes sent to one subject and channel within a TTL */
  maxSends?: number;
}

export interface SendQuota {
  key: string;
  max: number;
  windowSeconds: number;
}

export interface VerificationCodeService {
  /**
   * A fresh code for the subject (an application id) and channel; the caller sends it.
   * `quota` is counted (see limit) only once the resend throttle lets the code go.
   * @throws verification.resend_too_soon, verification.send_limit, rate_limit.exceeded
   */
  issue(subject: string, channel: CodeChannel, quota?: SendQuota): Promise<string>;
  /**
   * Accepts the code once. Full-width digits and spaces (a Chinese IME) are folded.
   * @throws verification.required | invalid | expired | too_many_attempts
   */
  verify(subject: string, channel: CodeChannel, code: string): Promise<void>;
  /**
   * Counts one use of `key` (an IP address, a destination) in a fixed window.
   * @throws rate_limit.exceeded past `max` within `windowSeconds`
   */
  limit(key: string, max: number, windowSeconds: number): Promise<void>;
  readonly ttl: number;
}

export const CODE_MAX_ATTEMPTS = 5;
export const CODE_RESEND_INTERVAL = 60;
export const CODE_MAX_SENDS = 5;

export function createVerificationCodeService(
  store: PayloadStore,
  box: SecretBox,
  opts: VerificationCodeOptions,
): VerificationCodeService {
  const maxAttempts = opts.maxAttempts ?? CODE_MAX_ATTEMPTS;
  const resendInterval = opts.resendInterval ?? CODE_RESEND_INTERVAL;
  const maxSends = opts.maxSends ?? CODE_MAX_SENDS;
  const id = (subject: string, channel: CodeChannel) => `${channel}:${subject}`;
  // the context binds a hash to its subject and channel: a code is never valid elsewhere
  const context = (key: string) => `verification-code:${key}`;
  const find = async (key: string) => {
    const entry = (await store.find(MODEL, key)) as Entry | undefined;
    return entry && entry.expiresAt > epochTime() ? entry : undefined;
  };
  const save = (key: string, entry: Entry) =>
    store.upsert(MODEL, key, entry, Math.max(1, entry.expiresAt - epochTime()));

  const limit: VerificationCodeService['limit'] = async (key, max, windowSeconds) => {
    // fixed window keyed by its start: a burst racing the read may overshoot by a few, which
    // is acceptable for a limit whose job is to stop a flood of messages
    const window = Math.floor(epochTime() / windowSeconds);
    const windowKey = `${key}:${window}`;
    const entry = (await store.find(LIMIT_MODEL, windowKey)) as { count: number } | undefined;
    const count = (entry?.count ?? 0) + 1;
    if (count > max) throw rateLimited();
    await store.upsert(LIMIT_MODEL, windowKey, { count }, windowSeconds);
  };

  return {
    ttl: opts.ttl,
    limit,

    async issue(subject, channel, quota) {
      const key = id(subject, channel);
      const now = epochTime();
      const existing = await find(key);
      if (existing && now - existing.sentAt < resendInterval) throw verificationErrors.resend_too_soon();
      if (existing && existing.sends >= maxSends) throw verificationErrors.send_limit();
      if (quota) await limit(quota.key, quota.max, quota.windowSeconds);
      const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
      await save(key, {
        hash: box.hash(code, context(key)),
        attempts: 0,
        sends: (existing?.sends ?? 0) + 1,
        sentAt: now,
        expiresAt: now + opts.ttl,
      });
      return code;
    },

    async verify(subject, channel, input) {
      const code = input.normalize('NFKC').replace(/\s+/g, '');
      if (!code) throw verificationErrors.required();
      const key = id(subject, channel);
      const entry = await find(key);
      if (!entry) throw verificationErrors.expired();
      // a spent code stays (without its hash) so that the send counter survives until expiry
      if (!entry.hash || entry.attempts >= maxAttempts) throw verificationErrors.too_many_attempts();
      if (/^\d{6}$/.test(code) && box.verifyHash(code, entry.hash, context(key))) {
        await store.destroy(MODEL, key);
        return;
      }
      const attempts = entry.attempts + 1;
      await save(key, { ...entry, attempts, ...(attempts >= maxAttempts ? { hash: null } : {}) });
      throw attempts >= maxAttempts ? verificationErrors.too_many_attempts() : verificationErrors.invalid();
    },
  };
}
