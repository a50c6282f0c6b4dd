/** Validation and response shapes of school transfers (學校異動). */
import { z } from 'zod';
import type { TransferCandidate, TransferView } from '../../services/transfers.js';
import { pageQuery, transferSummary, transferSummarySchema } from '../accounts/schema.js';

export const STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export const DIRECTIONS = ['incoming', 'outgoing', 'all'] as const;

export const idParams = z.object({ id: z.string().max(64) });

export const listQuery = z
  .object({
    direction: z.enum(DIRECTIONS).default('all'),
    status: z.enum(STATUSES).optional(),
  })
  .extend(pageQuery.shape);

export const lookupBody = z
  .object({ username: z.string().max(64).optional(), national_id: z.string().max(20).optional() })
  .strict();

export const requestBody = z
  .object({
    account_id: z.string().max(64),
    to_school_id: z.uuid(),
    titles: z.array(z.string().max(100)).max(20).default([]),
  })
  .strict();

export const rejectBody = z.object({ reason: z.string().max(2000) }).strict();

export const candidateSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  national_id_masked: z.string().nullable(),
  school: z.object({ id: z.string(), name: z.string() }).nullable(),
});

export function candidate(c: TransferCandidate): z.input<typeof candidateSchema> {
  return {
    id: c.id,
    username: c.username,
    name: c.name,
    national_id_masked: c.nationalIdMasked,
    school: c.schoolId ? { id: c.schoolId, name: c.schoolName ?? '' } : null,
  };
}

export const transferSchema = transferSummarySchema.extend({
  can_decide: z.boolean(),
  can_cancel: z.boolean(),
});

export function transfer(v: TransferView): z.input<typeof transferSchema> {
  return { ...transferSummary(v.transfer), can_decide: v.can.decide, can_cancel: v.can.cancel };
}

/** Titles typed one per line in the console. */
export const titleLines = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 100)
    : [];
