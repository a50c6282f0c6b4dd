/**
 * 忘記密碼, the public side:
 *
 *   GET  /account/forgot   the form: username or e-mail address
 *   POST /account/forgot   → the same answer whatever was typed
 *
 * An active account with a verified e-mail address gets a one-time reset link
 * (services/account-tokens.ts requestReset → /account/reset/:token). The answer never says
 * whether the account exists or has an address, and it does not wait for the lookup or the
 * mail, so its timing does not tell either. Each request counts in the throttle (kind
 * 'reset': per address, per account and per both), so the page cannot flood a mailbox.
 */
import { z } from 'zod';
import { forgotPasswordPage, forgotPasswordSentPage } from '../../../views/pages/forgot-password.js';
import { AppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { sendPage } from '../../interactions/page.js';
import type { FormPage } from '../deps.js';

export const FORGOT_PATH = '/account/forgot';

const schema = z.object({ identifier: z.string().trim().min(1).max(320) });

export const forgotPasswordPages: readonly FormPage[] = [
  {
    path: FORGOT_PATH,

    async render(ctx, _deps, state) {
      const typed = state.input?.identifier;
      const html = forgotPasswordPage({
        locale: resolveLocale(ctx),
        action: FORGOT_PATH,
        csrf: csrfToken(ctx),
        identifier: typeof typed === 'string' ? typed.slice(0, 320) : undefined,
        error: state.error,
        langHrefs: langHrefs(ctx),
      });
      sendPage(ctx, html, state.status ?? (state.error ? 400 : 200));
    },

    async submit(ctx, deps) {
      const parsed = schema.safeParse(ctx.request.body);
      if (!parsed.success) throw new AppError('input.invalid', 'input.invalid');
      const key = { account: parsed.data.identifier, ip: ctx.ip };
      await deps.throttle.guard('reset', key);
      // every request counts, found or not: the throttle here limits messages, not guesses
      await deps.throttle.failed('reset', key);
      const log = ctx.state.log;
      void deps.accountTokens
        .requestReset(parsed.data.identifier)
        .then((outcome) => log?.info({ outcome }, 'password reset requested'))
        .catch((err: unknown) => log?.warn({ err }, 'password reset link not sent'));
      sendPage(ctx, forgotPasswordSentPage({ locale: resolveLocale(ctx), langHrefs: langHrefs(ctx) }));
    },
  },
];
