/**
 * Admin API of 一次登入: POST /passone/codes (the codes, shown once) and GET /passone/codes
 * (what was issued and its state, never a code or its hash).
 */
import { z } from 'zod';
import type { PassOneCodeListRow, PassOneService } from '../../services/pass-one.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';

const issuedCodeSchema = z.object({
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  code: z.string().describe('the pass code, e.g. ABCD-EFGH-JK: shown only in this response'),
  expires_at: z.string(),
});

const codeStatus = (r: PassOneCodeListRow) =>
  r.usedAt ? 'used' : r.revokedAt ? 'revoked' : r.expired ? 'expired' : 'unused';

const codeSchema = z.object({
  id: z.string(),
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  batch_id: z.string(),
  issued_by: z.string().nullable().describe('username of the teacher or admin who created it'),
  created_at: z.string(),
  expires_at: z.string(),
  used_at: z.string().nullable(),
  status: z.enum(['unused', 'used', 'expired', 'revoked']),
});

export function mountPassOneApi(api: ApiRegistry, passOne: PassOneService): void {
  api.add({
    method: 'post',
    path: '/passone/codes',
    tag: 'passone',
    summary:
      'Create one-time pass codes for students (older unused codes of each student are revoked); the codes appear only in this response',
    body: z.object({ account_ids: z.array(z.string().max(64)).min(1).max(100) }),
    response: z.object({
      batch_id: z.string(),
      expires_at: z.string(),
      codes: z.array(issuedCodeSchema),
    }),
    status: 201,
    handler: async ({ actor, body }) => {
      const batch = await passOne.issue(actor, body.account_ids);
      return {
        batch_id: batch.batchId,
        expires_at: batch.expiresAt.toISOString(),
        codes: batch.codes.map((c) => ({
          account_id: c.accountId,
          username: c.username,
          name: c.name,
          code: c.code,
          expires_at: c.expiresAt.toISOString(),
        })),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/passone/codes',
    tag: 'passone',
    summary: "Pass codes issued for the caller's students, newest first, with their state (no codes)",
    query: pageQuery.extend({ account_id: z.uuid().optional() }),
    response: listOf(codeSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await passOne.issued(actor, {
        accountId: query.account_id,
        offset: query.offset,
        limit: query.limit,
      });
      return {
        items: rows.map((r) => ({
          id: r.id,
          account_id: r.accountId,
          username: r.username,
          name: r.name,
          batch_id: r.batchId,
          issued_by: r.issuedByUsername,
          created_at: r.createdAt.toISOString(),
          expires_at: r.expiresAt.toISOString(),
          used_at: r.usedAt?.toISOString() ?? null,
          status: codeStatus(r),
        })),
        total,
        offset: query.offset,
        limit: query.limit,
      };
    },
  });
}
