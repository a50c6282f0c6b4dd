/**
 * The portal's sign-in: the account pages' own session (account-session.ts). A visitor who is
 * not signed in goes through the OP's login and comes back to the page (query included) they
 * asked for; while the OP session lives that trip is silent (no login form). What every
 * portal page renders with: locale, CSRF token, language links.
 */
import type { Context } from 'koa';
import type { Locale } from '../../../views/i18n.js';
import { csrfToken } from '../../interactions/csrf.js';
import { resolveLocale } from '../../interactions/locale.js';
import type { Account } from '../../services/accounts.js';
import { type SignedInAccount, signedInAccount } from '../account-session.js';
import type { PagesDeps } from '../deps.js';

export interface PortalVisit extends SignedInAccount {
  /** the OP session the portal session came from ("this session" on 資料) */
  sessionUid: string | undefined;
  shell: {
    locale: Locale;
    csrf: string;
    username: string;
    langHrefs: { 'zh-TW': string; en: string };
  };
}

/** The query string without the language switch (it is applied, then dropped). */
function returnPath(ctx: Context): string {
  const params = new URLSearchParams(ctx.querystring);
  params.delete('lang');
  const q = params.toString();
  return q ? `${ctx.path}?${q}` : ctx.path;
}

/** The signed-in account, or undefined after redirecting the browser to the OP's login. */
export async function portalVisit(
  ctx: Context,
  deps: PagesDeps,
  returnTo: string = ctx.method === 'GET' ? returnPath(ctx) : ctx.path,
): Promise<PortalVisit | undefined> {
  const who = await signedInAccount(ctx, deps);
  if (!who) {
    deps.accountSessions.startLogin(ctx, returnTo);
    return undefined;
  }
  const session = await deps.accountSessions.current(ctx);
  return { ...who, sessionUid: session?.sessionUid, shell: shell(ctx, who.account) };
}

export function shell(ctx: Context, account: Account): PortalVisit['shell'] {
  return {
    locale: resolveLocale(ctx),
    csrf: csrfToken(ctx),
    username: account.username,
    // the switch keeps the page's filters (GET) and drops nothing else
    langHrefs: {
      'zh-TW': withLang(ctx, 'zh-TW'),
      en: withLang(ctx, 'en'),
    },
  };
}

function withLang(ctx: Context, locale: Locale): string {
  const path = ctx.method === 'GET' ? returnPath(ctx) : ctx.path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=${locale}`;
}
