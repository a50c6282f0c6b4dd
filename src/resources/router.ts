/**
 * MOE and county resource endpoints (reference §1.1, §1.2, §4), at the paths RPs hard-code:
 *
 *   path                                   scope      answers
 *   /moeresource/api/v1/oidc/profile       profile    sub + profile claims (+ email claims)
 *   /moeresource/api/v1/oidc/eduinfo       eduinfo    eduinfo v1            (gzip per client)
 *   /moeresource/api/v2/oidc/eduinfo       eduinfo    eduinfo v2, + seatno  (gzip per client)
 *   /cncresource/api/v1/eduinfo            eduinfo    eduinfo v1            (gzip per client)
 *   /cncresource/api/v1/personid           personid   {personid}
 *   /cncresource/api/v1/guid               guid       {guid}
 *   /moeresource/api/v1/oidc/userinfo      -          oidc-provider's userinfo, unchanged
 *
 * profile's and guid's response shapes are NOT FOUND; these are our choice. `relation` is
 * not served: its shape is NOT FOUND.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { SCOPE_CLAIMS } from '../provider/configuration.js';
import { OIDC_ROUTES } from '../provider/routes.js';
import { accountClaims } from '../services/accounts.js';
import type { EduInfoService, EduInfoVersion } from '../services/eduinfo.js';
import type { PersonIdentifiers } from '../services/person-identifiers.js';
import { type BearerDeps, bearerOf, requireBearer, requireScope } from './bearer.js';

export const RESOURCE_ROUTES = {
  profile: '/moeresource/api/v1/oidc/profile',
  userinfo: '/moeresource/api/v1/oidc/userinfo',
  eduinfoV1: '/moeresource/api/v1/oidc/eduinfo',
  eduinfoV2: '/moeresource/api/v2/oidc/eduinfo',
  countyEduinfo: '/cncresource/api/v1/eduinfo',
  personid: '/cncresource/api/v1/personid',
  guid: '/cncresource/api/v1/guid',
} as const;

export interface ResourceDeps extends BearerDeps {
  eduinfo: EduInfoService;
  identifiers: PersonIdentifiers;
}

const gzipAsync = promisify(gzip);

async function noStore(ctx: Context, next: Next) {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
  await next();
}

function profile(ctx: Context) {
  const { account, scopes } = bearerOf(ctx);
  const all = accountClaims(account);
  const names = ['sub', ...SCOPE_CLAIMS.profile, ...(scopes.has('email') ? SCOPE_CLAIMS.email : [])];
  ctx.body = Object.fromEntries(names.map((name) => [name, all[name]]).filter(([, v]) => v !== undefined));
}

function eduinfo(deps: ResourceDeps, version: EduInfoVersion) {
  return async (ctx: Context) => {
    const { account, client } = bearerOf(ctx);
    const body = await deps.eduinfo.find(account, version);
    ctx.vary('Accept-Encoding');
    // tad_login asks MOE for gzip and gunzips it itself (reference §4.1): opt-in per client
    if (client.metadata().eduinfo_gzip === true && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = await gzipAsync(JSON.stringify(body));
    } else {
      ctx.body = body;
    }
  };
}

export function createResourceRouter(deps: ResourceDeps): Router {
  const router = new Router();
  const bearer = requireBearer(deps);
  const guarded = (scope: string, handler: Middleware) =>
    [noStore, bearer, requireScope(scope, deps.realm), handler] as const;
  const routes: Array<[string, ReturnType<typeof guarded>]> = [
    [RESOURCE_ROUTES.profile, guarded('profile', profile)],
    [RESOURCE_ROUTES.eduinfoV1, guarded('eduinfo', eduinfo(deps, 1))],
    [RESOURCE_ROUTES.eduinfoV2, guarded('eduinfo', eduinfo(deps, 2))],
    [RESOURCE_ROUTES.countyEduinfo, guarded('eduinfo', eduinfo(deps, 1))],
    [
      RESOURCE_ROUTES.personid,
      guarded('personid', (ctx) => {
        ctx.body = { personid: deps.identifiers.personid(bearerOf(ctx).account) };
      }),
    ],
    [
      RESOURCE_ROUTES.guid,
      guarded('guid', (ctx) => {
        ctx.body = { guid: deps.identifiers.guid(bearerOf(ctx).account) };
      }),
    ],
  ];
  for (const [path, stack] of routes) {
    router.get(path, ...stack);
    router.post(path, ...stack);
  }
  // NPM RP's userinfo path: the provider's userinfo endpoint answers it (GET and POST)
  router.all(RESOURCE_ROUTES.userinfo, (ctx, next) => {
    ctx.path = OIDC_ROUTES.userinfo;
    return next();
  });
  return router;
}
