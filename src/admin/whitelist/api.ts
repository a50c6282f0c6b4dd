/** Admin API of 白名單: GET/POST /whitelist, DELETE /whitelist/:id. */
import { z } from 'zod';
import type { IpRangeView, Whitelist } from '../../services/whitelist.js';
import { type ApiRegistry, pageQuery } from '../api.js';

const rangeSchema = z.object({
  id: z.string(),
  org_id: z.string(),
  org_kind: z.enum(['county', 'school']),
  org_code: z.string(),
  org_name: z.string(),
  cidr: z.string().describe('canonical CIDR, e.g. 163.25.10.0/24 or 2001:288:1234::/48'),
  label: z.string().nullable(),
  created_by: z.string().nullable().describe('username of the admin who added it'),
  created_at: z.string(),
});

const json = (r: IpRangeView) => ({
  id: r.id,
  org_id: r.orgId,
  org_kind: r.orgKind,
  org_code: r.orgCode,
  org_name: r.orgName,
  cidr: r.cidr,
  label: r.label,
  created_by: r.createdByUsername,
  created_at: r.createdAt.toISOString(),
});

export function mountWhitelistApi(api: ApiRegistry, whitelist: Whitelist): void {
  api.add({
    method: 'get',
    path: '/whitelist',
    tag: 'whitelist',
    summary: "The TANet defaults and the ranges of the caller's counties and schools",
    query: pageQuery.extend({ org_id: z.string().optional() }),
    response: z.object({
      tanet: z.array(z.string()).describe('education-network defaults from the configuration (read-only)'),
      items: z.array(rangeSchema),
      total: z.number().int(),
      offset: z.number().int(),
      limit: z.number().int(),
    }),
    handler: async ({ actor, query }) => {
      const { rows, total } = await whitelist.list(actor, {
        orgId: query.org_id,
        offset: query.offset,
        limit: query.limit,
      });
      return {
        tanet: [...whitelist.tanetRanges],
        items: rows.map(json),
        total,
        offset: query.offset,
        limit: query.limit,
      };
    },
  });

  api.add({
    method: 'post',
    path: '/whitelist',
    tag: 'whitelist',
    summary: 'Add a range to a county or school',
    body: z.object({
      org_id: z.string().max(100),
      cidr: z
        .string()
        .max(100)
        .describe('IPv4 or IPv6 CIDR; a host address means /32 or /128; host bits must be zero'),
      label: z.string().max(1000).nullable().optional(),
    }),
    response: rangeSchema,
    status: 201,
    handler: async ({ actor, body }) =>
      json(await whitelist.add(actor, { orgId: body.org_id, cidr: body.cidr, label: body.label })),
  });

  api.add({
    method: 'delete',
    path: '/whitelist/:id',
    tag: 'whitelist',
    summary: 'Delete a range',
    params: z.object({ id: z.string() }),
    response: rangeSchema,
    handler: async ({ actor, params }) => json(await whitelist.remove(actor, params.id)),
  });
}
