import type Router from '@koa/router';
import { z } from 'zod';
import { defineErrors } from '../../errors.js';
import type { InteractionDeps } from '../deps.js';
import { finishInteraction, interactionOf } from '../pages.js';

const consentErrors = defineErrors('consent', { invalid_decision: { message: 'input.invalid' } });
const schema = z.object({ decision: z.enum(['allow', 'deny']) });

export function mountConsentRoutes(router: Router, deps: InteractionDeps): void {
  router.post('/interaction/:uid/consent', async (ctx) => {
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw consentErrors.invalid_decision();
    const provider = deps.provider();
    const details = await interactionOf(ctx, deps);
    let result: Record<string, unknown>;
    if (parsed.data.decision === 'deny') {
      result = { error: 'access_denied', error_description: 'End-User denied consent' };
    } else {
      const accountId = details.session?.accountId;
      const clientId = String(details.params.client_id);
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId, clientId });
      const missing = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await finishInteraction(ctx, deps, result, true);
  });
}
