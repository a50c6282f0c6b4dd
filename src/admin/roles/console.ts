/**
 * Console page of 權限管理: /admin/roles (list with filters, grant form), POST /admin/roles
 * (grant) and POST /admin/roles/:id/revoke.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import { type OrgOption, roleLabel, rolesPage, tr } from '../../../views/admin/roles.js';
import { csrfToken } from '../../interactions/csrf.js';
import { ADMIN_ROLES, type AdminRole, type RoleService } from '../../services/roles.js';
import type { Organization } from '../../services/schools.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import { formText, queryText } from '../schools/form.js';

const countiesFirst = (orgs: Organization[]): OrgOption[] =>
  [...orgs]
    .sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'county' ? -1 : 1))
    .map((o) => ({ id: o.id, kind: o.kind, code: o.code, name: o.name }));

export function mountRolesConsole(router: Router, roles: RoleService): void {
  async function render(
    ctx: Context,
    forms: {
      grant?: { values: { username?: string; role?: string; org_id?: string }; error?: string };
      revokeError?: string;
    } = {},
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const role = queryText(ctx, 'role');
    const filter = {
      role: (ADMIN_ROLES as readonly string[]).includes(role ?? '') ? (role as AdminRole) : undefined,
      org_id: queryText(ctx, 'org_id'),
      username: queryText(ctx, 'username'),
    };
    const [{ rows, total }, orgs, grantable] = await Promise.all([
      roles.list(actor, {
        role: filter.role,
        orgId: filter.org_id,
        username: filter.username,
        offset,
        limit,
      }),
      roles.organizations(actor),
      roles.grantable(actor),
    ]);
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.roles'),
      body: rolesPage(locale, {
        csrf: csrfToken(ctx),
        rows: rows.map((r) => ({ ...r, canRevoke: roles.canManage(actor, r) })),
        page: { offset, limit, total },
        query: ctx.query,
        filter,
        orgs: countiesFirst(orgs),
        grantable: countiesFirst([...grantable.counties, ...grantable.schools]),
        grantForm: forms.grant ?? { values: {} },
        revokeError: forms.revokeError,
      }),
    });
  }

  router.get('/admin/roles', (ctx) => render(ctx));

  router.post('/admin/roles', async (ctx) => {
    const values = {
      username: formText(ctx, 'username'),
      role: formText(ctx, 'role'),
      org_id: formText(ctx, 'org_id'),
    };
    await withForm(
      ctx,
      (error) => render(ctx, { grant: { values, error } }),
      async () => {
        const granted = await roles.grant(actorOf(ctx), {
          username: values.username,
          role: values.role,
          orgId: values.org_id,
        });
        const locale = localeOf(ctx);
        redirectWithFlash(
          ctx,
          '/admin/roles',
          tr(locale, 'roles.granted', { username: granted.username, role: roleLabel(locale, granted.role) }),
        );
      },
    );
  });

  router.post('/admin/roles/:id/revoke', async (ctx) => {
    await withForm(
      ctx,
      (error) => render(ctx, { revokeError: error }),
      async () => {
        const revoked = await roles.revoke(actorOf(ctx), ctx.params.id!);
        const locale = localeOf(ctx);
        redirectWithFlash(
          ctx,
          '/admin/roles',
          tr(locale, 'roles.revoked', { username: revoked.username, role: roleLabel(locale, revoked.role) }),
        );
      },
    );
  });
}
