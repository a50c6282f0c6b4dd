/**
 * Console page of 白名單: /admin/whitelist (TANet defaults, ranges, add form),
 * POST /admin/whitelist (add) and POST /admin/whitelist/:id/delete.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { type OrgChoice, tw, whitelistPage } from '../../../views/admin/whitelist.js';
import { csrfToken } from '../../interactions/csrf.js';
import { HostBitsError, type Whitelist } from '../../services/whitelist.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import { formText, queryText } from '../schools/form.js';

export function mountWhitelistConsole(router: Router, whitelist: Whitelist): void {
  async function render(
    ctx: Context,
    forms: {
      add?: { values: { org_id?: string; cidr?: string; label?: string }; error?: string; network?: string };
      deleteError?: string;
    } = {},
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const filter = { org_id: queryText(ctx, 'org_id') };
    const [{ rows, total }, orgs] = await Promise.all([
      whitelist.list(actor, { orgId: filter.org_id, offset, limit }),
      whitelist.organizations(actor),
    ]);
    const choices: OrgChoice[] = [...orgs]
      .sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'county' ? -1 : 1))
      .map((o) => ({ id: o.id, kind: o.kind, code: o.code, name: o.name }));
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.whitelist'),
      body: whitelistPage(locale, {
        csrf: csrfToken(ctx),
        tanet: whitelist.tanetRanges,
        rows,
        page: { offset, limit, total },
        query: ctx.query,
        filter,
        orgs: choices,
        addForm: forms.add ?? { values: {} },
        deleteError: forms.deleteError,
      }),
    });
  }

  router.get('/admin/whitelist', (ctx) => render(ctx));

  router.post('/admin/whitelist', async (ctx) => {
    const values = {
      org_id: formText(ctx, 'org_id'),
      cidr: formText(ctx, 'cidr'),
      label: formText(ctx, 'label'),
    };
    let network: string | undefined;
    await withForm(
      ctx,
      (error) => render(ctx, { add: { values, error, ...(network ? { network } : {}) } }),
      async () => {
        try {
          const added = await whitelist.add(actorOf(ctx), {
            orgId: values.org_id,
            cidr: values.cidr,
            label: values.label,
          });
          redirectWithFlash(
            ctx,
            '/admin/whitelist',
            tw(localeOf(ctx), 'whitelist.added', { cidr: added.cidr }),
          );
        } catch (err) {
          if (err instanceof HostBitsError) network = err.network;
          throw err;
        }
      },
    );
  });

  router.post('/admin/whitelist/:id/delete', async (ctx) => {
    await withForm(
      ctx,
      (error) => render(ctx, { deleteError: error }),
      async () => {
        const removed = await whitelist.remove(actorOf(ctx), ctx.params.id!);
        redirectWithFlash(
          ctx,
          '/admin/whitelist',
          tw(localeOf(ctx), 'whitelist.deleted', { cidr: removed.cidr }),
        );
      },
    );
  });
}
