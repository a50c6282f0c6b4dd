/**
 * One-time account links (services/account-tokens.ts):
 *
 *   GET  /account/activate/:token   set the first password of an approved account
 *   POST /account/activate/:token   → 密碼已設定
 *   GET  /account/reset/:token      set a new password after an admin's reset link
 *   POST /account/reset/:token      → 密碼已設定
 *
 * Opening the page does not use the link up; setting a password that meets the policy does.
 * An invalid, expired or used link shows why on the error page, never the form.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import { passwordSetPage } from '../../../views/pages/password-set.js';
import { setPasswordPage } from '../../../views/pages/set-password.js';
import { AppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { sendPage } from '../../interactions/page.js';
import { type AccountTokenPurpose, accountLinkPath } from '../../services/account-tokens.js';
import { passwordErrors } from '../../services/passwords.js';
import type { FormPage } from '../deps.js';

const schema = z.object({ new_password: z.string().max(4096), confirm_password: z.string().max(4096) });

const tokenOf = (ctx: Context) => ctx.params.token ?? '';

function linkPage(purpose: AccountTokenPurpose): FormPage {
  return {
    path: `/account/${purpose}/:token`,

    async render(ctx, deps, state) {
      const token = tokenOf(ctx);
      const { account } = await deps.accountTokens.inspect(purpose, token);
      const html = setPasswordPage({
        locale: resolveLocale(ctx),
        purpose,
        action: accountLinkPath(purpose, token),
        csrf: csrfToken(ctx),
        username: account.username,
        error: state.error,
        langHrefs: langHrefs(ctx),
      });
      sendPage(ctx, html, state.status ?? (state.error ? 400 : 200));
    },

    async submit(ctx, deps) {
      const parsed = schema.safeParse(ctx.request.body);
      if (!parsed.success) throw new AppError('input.invalid', 'input.invalid');
      if (parsed.data.new_password !== parsed.data.confirm_password) throw passwordErrors.mismatch();
      const account = await deps.accountTokens.consume(purpose, tokenOf(ctx), parsed.data.new_password);
      // a reset means the old password is not to be trusted: every OP session made with it ends
      if (purpose === 'reset') await deps.portal.sessions.signOutOthers(account.id, undefined);
      // no language switch: it would reopen the link, which is used up now
      sendPage(ctx, passwordSetPage({ locale: resolveLocale(ctx), username: account.username }));
    },
  };
}

export const accountLinkPages: readonly FormPage[] = [linkPage('activate'), linkPage('reset')];
