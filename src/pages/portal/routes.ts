/**
 * The user portal: 站點 (/account), 紀錄 (/account/logins, /account/logins/:id), sign-out
 * (/account/logout → the OP's end_session → /account/signed-out). 資料 is in profile.ts,
 * 服務 in portal-services. Handlers parse, make one service call and render.
 */
import type { Context } from 'koa';
import { errorPage } from '../../../views/error.js';
import { html } from '../../../views/html.js';
import { portalHomePage } from '../../../views/portal/home.js';
import { portalLayout } from '../../../views/portal/layout.js';
import {
  LOGINS_PATH,
  type LoginsQuery,
  PAGE_SIZES,
  portalLoginDetailPage,
  portalLoginsPage,
} from '../../../views/portal/logins.js';
import { pt } from '../../../views/portal/messages.js';
import { portalSignedOutPage } from '../../../views/portal/signed-out.js';
import { isAppError } from '../../errors.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { sendPage } from '../../interactions/page.js';
import type { AccountLoginFilter } from '../../services/account-logins.js';
import { ACCOUNT_BASE } from '../account-session.js';
import type { FormPage, PagesDeps } from '../deps.js';
import { profilePages } from './profile.js';
import { type PortalVisit, portalVisit } from './signed-in.js';

const str = (v: unknown, max = 128) => (typeof v === 'string' ? v.trim().slice(0, max) : '');

/** The 紀錄 query as typed; anything unexpected falls back to "no filter". */
export function loginsQuery(query: Record<string, unknown>): LoginsQuery {
  const success = str(query.success);
  const size = Number(query.size);
  const page = Number.parseInt(str(query.page, 8), 10);
  return {
    success: success === 'yes' || success === 'no' ? success : '',
    os: str(query.os),
    browser: str(query.browser),
    device: str(query.device),
    ip: str(query.ip, 64),
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0],
    page: Number.isFinite(page) && page >= 1 ? Math.min(page, 100_000) : 1,
  };
}

function toFilter(q: LoginsQuery, withIp: boolean): AccountLoginFilter {
  return {
    success: q.success ? q.success === 'yes' : undefined,
    os: q.os || undefined,
    browser: q.browser || undefined,
    device: q.device || undefined,
    ip: withIp && q.ip ? q.ip : undefined,
  };
}

const homePage: FormPage = {
  path: ACCOUNT_BASE,
  async render(ctx, deps) {
    const visit = await portalVisit(ctx, deps);
    if (!visit) return;
    const [profile, recent] = await Promise.all([
      deps.portal.profile.profile(visit.account.id),
      deps.portal.logins.recent(visit.account.id, 5),
    ]);
    sendPage(
      ctx,
      portalHomePage({
        ...visit.shell,
        name: visit.account.name ?? visit.account.username,
        schoolName: profile?.school?.name ?? null,
        identityType: visit.account.identityType,
        recent,
      }),
    );
  },
};

async function listLogins(ctx: Context, deps: PagesDeps, visit: PortalVisit) {
  const query = loginsQuery(ctx.query);
  const listed = await listPage(deps, visit, query);
  const last = Math.max(1, Math.ceil(listed.total / query.size));
  // a page past the end (an old bookmark, a typed number) shows the last page
  return query.page > last ? listPage(deps, visit, { ...query, page: last }) : listed;
}

async function listPage(deps: PagesDeps, visit: PortalVisit, query: LoginsQuery) {
  const accountId = visit.account.id;
  const offset = (query.page - 1) * query.size;
  const facets = deps.portal.logins.facets(accountId);
  try {
    const page = await deps.portal.logins.list(accountId, toFilter(query, true), {
      offset,
      limit: query.size,
    });
    return { query, facets: await facets, ...page, error: undefined };
  } catch (err) {
    if (!(isAppError(err) && err.code === 'portal.ip_invalid')) throw err;
    // the table without the IP filter, and the message next to what was typed
    const page = await deps.portal.logins.list(accountId, toFilter(query, false), {
      offset,
      limit: query.size,
    });
    return { query, facets: await facets, ...page, error: err.code };
  }
}

const loginsPage: FormPage = {
  path: LOGINS_PATH,
  async render(ctx, deps) {
    const visit = await portalVisit(ctx, deps);
    if (!visit) return;
    const listed = await listLogins(ctx, deps, visit);
    sendPage(ctx, portalLoginsPage({ ...visit.shell, ...listed }), listed.error ? 400 : 200);
  },
};

const loginDetailPage: FormPage = {
  path: `${LOGINS_PATH}/:id`,
  async render(ctx, deps) {
    const visit = await portalVisit(ctx, deps);
    if (!visit) return;
    const { locale } = visit.shell;
    let detail: Awaited<ReturnType<PagesDeps['portal']['logins']['session']>>;
    try {
      detail = await deps.portal.logins.session(visit.account.id, ctx.params.id ?? '');
    } catch (err) {
      if (!(isAppError(err) && err.code === 'portal.not_found')) throw err;
      const body = html`<p><a class="link" href="${LOGINS_PATH}">${pt(locale, 'portal.back_to_logins')}</a></p>`;
      const title = pt(locale, 'portal.detail_title');
      sendPage(ctx, portalLayout({ ...visit.shell, section: 'logins', title, body, error: err.code }), 404);
      return;
    }
    const { login, events } = detail;
    const names = await deps.portal.clientNames(
      [login.clientId, ...events.map((e) => e.clientId)].filter((id): id is string => Boolean(id)),
    );
    const nameOf = (id: string | null, stored?: string | null) =>
      id ? (stored ?? names.get(id) ?? id) : null;
    sendPage(
      ctx,
      portalLoginDetailPage({
        ...visit.shell,
        login: { ...login, clientName: nameOf(login.clientId) },
        events: events.map((e) => ({ ...e, clientName: nameOf(e.clientId, e.clientName) })),
      }),
    );
  },
};

const logoutPage: FormPage = {
  path: `${ACCOUNT_BASE}/logout`,
  async render(ctx, _deps, state) {
    if (!state.error) {
      ctx.redirect(ACCOUNT_BASE);
      return;
    }
    // a form without its CSRF token (an expired page, another site): say so, sign nobody out
    const locale = resolveLocale(ctx);
    sendPage(ctx, errorPage({ locale, error: state.error }), state.status ?? 400);
  },
  async submit(ctx, deps) {
    // the page session, then the OP session (RP-initiated logout), then /account/signed-out
    ctx.status = 303;
    ctx.redirect(await deps.accountSessions.end(ctx));
  },
};

const signedOutPage: FormPage = {
  path: `${ACCOUNT_BASE}/signed-out`,
  async render(ctx) {
    sendPage(ctx, portalSignedOutPage({ locale: resolveLocale(ctx), langHrefs: langHrefs(ctx) }));
  },
};

export const portalPages: readonly FormPage[] = [
  homePage,
  loginsPage,
  loginDetailPage,
  logoutPage,
  signedOutPage,
  ...profilePages,
];
