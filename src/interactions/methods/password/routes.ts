import type Router from '@koa/router';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { passwordMethodErrors } from './errors.js';
import { passwordLoginSchema } from './schema.js';
import { verifyPassword } from './verify.js';

export function mountPasswordRoutes(router: Router, deps: InteractionDeps): void {
  router.post('/interaction/:uid/password', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    // the error middleware records the failure and re-renders the form with this username
    ctx.state.attempt = { method: 'password', username };
    const parsed = passwordLoginSchema.safeParse(body);
    if (!parsed.success) throw passwordMethodErrors.invalid_input();
    const accountId = await verifyPassword(deps.accounts, parsed.data);
    await finishLogin(ctx, deps, { accountId, method: 'password', username: parsed.data.username });
  });
}
