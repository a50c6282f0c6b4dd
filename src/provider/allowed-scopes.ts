/**
 * A client's `scope` metadata (MOE's allowingscopes) lists what it may be granted.
 * oidc-provider refuses a whole authorization request with invalid_scope when it asks for a
 * listed scope outside that list; MOE-era RPs send one fixed scope string to every OP
 * (reference §2), so this middleware, ahead of the provider, drops those scopes from the
 * request instead and the rest of the sign-in goes on.
 *
 * Only the query of GET authorization requests is rewritten (what MOE and county RPs send).
 * A POST, pushed or signed (JAR) request cannot be rewritten here and keeps oidc-provider's
 * invalid_scope: either way a scope outside the list is never granted.
 */
import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { SCOPES } from './configuration.js';
import { OIDC_ROUTES } from './routes.js';

const SUPPORTED = new Set<string>(SCOPES);

export function dropDisallowedScopes(provider: () => Provider) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method === 'GET' && ctx.path === OIDC_ROUTES.authorization) {
      const query = new URLSearchParams(ctx.querystring);
      const clientIds = query.getAll('client_id');
      const scopes = query.getAll('scope');
      // duplicated parameters are oidc-provider's to refuse
      if (clientIds.length === 1 && scopes.length === 1) {
        // an unknown or invalid client is also oidc-provider's to report
        const client = await provider()
          .Client.find(clientIds[0]!)
          .catch(() => undefined);
        if (client?.scope) {
          const allowed = new Set(client.scope.split(' '));
          const requested = scopes[0]!.split(' ');
          const kept = requested.filter((s) => !SUPPORTED.has(s) || allowed.has(s));
          if (kept.length !== requested.length) {
            query.set('scope', kept.join(' '));
            ctx.querystring = query.toString();
          }
        }
      }
    }
    await next();
  };
}
