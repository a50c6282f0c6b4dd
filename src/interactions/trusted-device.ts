/**
 * The trusted-device cookie (OWASP "Slow down online guessing attacks with device cookies"):
 * after a successful login, this browser is remembered as a device of the account. The
 * throttle (services/throttle.ts) does not hold such a browser back for failures made from
 * elsewhere, so a distributed attack on an account cannot lock its owner out of their usual
 * browser.
 *
 * One signed (Keygrip, COOKIE_KEYS), httpOnly cookie holds the tags of the last few accounts
 * signed into from this browser (a family computer, a classroom PC). A tag is a keyed hash of
 * the username: the cookie names no account, and nobody without the keys can make one.
 */
import type { Context } from 'koa';
import type { Throttle } from '../services/throttle.js';

export const DEVICE_COOKIE = 'edu_device';
const MAX_ACCOUNTS = 10;
const MAX_AGE_MS = 180 * 24 * 3600 * 1000;

function tagsOf(ctx: Context): string[] {
  const raw = ctx.cookies.get(DEVICE_COOKIE, { signed: true });
  return raw ? raw.split('.').filter((t) => /^[\w-]{1,64}$/.test(t)) : [];
}

/** The browser has signed into this account before. */
export function isTrustedDevice(ctx: Context, throttle: Throttle, username: string): boolean {
  return tagsOf(ctx).includes(throttle.deviceTag(username));
}

/** Remembers this browser for the account (most recent first, a bounded list). */
export function rememberDevice(ctx: Context, throttle: Throttle, username: string): void {
  const tag = throttle.deviceTag(username);
  const tags = [tag, ...tagsOf(ctx).filter((t) => t !== tag)].slice(0, MAX_ACCOUNTS);
  ctx.cookies.set(DEVICE_COOKIE, tags.join('.'), {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: MAX_AGE_MS,
    overwrite: true,
  });
}
