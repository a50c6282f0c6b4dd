/** Admin API of 登入防護: GET /throttle?username=&ip=, POST /throttle/clear. */
import { z } from 'zod';
import type { ThrottleAdmin, ThrottleReport } from '../../services/throttle-admin.js';
import type { ApiRegistry } from '../api.js';

const querySchema = z.object({
  username: z.string().max(256).optional(),
  ip: z.string().max(64).optional().describe('IPv4 or IPv6 address'),
});

const reportSchema = z.object({
  account: z
    .object({ id: z.string(), username: z.string(), name: z.string().nullable() })
    .nullable()
    .describe('the account the username names; null for an unknown username (county admins only)'),
  username: z.string().nullable().describe('normalised'),
  ip: z.string().nullable(),
  store: z.enum(['redis', 'memory']).describe('memory: evaluation mode, counters of this node only'),
  counters: z.array(
    z.object({
      kind: z.enum(['password', 'pass_one', 'otp', 'fido', 'reset']),
      scope: z.enum(['account_ip', 'ip', 'account']),
      failures: z.number().int(),
      free: z.number().int(),
      remaining: z.number().int().describe('free failures left before the first block'),
      blocked_until: z.string().nullable(),
    }),
  ),
});

const json = (r: ThrottleReport) => ({
  account: r.account && { id: r.account.id, username: r.account.username, name: r.account.name },
  username: r.username,
  ip: r.ip,
  store: r.store as 'redis' | 'memory',
  counters: r.states.map((s) => ({
    kind: s.kind,
    scope: s.scope,
    failures: s.failures,
    free: s.free,
    remaining: s.remaining,
    blocked_until: s.blockedUntil?.toISOString() ?? null,
  })),
});

export function mountThrottleApi(api: ApiRegistry, admin: ThrottleAdmin): void {
  api.add({
    method: 'get',
    path: '/throttle',
    tag: 'throttle',
    summary: "Login protection: an account's (and an address's) failure counters and blocks",
    query: querySchema,
    response: reportSchema,
    handler: async ({ actor, query }) => json(await admin.lookup(actor, query)),
  });

  api.add({
    method: 'post',
    path: '/throttle/clear',
    tag: 'throttle',
    summary: 'Clear the counters and blocks of an account, an address, or both (county admins)',
    body: querySchema,
    response: reportSchema,
    handler: async ({ actor, body }) => json(await admin.clear(actor, body)),
  });
}
