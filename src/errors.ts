/**
 * One error type for the whole app, with Koa's and oidc-provider's status/expose convention,
 * so one error middleware serves both. Each module declares its codes with defineErrors().
 */
import type { Context, Next } from 'koa';

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly expose = true,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

interface ErrorSpec {
  status?: number;
  message: string;
}

/** Declares a module's error catalogue: `const errors = defineErrors('password', {...})`. */
export function defineErrors<K extends string>(namespace: string, specs: Record<K, ErrorSpec>) {
  const out = {} as Record<K, (message?: string) => AppError>;
  for (const [name, spec] of Object.entries(specs) as Array<[K, ErrorSpec]>) {
    out[name] = (message) =>
      new AppError(`${namespace}.${name}`, message ?? spec.message, spec.status ?? 400);
  }
  return out;
}

export function assert(condition: unknown, error: AppError | (() => AppError)): asserts condition {
  if (!condition) throw typeof error === 'function' ? error() : error;
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** JSON error boundary for non-page routes: AppError → {error, error_description}; else a bare 500. */
export async function jsonErrorMiddleware(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (err) {
    if (isAppError(err) && err.expose) {
      ctx.status = err.status;
      ctx.body = { error: err.code, error_description: err.message };
      return;
    }
    ctx.state.log?.error({ err }, 'unhandled error');
    ctx.status = 500;
    ctx.body = { error: 'server_error', error_description: 'internal server error' };
  }
}
