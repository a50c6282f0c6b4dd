/** Admin API of 登入紀錄: GET /login-records (keyset pages) and GET /login-records.csv. */
import { z } from 'zod';
import {
  encodeLoginRecordCursor,
  type LoginRecordSearch,
  parseLoginRecordFilter,
  parseLoginRecordPage,
} from '../../services/login-record-search.js';
import type { ApiRegistry } from '../api.js';
import { sendCsv } from './console.js';

const filters = z.object({
  account: z.string().max(256).optional().describe('username or account id'),
  school: z
    .string()
    .max(64)
    .optional()
    .describe('a school id in scope, or "none" (records of no school; county admins)'),
  client: z.string().max(256).optional().describe('client_id'),
  method: z.string().max(64).optional().describe('password, passkey, pass-one, fido, certificate'),
  success: z.enum(['true', 'false']).optional(),
  ip: z.string().max(64).optional().describe('an address or a CIDR network, IPv4 or IPv6'),
  from: z.string().max(32).optional().describe('YYYY-MM-DD or YYYY-MM-DDTHH:MM, Taiwan time, inclusive'),
  to: z.string().max(32).optional().describe('YYYY-MM-DD or YYYY-MM-DDTHH:MM, Taiwan time, inclusive'),
});

const cursor = z.string().max(80).optional().describe('a cursor from next / prev of a page');

const recordSchema = z.object({
  id: z.string(),
  at: z.string(),
  account_id: z.string().nullable(),
  username: z.string().nullable(),
  account_name: z.string().nullable(),
  school_id: z.string().nullable(),
  school_name: z.string().nullable(),
  client_id: z.string().nullable(),
  client_name: z.string().nullable(),
  method: z.string(),
  success: z.boolean(),
  failure_reason: z.string().nullable(),
  ip: z.string().nullable(),
  os: z.string().nullable(),
  browser: z.string().nullable(),
  device: z.string().nullable(),
  session_id: z.string().nullable(),
});

export function mountLoginRecordsApi(api: ApiRegistry, search: LoginRecordSearch): void {
  api.add({
    method: 'get',
    path: '/login-records',
    tag: 'login-records',
    summary:
      "Login records in the caller's scope, newest first, in keyset pages (before = next of the previous page)",
    query: filters.extend({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      before: cursor,
      after: cursor,
      count: z.enum(['true', 'false']).optional().describe('also count matches (up to 10,000)'),
    }),
    response: z.object({
      items: z.array(recordSchema),
      next: z.string().nullable(),
      prev: z.string().nullable(),
      count: z.object({ count: z.number().int(), capped: z.boolean() }).optional(),
    }),
    handler: async ({ actor, query }) => {
      const filter = parseLoginRecordFilter(query);
      const page = parseLoginRecordPage(query);
      const [result, count] = await Promise.all([
        search.search(actor, filter, page),
        query.count === 'true' ? search.count(actor, filter) : undefined,
      ]);
      return {
        items: result.rows.map((r) => ({
          id: r.id,
          at: r.createdAt.toISOString(),
          account_id: r.accountId,
          username: r.username,
          account_name: r.accountName,
          school_id: r.schoolId,
          school_name: r.schoolName,
          client_id: r.clientId,
          client_name: r.clientName,
          method: r.method,
          success: r.success,
          failure_reason: r.failureReason,
          ip: r.ip,
          os: r.os,
          browser: r.browser,
          device: r.device,
          session_id: r.sessionId,
        })),
        next: result.next && encodeLoginRecordCursor(result.next),
        prev: result.prev && encodeLoginRecordCursor(result.prev),
        ...(count ? { count } : {}),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/login-records.csv',
    tag: 'login-records',
    summary: 'The same records as CSV (UTF-8 with BOM), streamed; the export is audited',
    query: filters,
    // the body is the CSV stream itself, passed through unchanged
    response: z.custom<NodeJS.ReadableStream>((v) => v !== null && typeof v === 'object'),
    handler: async ({ actor, query, ctx }) => {
      const filter = parseLoginRecordFilter(query);
      sendCsv(ctx, await search.export(actor, filter));
      return ctx.body as NodeJS.ReadableStream;
    },
  });
}
