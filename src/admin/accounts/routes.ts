/**
 * 帳號管理 console pages under /admin/accounts: list with filters, search by national ID
 * (POST, so a full number never sits in a URL), the account page, edit, disable/enable,
 * reset link, temporary password, delete (with a confirmation page) and restore.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  accountDeletePage,
  accountEditPage,
  accountPage,
  accountSecretPage,
  accountsListPage,
  ta,
} from '../../../views/admin/accounts.js';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { adminMessage } from '../../../views/admin/messages.js';
import { isAppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { accountAdminErrors, isFullNationalId, isMaskedNationalId } from '../../services/account-admin.js';
import { isCountyAdmin, isSchoolAdmin, policyErrors } from '../../services/admin/policy.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import type { AdminDeps } from '../deps.js';
import {
  consoleFilters,
  editValues,
  formValues,
  patchFromForm,
  refusesFullId,
  toAccountQuery,
} from './schema.js';

const BASE = '/admin/accounts';
const bodyOf = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
const idOf = (ctx: Context) => String(ctx.params.id);

/**
 * Runs a one-button action; an error the admin can fix (self, deleted…) comes back as a flash
 * on the account page. Not found and forbidden stay error pages.
 */
async function act(ctx: Context, back: string, action: () => Promise<string>, done = back): Promise<void> {
  try {
    redirectWithFlash(ctx, done, await action());
  } catch (err) {
    if (isAppError(err) && err.expose && err.status !== 404 && err.status !== 403) {
      redirectWithFlash(ctx, back, adminMessage(localeOf(ctx), err.code), 'error');
      return;
    }
    throw err;
  }
}

