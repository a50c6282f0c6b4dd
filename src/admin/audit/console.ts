/** Console page of 稽核紀錄: /admin/audit (county admins). */
import type Router from '@koa/router';
import { type AuditFilterValues, auditPage } from '../../../views/admin/audit.js';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import type { AuditLog } from '../../services/audit.js';
import { actorOf, localeOf, sendAdminPage } from '../console.js';
import { queryText } from '../schools/form.js';
import { endOfDay, startOfDay } from './filter.js';

export function mountAuditConsole(router: Router, audit: AuditLog): void {
  router.get('/admin/audit', async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const filter: AuditFilterValues = {
      actor: queryText(ctx, 'actor'),
      action: queryText(ctx, 'action'),
      target_type: queryText(ctx, 'target_type'),
      target_id: queryText(ctx, 'target_id'),
      from: queryText(ctx, 'from'),
      to: queryText(ctx, 'to'),
    };
    const from = filter.from ? startOfDay(filter.from) : undefined;
    const to = filter.to ? endOfDay(filter.to) : undefined;
    // a malformed date is said so, and the list is shown without that bound
    const badDate = (!!filter.from && !from) || (!!filter.to && !to);
    const { rows, total, orgs } = await audit.search(actor, {
      actorUsername: filter.actor,
      action: filter.action,
      targetType: filter.target_type,
      targetId: filter.target_id,
      from,
      to,
      offset,
      limit,
    });
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.audit'),
      status: badDate ? 400 : 200,
      body: auditPage(locale, {
        rows: rows.map((r) => ({ ...r, orgName: r.orgId ? (orgs.get(r.orgId)?.name ?? null) : null })),
        page: { offset, limit, total },
        query: ctx.query,
        filter,
        ...(badDate ? { error: 'audit.date_invalid' } : {}),
      }),
    });
  });
}
