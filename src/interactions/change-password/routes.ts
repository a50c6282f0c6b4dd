/**
 * The forced password change (must_change_password, and later after a passOne login): the
 * login finishes only once a new password that meets the policy is set. The page itself is
 * rendered by renderInteraction while the login waits in the interaction state.
 */
import type Router from '@koa/router';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { passwordErrors } from '../../services/passwords.js';
import type { InteractionDeps } from '../deps.js';
import { completeLogin } from '../finish.js';
import type { MethodId } from '../methods/types.js';
import { interactionOf, pendingPasswordChange, renderInteraction } from '../pages.js';
import { PENDING_PASSWORD_CHANGE } from '../state.js';

const schema = z.object({ new_password: z.string().max(4096), confirm_password: z.string().max(4096) });
// reached without a verified login (or after it expired): start from the login page
const notPending = () => new AppError('interaction.expired', 'interaction.expired');

export function mountChangePasswordRoutes(router: Router, deps: InteractionDeps): void {
  router.get('/interaction/:uid/change-password', async (ctx) => {
    if (!(await pendingPasswordChange(deps, await interactionOf(ctx, deps)))) throw notPending();
    await renderInteraction(ctx, deps);
  });

  router.post('/interaction/:uid/change-password', async (ctx) => {
    const details = await interactionOf(ctx, deps);
    const login = await pendingPasswordChange(deps, details);
    if (!login) throw notPending();
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('input.invalid', 'input.invalid');
    if (parsed.data.new_password !== parsed.data.confirm_password) throw passwordErrors.mismatch();
    await deps.accounts.setPassword(login.accountId, parsed.data.new_password);
    await deps.state.delete(details.uid, PENDING_PASSWORD_CHANGE);
    await completeLogin(ctx, deps, {
      accountId: login.accountId,
      method: login.method as MethodId,
      username: login.username,
    });
  });
}