export function mountAccountConsole(router: Router, deps: AdminDeps): void {
  const service = deps.accountAdmin;

  /** The list page: the filter row (GET) and, after a POST, the national ID search results. */
  async function renderList(
    ctx: Context,
    nid?: { value: string; error?: string | undefined; search?: boolean },
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const query = ctx.query as Record<string, unknown>;
    const page = pageFromQuery(query);
    const { raw, parsed } = consoleFilters(query);
    let error: string | undefined;
    if (!parsed) error = 'admin.invalid_request';
    else if (raw.masked_id?.trim() && !isMaskedNationalId(raw.masked_id))
      error = 'account_admin.national_id_query';
    const [schools, result, nidResult] = await Promise.all([
      service.schools(actor),
      error || !parsed
        ? { rows: [], total: 0 }
        : service.search(actor, toAccountQuery(parsed, raw.masked_id?.trim() || undefined, page)),
      nid?.search && !nid.error
        ? service.search(actor, { nationalId: nid.value, offset: 0, limit: 50 })
        : undefined,
    ]);
    sendAdminPage(ctx, {
      title: ta(locale, 'accounts.title'),
      status: error ? 400 : nid?.error ? 400 : 200,
      body: accountsListPage(locale, {
        csrf: csrfToken(ctx),
        filters: raw,
        schools,
        rows: result.rows,
        page: { ...page, total: result.total },
        query,
        size: page.limit,
        error,
        // a full number typed into the search is not shown back
        nid: nid && {
          value: isFullNationalId(nid.value) ? '' : nid.value,
          error: nid.error,
          rows: nidResult?.rows,
        },
        readOnly: !isCountyAdmin(actor) && !isSchoolAdmin(actor),
      }),
    });
  }

  router.get(BASE, async (ctx) => {
    const masked = ctx.query.masked_id;
    if (typeof masked === 'string' && refusesFullId(masked)) {
      // a full number typed into the filter row: drop it from the address at once
      const params = new URLSearchParams(ctx.querystring);
      params.delete('masked_id');
      const q = params.toString();
      redirectWithFlash(
        ctx,
        q ? `${BASE}?${q}` : BASE,
        adminMessage(localeOf(ctx), 'account_admin.full_id_in_url'),
        'error',
      );
      return;
    }
    await renderList(ctx);
  });

  router.post(`${BASE}/find`, async (ctx) => {
    const value = String(bodyOf(ctx).national_id ?? '').slice(0, 40);
    const trimmed = value.trim();
    const error = !trimmed
      ? 'account_admin.national_id_query'
      : isFullNationalId(trimmed) || isMaskedNationalId(trimmed)
        ? undefined
        : 'account_admin.national_id_query';
    await renderList(ctx, { value, error, search: true });
  });

  router.get(`${BASE}/:id`, async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const detail = await service.get(actor, idOf(ctx));
    const logins = await service.logins(actor, detail.account.id, 10);
    sendAdminPage(ctx, {
      title: `${ta(locale, 'accounts.title')}${locale === 'en' ? ': ' : '：'}${detail.account.username}`,
      body: accountPage(locale, { csrf: csrfToken(ctx), detail, logins }),
    });
  });

  /** Loads an account the actor may change, for the edit and delete pages. */
  async function manageable(ctx: Context) {
    const detail = await service.get(actorOf(ctx), idOf(ctx));
    if (!detail.can.manage) throw policyErrors.forbidden();
    if (detail.account.deletedAt) throw accountAdminErrors.deleted();
    return detail;
  }

  async function renderEdit(ctx: Context, values: ReturnType<typeof formValues>, error?: string) {
    const locale = localeOf(ctx);
    const detail = await manageable(ctx);
    sendAdminPage(ctx, {
      title: ta(locale, 'accounts.edit.title', { username: detail.account.username }),
      body: accountEditPage(locale, { csrf: csrfToken(ctx), detail, values, error }),
    });
  }

  router.get(`${BASE}/:id/edit`, async (ctx) => {
    const detail = await manageable(ctx);
    await renderEdit(ctx, editValues(detail));
  });

  router.post(`${BASE}/:id/edit`, async (ctx) => {
    const actor = actorOf(ctx);
    const body = bodyOf(ctx);
    await withForm(
      ctx,
      (error) => renderEdit(ctx, formValues(body), error),
      async () => {
        const detail = await manageable(ctx);
        await service.update(actor, detail.account.id, patchFromForm(body, !!detail.school));
        redirectWithFlash(ctx, `${BASE}/${detail.account.id}`, tc(localeOf(ctx), 'flash.saved'));
      },
    );
  });

  for (const [path, status, flash] of [
    ['disable', 'disabled', 'accounts.flash.disabled'],
    ['enable', 'active', 'accounts.flash.enabled'],
  ] as const) {
    router.post(`${BASE}/:id/${path}`, async (ctx) => {
      const id = idOf(ctx);
      await act(ctx, `${BASE}/${id}`, async () => {
        await service.setStatus(actorOf(ctx), id, status);
        return ta(localeOf(ctx), flash);
      });
    });
  }

  router.post(`${BASE}/:id/reset-link`, async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const result = await service.resetLink(actor, idOf(ctx));
    const detail = await service.get(actor, idOf(ctx));
    sendAdminPage(ctx, {
      title: ta(locale, 'accounts.reset_link.title'),
      body: accountSecretPage(locale, {
        detail,
        kind: 'reset_link',
        secret: result.url,
        emailedTo: result.emailedTo,
      }),
    });
  });

  router.post(`${BASE}/:id/temporary-password`, async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { password } = await service.temporaryPassword(actor, idOf(ctx));
    // the old password is not to be trusted: every session made with it ends
    await deps.opSessions.signOutOthers(idOf(ctx), undefined);
    const detail = await service.get(actor, idOf(ctx));
    sendAdminPage(ctx, {
      title: ta(locale, 'accounts.temp_password.title'),
      body: accountSecretPage(locale, { detail, kind: 'temp_password', secret: password }),
    });
  });

  router.get(`${BASE}/:id/delete`, async (ctx) => {
    const locale = localeOf(ctx);
    const detail = await manageable(ctx);
    sendAdminPage(ctx, {
      title: ta(locale, 'accounts.delete.title'),
      body: accountDeletePage(locale, { csrf: csrfToken(ctx), detail }),
    });
  });

  router.post(`${BASE}/:id/delete`, async (ctx) => {
    const id = idOf(ctx);
    // the confirmation page is the only way to send confirm=yes
    if (bodyOf(ctx).confirm !== 'yes') {
      ctx.redirect(`${BASE}/${encodeURIComponent(id)}/delete`);
      return;
    }
    await act(
      ctx,
      `${BASE}/${id}`,
      async () => {
        await service.softDelete(actorOf(ctx), id);
        return ta(localeOf(ctx), 'accounts.flash.deleted');
      },
      BASE,
    );
  });

  router.post(`${BASE}/:id/restore`, async (ctx) => {
    const id = idOf(ctx);
    await act(ctx, `${BASE}/${id}`, async () => {
      await service.restore(actorOf(ctx), id);
      return ta(localeOf(ctx), 'accounts.flash.restored');
    });
  });
}
