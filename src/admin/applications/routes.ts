/**
 * 新帳號申請 console pages under /admin/applications: the 待審核列表 (pending by default, with
 * status and school filters) and an application's 審查詳細資訊 with 接受申請 and reject forms.
 * A form error comes back on the same page with the input kept.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import {
  type ApproveValues,
  applicationPage,
  applicationsListPage,
  tap,
} from '../../../views/admin/applications.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { csrfToken } from '../../interactions/csrf.js';
import { REVIEW_STATUSES, type ReviewStatus } from '../../services/application-review.js';
import { chooseUsername } from '../../services/applications.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import type { AdminDeps } from '../deps.js';
import { titleLines } from './schema.js';

const BASE = '/admin/applications';
const bodyOf = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
const str = (v: unknown, max = 2000) => (typeof v === 'string' ? v.slice(0, max) : '');
const idOf = (ctx: Context) => String(ctx.params.id);

export function mountApplicationsConsole(router: Router, deps: AdminDeps): void {
  const review = deps.applicationReview;

  router.get(BASE, async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const query = ctx.query as Record<string, unknown>;
    const page = pageFromQuery(query);
    // no parameter: the 待審核列表; an empty one (the filter's "any"): every decided one too
    const raw = query.status === undefined ? 'pending' : str(query.status) || 'all';
    const status: ReviewStatus = (REVIEW_STATUSES as readonly string[]).includes(raw)
      ? (raw as ReviewStatus)
      : 'pending';
    const schoolId = str(query.school_id, 64) || undefined;
    const [schools, { rows, total }] = await Promise.all([
      review.schools(actor),
      review.list(actor, { status, schoolId, ...page }),
    ]);
    const filters = { status: status === 'all' ? '' : status, school_id: schoolId ?? '' };
    sendAdminPage(ctx, {
      title: tap(locale, 'applications.title'),
      body: applicationsListPage(locale, {
        filters,
        schools,
        rows,
        page: { ...page, total },
        query: { ...query, ...filters },
        size: page.limit,
      }),
    });
  });

  async function renderApplication(
    ctx: Context,
    p: {
      approve?: { values: ApproveValues; error?: string };
      reject?: { reason: string; error?: string };
    } = {},
  ) {
    const locale = localeOf(ctx);
    const view = await review.get(actorOf(ctx), idOf(ctx));
    sendAdminPage(ctx, {
      title: tap(locale, 'applications.detail_title'),
      body: applicationPage(locale, {
        csrf: csrfToken(ctx),
        view,
        defaultUsername: chooseUsername(view.application, undefined),
        ...p,
      }),
    });
  }

  router.get(`${BASE}/:id`, (ctx) => renderApplication(ctx));

  router.post(`${BASE}/:id/approve`, async (ctx) => {
    const body = bodyOf(ctx);
    const values = { username: str(body.username, 64), titles: str(body.titles) };
    await withForm(
      ctx,
      (error) => renderApplication(ctx, { approve: { values, error } }),
      async () => {
        const { account } = await review.approve(actorOf(ctx), idOf(ctx), {
          username: values.username.trim() || undefined,
          titles: titleLines(values.titles),
        });
        redirectWithFlash(
          ctx,
          `${BASE}/${encodeURIComponent(idOf(ctx))}`,
          tap(localeOf(ctx), 'applications.flash.approved', { username: account.username }),
        );
      },
    );
  });

  router.post(`${BASE}/:id/reject`, async (ctx) => {
    const reason = str(bodyOf(ctx).reason);
    await withForm(
      ctx,
      (error) => renderApplication(ctx, { reject: { reason, error } }),
      async () => {
        await review.reject(actorOf(ctx), idOf(ctx), reason);
        redirectWithFlash(
          ctx,
          `${BASE}/${encodeURIComponent(idOf(ctx))}`,
          tap(localeOf(ctx), 'applications.flash.rejected'),
        );
      },
    );
  });
}
