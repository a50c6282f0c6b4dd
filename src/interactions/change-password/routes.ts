/**
 * The forced password change (must_change_password, and later after a passOne login): the
 * login finishes only once a new password that meets the policy is set.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { changePasswordPage } from '../../../views/index.js';
import { AppError } from '../../errors.js';
import { passwordErrors } from '../../services/passwords.js';
import { csrfToken } from '../csrf.js';
import type { InteractionDeps } from '../deps.js';
import { completeLogin, type FinishedLogin, PENDING_PASSWORD_CHANGE } from '../finish.js';
import { langHrefs, resolveLocale } from '../locale.js';
import { sendPage } from '../page.js';

const schema = z.object({ new_password: z.string().max(4096), confirm_password: z.string().max(4096) });

async function pending(ctx: Context, deps: InteractionDeps) {
  const details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  const login = await deps.state.get<FinishedLogin & Record<string, unknown>>(
    details.uid,
    PENDING_PASSWORD_CHANGE,
  );
  // reached without a verified login (or after it expired): start from the login page
  if (!login || details.uid !== ctx.params.uid)
    throw new AppError('interaction.expired', 'interaction.expired');
  return { details, login };
}

async function render(ctx: Context, deps: InteractionDeps, error?: string) {
  const { details, login } = await pending(ctx, deps);
  const account = await deps.accounts.findById(login.accountId);
  const html = changePasswordPage({
    locale: resolveLocale(ctx, details.params.ui_locales),
    action: `/interaction/${details.uid}/change-password`,
    csrf: csrfToken(ctx),
    ...(error ? { error } : {}),
    ...(account ? { username: account.username } : {}),
    langHrefs: langHrefs(ctx),
  });
  sendPage(ctx, html, error ? 400 : 200);
}

export function mountChangePasswordRoutes(router: Router, deps: InteractionDeps): void {
  router.get('/interaction/:uid/change-password', (ctx) => render(ctx, deps));

  router.post('/interaction/:uid/change-password', async (ctx) => {
    ctx.state.rerender = (code: string) => render(ctx, deps, code);
    const { details, login } = await pending(ctx, deps);
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('input.invalid', 'input.invalid');
    if (parsed.data.new_password !== parsed.data.confirm_password) throw passwordErrors.mismatch();
    await deps.accounts.setPassword(login.accountId, parsed.data.new_password);
    await deps.state.delete(details.uid, PENDING_PASSWORD_CHANGE);
    await completeLogin(ctx, deps, {
      accountId: login.accountId,
      method: login.method,
      username: login.username,
    });
  });
}
