/**
 * 學校異動 console pages under /admin/transfers: the list (待審核 by default), the request
 * form (look up by POST so a national ID never sits in a URL), and a request's page with
 * approve / reject / cancel.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { pageFromQuery } from '../../../views/admin/components.js';
import { adminMessage } from '../../../views/admin/messages.js';
import {
  type TransferRequestValues,
  transferNewPage,
  transferPage,
  transfersListPage,
  tt,
} from '../../../views/admin/transfers.js';
import { isAppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import type { TransferCandidate, TransferDirection, TransferStatus } from '../../services/transfers.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import type { AdminDeps } from '../deps.js';
import { DIRECTIONS, STATUSES, titleLines } from './schema.js';

const BASE = '/admin/transfers';
const bodyOf = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');

export function mountTransferConsole(router: Router, deps: AdminDeps): void {
  const service = deps.transfers;

  router.get(BASE, async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const query = ctx.query as Record<string, unknown>;
    const page = pageFromQuery(query);
    // no parameter: the 待審核 list; an empty one (the filter's "any"): everything
    const direction = query.direction === undefined ? 'incoming' : str(query.direction);
    const status = query.status === undefined ? 'pending' : str(query.status);
    const dir = (DIRECTIONS as readonly string[]).includes(direction)
      ? (direction as TransferDirection)
      : 'all';
    const st = (STATUSES as readonly string[]).includes(status) ? (status as TransferStatus) : undefined;
    const { rows, total } = await service.list(actor, { direction: dir, status: st, ...page });
    sendAdminPage(ctx, {
      title: tt(locale, 'transfers.title'),
      body: transfersListPage(locale, {
        filters: { direction: dir === 'all' ? '' : dir, status: st ?? '' },
        rows,
        page: { ...page, total },
        query: { ...query, direction: dir === 'all' ? '' : dir, status: st ?? '' },
        size: page.limit,
      }),
    });
  });

  async function renderNew(
    ctx: Context,
    p: {
      values?: TransferRequestValues;
      candidate?: TransferCandidate | undefined;
      lookupError?: string;
      requestError?: string;
    },
  ) {
    const locale = localeOf(ctx);
    sendAdminPage(ctx, {
      title: tt(locale, 'transfers.new_title'),
      body: transferNewPage(locale, {
        csrf: csrfToken(ctx),
        destinations: await service.destinations(actorOf(ctx)),
        values: p.values ?? {},
        candidate: p.candidate,
        lookupError: p.lookupError,
        requestError: p.requestError,
      }),
    });
  }

  router.get(`${BASE}/new`, async (ctx) => {
    // only those who may request into a school reach the form
    await service.list(actorOf(ctx), { direction: 'outgoing', offset: 0, limit: 1 });
    await renderNew(ctx, {});
  });

  router.post(`${BASE}/lookup`, async (ctx) => {
    const body = bodyOf(ctx);
    const values = { username: str(body.username).slice(0, 64) };
    await withForm(
      ctx,
      (error) => renderNew(ctx, { values, lookupError: error }),
      async () => {
        const found = await service.lookup(actorOf(ctx), {
          username: values.username,
          nationalId: str(body.national_id).slice(0, 20),
        });
        await renderNew(ctx, { values, candidate: found });
      },
    );
  });

  router.post(BASE, async (ctx) => {
    const actor = actorOf(ctx);
    const body = bodyOf(ctx);
    const values = { to_school_id: str(body.to_school_id), titles: str(body.titles) };
    const accountId = str(body.account_id).slice(0, 64);
    await withForm(
      ctx,
      async (error) => {
        const found = await service.lookup(actor, { accountId }).catch(() => undefined);
        await renderNew(
          ctx,
          found ? { values, candidate: found, requestError: error } : { lookupError: error },
        );
      },
      async () => {
        const view = await service.request(actor, {
          accountId,
          toSchoolId: values.to_school_id,
          titles: titleLines(values.titles),
        });
        redirectWithFlash(ctx, `${BASE}/${view.transfer.id}`, tt(localeOf(ctx), 'transfers.flash.requested'));
      },
    );
  });

  async function renderTransfer(ctx: Context, p: { reason?: string; error?: string } = {}) {
    const locale = localeOf(ctx);
    const view = await service.get(actorOf(ctx), String(ctx.params.id));
    sendAdminPage(ctx, {
      title: tt(locale, 'transfers.detail_title'),
      body: transferPage(locale, { csrf: csrfToken(ctx), view, ...p }),
    });
  }

  router.get(`${BASE}/:id`, (ctx) => renderTransfer(ctx));

  /** approve / cancel: done → flash; a request already decided → the flash says so. */
  for (const [name, flash] of [
    ['approve', 'transfers.flash.approved'],
    ['cancel', 'transfers.flash.cancelled'],
  ] as const) {
    router.post(`${BASE}/:id/${name}`, async (ctx) => {
      const id = String(ctx.params.id);
      const back = `${BASE}/${encodeURIComponent(id)}`;
      try {
        await service[name](actorOf(ctx), id);
        redirectWithFlash(ctx, back, tt(localeOf(ctx), flash));
      } catch (err) {
        if (isAppError(err) && err.expose && err.status === 409) {
          redirectWithFlash(ctx, back, adminMessage(localeOf(ctx), err.code), 'error');
          return;
        }
        throw err;
      }
    });
  }

  router.post(`${BASE}/:id/reject`, async (ctx) => {
    const id = String(ctx.params.id);
    const reason = str(bodyOf(ctx).reason);
    await withForm(
      ctx,
      (error) => renderTransfer(ctx, { reason, error }),
      async () => {
        await service.reject(actorOf(ctx), id, reason);
        redirectWithFlash(
          ctx,
          `${BASE}/${encodeURIComponent(id)}`,
          tt(localeOf(ctx), 'transfers.flash.rejected'),
        );
      },
    );
  });
}
