/** Reading form fields and query parameters as the trimmed-later strings the services take. */
import type { Context } from 'koa';

const first = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

/** A field of the posted form ('' when absent). */
export function formText(ctx: Context, name: string): string {
  return first((ctx.request.body as Record<string, unknown> | undefined)?.[name]);
}

/** A query parameter, trimmed; undefined when absent or blank. */
export function queryText(ctx: Context, name: string): string | undefined {
  return first(ctx.query[name]).trim() || undefined;
}
