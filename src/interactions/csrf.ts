/**
 * CSRF protection for every hosted form: a random token in a signed, httpOnly cookie and the
 * same token in a hidden field (signed double submit), compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { defineErrors } from '../errors.js';

const COOKIE = 'edu_csrf';
export const csrfErrors = defineErrors('csrf', { invalid: { status: 403, message: 'csrf.invalid' } });

/** The token for forms rendered in this response (created on first use). */
export function csrfToken(ctx: Context): string {
  const existing = ctx.state.csrf as string | undefined;
  if (existing) return existing;
  let token = ctx.cookies.get(COOKIE, { signed: true });
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
    token = randomBytes(32).toString('base64url');
    ctx.cookies.set(COOKIE, token, {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      overwrite: true,
    });
  }
  ctx.state.csrf = token;
  return token;
}

/** Router guard: unsafe methods must carry the cookie's token in the `csrf` field. */
export async function verifyCsrf(ctx: Context, next: Next): Promise<void> {
  if (ctx.method === 'POST') {
    const cookie = ctx.cookies.get(COOKIE, { signed: true }) ?? '';
    const field = (ctx.request.body as Record<string, unknown> | undefined)?.csrf;
    const a = Buffer.from(cookie);
    const b = Buffer.from(typeof field === 'string' ? field : '');
    if (!cookie || a.length !== b.length || !timingSafeEqual(a, b)) throw csrfErrors.invalid();
  }
  await next();
}
