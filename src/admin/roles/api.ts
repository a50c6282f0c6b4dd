/** Admin API of 權限管理: GET/POST /roles, DELETE /roles/:id. */
import { z } from 'zod';
import type { RoleAssignmentView, RoleService } from '../../services/roles.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';

const role = z.enum(['county_admin', 'school_admin']);

const assignmentSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  role,
  org_id: z.string(),
  org_code: z.string(),
  org_name: z.string(),
  granted_by: z.string().nullable().describe('username of the admin who granted it'),
  created_at: z.string(),
  manageable: z.boolean().describe('whether the caller may revoke it'),
});

const json = (r: RoleAssignmentView, manageable: boolean) => ({
  id: r.id,
  account_id: r.accountId,
  username: r.username,
  name: r.name,
  role: r.role,
  org_id: r.orgId,
  org_code: r.orgCode,
  org_name: r.orgName,
  granted_by: r.grantedByUsername,
  created_at: r.createdAt.toISOString(),
  manageable,
});

export function mountRolesApi(api: ApiRegistry, roles: RoleService): void {
  api.add({
    method: 'get',
    path: '/roles',
    tag: 'roles',
    summary: "Role assignments of the caller's county and schools",
    query: pageQuery.extend({
      role: role.optional(),
      org_id: z.string().optional(),
      username: z.string().max(200).optional().describe('prefix of the username'),
    }),
    response: listOf(assignmentSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await roles.list(actor, {
        role: query.role,
        orgId: query.org_id,
        username: query.username,
        offset: query.offset,
        limit: query.limit,
      });
      return {
        items: rows.map((r) => json(r, roles.canManage(actor, r))),
        total,
        offset: query.offset,
        limit: query.limit,
      };
    },
  });

  api.add({
    method: 'post',
    path: '/roles',
    tag: 'roles',
    summary: 'Grant a role: county_admin at a county, school_admin at a school (county admins)',
    body: z.object({
      username: z.string().max(200),
      role: z.string().max(20).describe('county_admin | school_admin'),
      org_id: z.string().max(100),
    }),
    response: assignmentSchema,
    status: 201,
    handler: async ({ actor, body }) =>
      json(await roles.grant(actor, { username: body.username, role: body.role, orgId: body.org_id }), true),
  });

  api.add({
    method: 'delete',
    path: '/roles/:id',
    tag: 'roles',
    summary: 'Revoke a role assignment (never your own last county-admin role)',
    params: z.object({ id: z.string() }),
    response: assignmentSchema,
    handler: async ({ actor, params }) => json(await roles.revoke(actor, params.id), true),
  });
}
