/**
 * POST /interaction/:uid/activation: 啟用 records the activation (services/service-catalog.ts)
 * and continues the login, whose checks then run again (a consent page may follow); 取消 ends
 * it with access_denied for the RP.
 */
import type Router from '@koa/router';
import { z } from 'zod';
import { assert, defineErrors } from '../../errors.js';
import type { InteractionDeps } from '../deps.js';
import { finishInteraction, interactionOf } from '../pages.js';
import { isActivationPrompt } from './page.js';

const activationErrors = defineErrors('activation', {
  invalid_decision: { message: 'input.invalid' },
  not_pending: { message: 'input.invalid' },
});
const schema = z.object({ decision: z.enum(['activate', 'cancel']) });

export function mountActivationRoutes(router: Router, deps: InteractionDeps): void {
  router.post('/interaction/:uid/activation', async (ctx) => {
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw activationErrors.invalid_decision();
    const details = await interactionOf(ctx, deps);
    assert(isActivationPrompt(details), activationErrors.not_pending);
    if (parsed.data.decision === 'cancel') {
      const result = { error: 'access_denied', error_description: 'End-User did not activate the service' };
      await finishInteraction(ctx, deps, result, false);
      return;
    }
    const accountId = details.session?.accountId;
    assert(accountId, activationErrors.not_pending);
    const state = await deps.serviceCatalog.activationFor(accountId, String(details.params.client_id));
    // @throws service.not_available: the page comes back with the message
    if (state && !state.activatedAt) await deps.serviceCatalog.activate(accountId, state.service.id);
    // nothing decided here but the activation: the provider checks the request again
    await finishInteraction(ctx, deps, {}, true);
  });
}
