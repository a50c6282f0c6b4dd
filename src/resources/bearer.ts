/**
 * Bearer access to the MOE/county resource endpoints (RFC 6750; reference §1.3): the access
 * token is one oidc-provider issued, checked the way its userinfo endpoint checks one (found
 * and unexpired, no other audience, live grant of the same client and account, active
 * account), then the route's scope is required of what the grant still holds.
 *
 * Error codes are RFC 6750's own words (invalid_token, insufficient_scope, invalid_request),
 * which RPs match on, so they carry no module namespace.
 */
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { Account } from '../adapters/db/accounts.js';
import { AppError } from '../errors.js';
import type { AccountService } from '../services/accounts.js';

type ProviderClient = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;

export interface BearerGrant {
  account: Account;
  client: ProviderClient;
  /** scopes of the token that its grant still holds */
  scopes: ReadonlySet<string>;
}

export interface BearerDeps {
  provider(): Provider;
  accounts: AccountService;
  /** the issuer, as the challenge's realm */
  realm: string;
}

const TOKEN68 = /^Bearer +([\w\-.~+/]+=*) *$/i;

function challenge(
  ctx: Context,
  realm: string,
  status: 400 | 401 | 403,
  error: string | undefined,
  description: string,
  scope?: string,
): AppError {
  const params = [`realm="${realm}"`];
  // RFC 6750 §3.1: a request without any token gets no error code in the challenge
  if (error) params.push(`error="${error}"`, `error_description="${description}"`);
  if (scope) params.push(`scope="${scope}"`);
  ctx.set('WWW-Authenticate', `Bearer ${params.join(', ')}`);
  return new AppError(error ?? 'invalid_token', description, status);
}

/** Reads and checks the token; puts a BearerGrant in ctx.state.bearer. */
export function requireBearer(deps: BearerDeps) {
  return async (ctx: Context, next: Next) => {
    const fail = (error: string, description: string) =>
      challenge(ctx, deps.realm, error === 'invalid_request' ? 400 : 401, error, description);
    const header = TOKEN68.exec(ctx.get('authorization'))?.[1];
    const inQuery = ctx.query.access_token;
    if (Array.isArray(inQuery) || (header && inQuery !== undefined)) {
      throw fail('invalid_request', 'send the access token once');
    }
    const value = header ?? inQuery;
    if (!value) throw challenge(ctx, deps.realm, 401, undefined, 'no access token provided');

    const provider = deps.provider();
    const token = await provider.AccessToken.find(value);
    if (!token?.accountId) throw fail('invalid_token', 'access token not found or expired');
    if (token.aud !== undefined || token.isSenderConstrained()) {
      throw fail('invalid_token', 'access token not usable at this endpoint');
    }
    const client = token.clientId ? await provider.Client.find(token.clientId) : undefined;
    if (!client) throw fail('invalid_token', 'client of the access token not found');
    // ?access_token= leaks into logs and Referer; only RPs that cannot send a header use it
    if (!header && client.metadata().allow_query_access_token !== true) {
      throw fail('invalid_request', 'send the access token in the Authorization header');
    }
    const grant = await provider.Grant.find(token.grantId, { ignoreExpiration: true });
    if (
      !grant ||
      grant.isExpired ||
      grant.clientId !== token.clientId ||
      grant.accountId !== token.accountId
    ) {
      throw fail('invalid_token', 'grant of the access token not found');
    }
    const account = await deps.accounts.findById(token.accountId);
    if (account?.status !== 'active') throw fail('invalid_token', 'account of the access token not found');

    const scopes = new Set(grant.getOIDCScopeFiltered(token.scopes).split(' '));
    ctx.state.bearer = { account, client, scopes } satisfies BearerGrant;
    await next();
  };
}

/** 403 insufficient_scope unless the checked token holds scope. */
export function requireScope(scope: string, realm: string) {
  return async (ctx: Context, next: Next) => {
    if (!bearerOf(ctx).scopes.has(scope)) {
      throw challenge(ctx, realm, 403, 'insufficient_scope', `access token lacks the ${scope} scope`, scope);
    }
    await next();
  };
}

export function bearerOf(ctx: Context): BearerGrant {
  return ctx.state.bearer as BearerGrant;
}
