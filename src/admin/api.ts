/**
 * The JSON admin API under /admin/api/v1: a table of routes, each with zod schemas for its
 * path parameters, query, body and response. The same table validates every request at the
 * edge, passes every response through its schema (so no hash or secret leaks: unknown keys
 * are stripped), and produces the OpenAPI 3.1 document served at /admin/api/v1/openapi.json.
 *
 * Authorization: an access token of this OP carrying the `admin` scope (Authorization:
 * Bearer), or the console session cookie (then unsafe methods must echo the CSRF token in
 * X-CSRF-Token). Either way the caller becomes an Actor and the policy decides.
 */
import { timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { z } from 'zod';
import type { Account } from '../adapters/db/accounts.js';
import { defineErrors, isAppError } from '../errors.js';
import { csrfToken } from '../interactions/csrf.js';
import { bearerOf, requireBearer, requireScope } from '../resources/bearer.js';
import { loadActor } from '../services/admin/actor.js';
import {
  type Actor,
  isCountyAdmin,
  isSchoolAdmin,
  isTeacher,
  policyErrors,
} from '../services/admin/policy.js';
import { requireAllowedAddress } from './address.js';
import type { AdminDeps } from './deps.js';

export const API_BASE = '/admin/api/v1';
export const ADMIN_SCOPE = 'admin';

export const apiErrors = defineErrors('admin_api', {
  invalid_token: { status: 401, message: 'admin_api.invalid_token' },
  invalid_request: { status: 400, message: 'admin_api.invalid_request' },
  csrf: { status: 403, message: 'admin_api.csrf' },
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  ctx: Context;
}

export interface ApiRoute<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: Method;
  /** koa-style path under API_BASE, e.g. /schools/:id */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType<R>;
  /** 200 unless set (201 for creations) */
  status?: number;
  handler(input: ApiInput<P, Q, B>): Promise<z.input<z.ZodType<R>>>;
}

export class ApiRegistry {
  readonly routes: ApiRoute[] = [];

  add<P, Q, B, R>(route: ApiRoute<P, Q, B, R>): void {
    this.routes.push(route as unknown as ApiRoute);
  }
}

/** Page of a list response: { items, total, offset, limit }. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
  });
}

export const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const errorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

function parseOrThrow<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw apiErrors.invalid_request(`${where}: ${issuesText(result.error)}`);
  return result.data;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Bearer token (checked as the resource endpoints check one) or console session → ctx.state.actor. */
function authenticate(deps: AdminDeps) {
  const bearer = { provider: deps.provider, accounts: deps.accounts, realm: deps.config.issuer };
  const checkToken = requireBearer(bearer);
  const checkScope = requireScope(ADMIN_SCOPE, bearer.realm);
  return async (ctx: Context, next: Next) => {
    let account: Account | undefined;
    let via: 'api' | 'console' = 'api';
    if (ctx.get('authorization') || ctx.query.access_token !== undefined) {
      await checkToken(ctx, () => checkScope(ctx, async () => undefined));
      account = bearerOf(ctx).account;
    } else {
      const session = await deps.sessions.current(ctx);
      if (!session) throw apiErrors.invalid_token();
      via = 'console';
      if (!['GET', 'HEAD'].includes(ctx.method)) {
        // a browser session could be driven by another site's form: unsafe calls must prove
        // they were made by our own page
        if (!sameToken(ctx.get('x-csrf-token'), csrfToken(ctx))) throw apiErrors.csrf();
      }
      account = await deps.accounts.findById(session.accountId);
    }
    if (account?.status !== 'active') throw apiErrors.invalid_token();
    const actor = await loadActor(deps.db, account, { ip: ctx.ip, via });
    if (!isCountyAdmin(actor) && !isSchoolAdmin(actor) && !isTeacher(actor)) throw policyErrors.forbidden();
    await requireAllowedAddress(deps, actor, account.schoolId);
    ctx.state.actor = actor;
    await next();
  };
}

/** JSON errors of the API, with WWW-Authenticate on 401 (RFC 6750). */
const apiErrorBoundary = (deps: AdminDeps) => async (ctx: Context, next: Next) => {
  try {
    await next();
  } catch (err) {
    if (isAppError(err) && err.expose) {
      ctx.status = err.status;
      ctx.body = { error: err.code, error_description: err.message };
      // requireBearer sets its own challenge; a call with neither token nor session gets one too
      if (err.status === 401 && !ctx.response.get('WWW-Authenticate')) {
        ctx.set('WWW-Authenticate', `Bearer realm="${deps.config.issuer}"`);
      }
      return;
    }
    ctx.state.log?.error({ err }, 'admin api failed');
    ctx.status = 500;
    ctx.body = { error: 'server_error', error_description: 'internal server error' };
  }
};

export function mountApi(router: Router, registry: ApiRegistry, deps: AdminDeps): void {
  router.get(`${API_BASE}/openapi.json`, (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openApiDocument(registry, deps.config.issuer);
  });
  router.use(API_BASE, apiErrorBoundary(deps));
  for (const route of registry.routes) {
    router[route.method](`${API_BASE}${route.path}`, authenticate(deps), async (ctx) => {
      ctx.set('Cache-Control', 'no-store');
      const hasBody = ['post', 'put', 'patch'].includes(route.method);
      if (hasBody && route.body && !ctx.is('application/json')) {
        throw apiErrors.invalid_request('the body must be application/json');
      }
      const input = {
        params: parseOrThrow(route.params, ctx.params, 'path'),
        query: parseOrThrow(route.query, ctx.query, 'query'),
        body: parseOrThrow(route.body, ctx.request.body ?? {}, 'body'),
        actor: ctx.state.actor as Actor,
        ctx,
      };
      const result = await route.handler(input);
      // the response schema is the contract: it also strips anything not declared
      ctx.status = route.status ?? 200;
      ctx.body = route.response.parse(result);
    });
  }
}

function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: s,
  }));
}

export function openApiDocument(registry: ApiRegistry, issuer: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const error = { content: { 'application/json': { schema: z.toJSONSchema(errorSchema) } } };
  for (const r of registry.routes) {
    const path = toOpenApiPath(`${API_BASE}${r.path}`);
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: {
        [String(r.status ?? 200)]: {
          description: 'OK',
          content: {
            'application/json': {
              schema: z.toJSONSchema(r.response, { io: 'output', unrepresentable: 'any' }),
            },
          },
        },
        400: { description: 'Invalid request', ...error },
        401: { description: 'Missing, unknown or expired access token', ...error },
        403: { description: 'Not allowed for this actor, or the token lacks the admin scope', ...error },
        404: { description: 'Not found or not visible to this actor', ...error },
      },
      security: [{ bearer: [] }, { session: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'edu-idp admin API',
      version: '1',
      description:
        "Delegated administration of schools, accounts, roster imports, applications, transfers, whitelist and audit log. Every call is checked against the caller's role: county admin, school admin or teacher.",
    },
    servers: [{ url: issuer }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'oauth2',
          description: `An access token of this OP with the "${ADMIN_SCOPE}" scope.`,
          flows: {
            authorizationCode: {
              authorizationUrl: `${issuer}/oidc/v1/azp`,
              tokenUrl: `${issuer}/oidc/v1/token`,
              scopes: { [ADMIN_SCOPE]: 'administer what the signed-in account may administer' },
            },
          },
        },
        session: { type: 'apiKey', in: 'cookie', name: 'edu_admin' },
      },
    },
    paths,
  };
}
