/**
 * 服務 in the user portal: GET /account/services (the account's services: 啟用 or GO and
 * 停用), POST /account/services/:id/activate, GET and POST /account/services/:id/deactivate
 * (a confirmation page, then the deactivation, which revokes the client's grants and tokens).
 * Signed in through the account pages' own session (account-session.ts).
 */
import type { Context } from 'koa';
import {
  PORTAL_SERVICES_PATH,
  type PortalServiceView,
  portalDeactivatePage,
  portalServicesPage,
} from '../../../views/portal/services.js';
import { csrfToken } from '../../interactions/csrf.js';
import { langHrefs, resolveLocale } from '../../interactions/locale.js';
import { sendPage } from '../../interactions/page.js';
import { serviceErrors } from '../../services/service-catalog.js';
import { requireSignedInAccount, type SignedInAccount, signedInAccount } from '../account-session.js';
import type { FormPage, FormState, PagesDeps } from '../deps.js';

const NOTICES = {
  activated: 'portal_services.activated',
  deactivated: 'portal_services.deactivated',
} as const;

function common(ctx: Context, who: SignedInAccount, state: FormState) {
  return {
    locale: resolveLocale(ctx),
    csrf: csrfToken(ctx),
    username: who.account.username,
    error: state.error,
    langHrefs: langHrefs(ctx),
  };
}

async function servicesOf(deps: PagesDeps, accountId: string): Promise<PortalServiceView[]> {
  return deps.serviceCatalog.listForAccount(accountId);
}

async function renderList(ctx: Context, deps: PagesDeps, state: FormState) {
  const who = await signedInAccount(ctx, deps);
  if (!who) {
    deps.accountSessions.startLogin(ctx, PORTAL_SERVICES_PATH);
    return;
  }
  const done = ctx.query.done;
  const html = portalServicesPage({
    ...common(ctx, who, state),
    notice:
      typeof done === 'string' && Object.hasOwn(NOTICES, done)
        ? NOTICES[done as keyof typeof NOTICES]
        : undefined,
    services: await servicesOf(deps, who.account.id),
  });
  sendPage(ctx, html, state.status ?? (state.error ? 400 : 200));
}

function backToList(ctx: Context, done?: keyof typeof NOTICES) {
  ctx.status = 303;
  ctx.redirect(done ? `${PORTAL_SERVICES_PATH}?done=${done}` : PORTAL_SERVICES_PATH);
}

const listPage: FormPage = { path: PORTAL_SERVICES_PATH, render: renderList };

const activatePage: FormPage = {
  path: `${PORTAL_SERVICES_PATH}/:id/activate`,
  render: renderList,
  show: async (ctx) => backToList(ctx),
  async submit(ctx, deps) {
    const { account } = await requireSignedInAccount(ctx, deps);
    await deps.serviceCatalog.activate(account.id, ctx.params.id ?? '');
    backToList(ctx, 'activated');
  },
};

const deactivatePage: FormPage = {
  path: `${PORTAL_SERVICES_PATH}/:id/deactivate`,
  async render(ctx, deps, state) {
    const who = await signedInAccount(ctx, deps);
    if (!who) {
      deps.accountSessions.startLogin(ctx, PORTAL_SERVICES_PATH);
      return;
    }
    const service = (await servicesOf(deps, who.account.id)).find((s) => s.id === ctx.params.id);
    if (!service?.activatedAt) {
      // nothing to deactivate (already done, or not this account's): the list says how things are
      backToList(ctx);
      return;
    }
    sendPage(
      ctx,
      portalDeactivatePage({ ...common(ctx, who, state), service }),
      state.status ?? (state.error ? 400 : 200),
    );
  },
  async submit(ctx, deps) {
    const { account } = await requireSignedInAccount(ctx, deps);
    const closed = await deps.serviceCatalog.deactivate(account.id, ctx.params.id ?? '');
    if (!closed) throw serviceErrors.not_available();
    backToList(ctx, 'deactivated');
  },
};

export const portalServicePages: readonly FormPage[] = [listPage, activatePage, deactivatePage];
