/** Admin API of 稽核紀錄: GET /audit (county admins). */
import { z } from 'zod';
import type { AuditLog } from '../../services/audit.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';
import { endOfDay, startOfDay } from './filter.js';

const day = z
  .string()
  .refine((v) => startOfDay(v) !== undefined, 'a calendar date YYYY-MM-DD')
  .describe('YYYY-MM-DD, a day in Taiwan time (inclusive)');

const entrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor_id: z.string().nullable(),
  actor_username: z.string().nullable(),
  actor_ip: z.string().nullable(),
  via: z.enum(['console', 'api', 'cli', 'public']),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  org_id: z.string().nullable(),
  org_name: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export function mountAuditApi(api: ApiRegistry, audit: AuditLog): void {
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'audit',
    summary: "Audit log of the caller's county, its schools and entries of no organisation, newest first",
    query: pageQuery.extend({
      actor: z.string().max(200).optional().describe('username of the actor'),
      action: z.string().max(100).optional().describe('an action or its beginning, e.g. "school."'),
      target_type: z.string().max(100).optional(),
      target_id: z.string().max(200).optional(),
      from: day.optional(),
      to: day.optional(),
    }),
    response: listOf(entrySchema),
    handler: async ({ actor, query }) => {
      const { rows, total, orgs } = await audit.search(actor, {
        actorUsername: query.actor,
        action: query.action,
        targetType: query.target_type,
        targetId: query.target_id,
        from: query.from ? startOfDay(query.from) : undefined,
        to: query.to ? endOfDay(query.to) : undefined,
        offset: query.offset,
        limit: query.limit,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actor_id: r.actorId,
          actor_username: r.actorUsername,
          actor_ip: r.actorIp,
          via: r.via,
          action: r.action,
          target_type: r.targetType,
          target_id: r.targetId,
          org_id: r.orgId,
          org_name: r.orgId ? (orgs.get(r.orgId)?.name ?? null) : null,
          before: r.before ?? null,
          after: r.after ?? null,
        })),
        total,
        offset: query.offset,
        limit: query.limit,
      };
    },
  });
}
