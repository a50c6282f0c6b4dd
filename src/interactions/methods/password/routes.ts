import type Router from '@koa/router';
import { isAppError } from '../../../errors.js';
import { normalizeUsername } from '../../../services/accounts.js';
import type { InteractionDeps } from '../../deps.js';
import { finishLogin } from '../../finish.js';
import { isTrustedDevice } from '../../trusted-device.js';
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
    const account = normalizeUsername(parsed.data.username);
    const trustedDevice = isTrustedDevice(ctx, deps.throttle, account);
    const throttleKey = { account, ip: ctx.ip, trustedDevice };
    // before argon2: a throttled guess is never checked and costs nothing
    await deps.throttle.guard('password', throttleKey);
    const accountId = await verifyPassword(deps.accounts, parsed.data).catch(async (err) => {
      await deps.throttle.failed('password', throttleKey);
      // a passOne code typed here gets the same answer, is recorded apart and stays unused
      const code = isAppError(err) && err.code === 'password.invalid_credentials';
      if (code && (await deps.passOne.isUnusedCode(parsed.data.username, parsed.data.password))) {
        ctx.state.attempt = { method: 'password', username, reason: 'pass_one_on_password_form' };
      }
      throw err;
    });
    await deps.throttle.succeeded('password', throttleKey);
    await finishLogin(ctx, deps, { accountId, method: 'password', username: parsed.data.username });
  });
}
