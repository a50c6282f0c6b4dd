/** Validation and response shapes of 新帳號申請 in the admin API. */
import { z } from 'zod';
import type { Account } from '../../services/accounts.js';
import { REVIEW_STATUSES, type ReviewView } from '../../services/application-review.js';
import { pageQuery } from '../api.js';

export const idParams = z.object({ id: z.string().max(64) });

export const listQuery = z
  .object({
    status: z.enum(REVIEW_STATUSES).default('pending'),
    school_id: z.uuid().optional(),
  })
  .extend(pageQuery.shape);

export const approveBody = z
  .object({
    username: z.string().max(64).optional(),
    titles: z.array(z.string().max(100)).max(100).optional(),
  })
  .strict();

export const rejectBody = z.object({ reason: z.string().max(2000) }).strict();

const iso = z.iso.datetime();
const isoOf = (d: Date | null) => (d ? d.toISOString() : null);

/** Everything a reviewer sees; the national ID only masked (never sealed, hashed or in full). */
export const applicationSchema = z.object({
  id: z.string(),
  status: z.enum(['unverified', 'pending', 'approved', 'rejected']),
  reviewer: z.enum(['school', 'county']),
  real_name: z.string(),
  email: z.string(),
  mobile: z.string(),
  school: z.object({ id: z.string(), code: z.string(), name: z.string() }),
  identity_type: z.enum(['teacher', 'staff', 'other']),
  requested_titles: z.array(z.string()),
  requested_username: z.string().nullable(),
  requests_school_admin: z.boolean(),
  national_id_masked: z.string().nullable(),
  /** another account holding the same national ID: approval would fail (one person, one account) */
  national_id_account_id: z.string().nullable(),
  email_verified_at: iso.nullable(),
  mobile_verified_at: iso.nullable(),
  submitted_at: iso.nullable(),
  created_at: iso,
  decided_by: z.string().nullable(),
  decided_at: iso.nullable(),
  decision_reason: z.string().nullable(),
  account_id: z.string().nullable(),
  can_decide: z.boolean(),
});

export function applicationOf(v: ReviewView): z.input<typeof applicationSchema> {
  const a = v.application;
  return {
    id: a.id,
    status: a.status,
    reviewer: a.reviewer,
    real_name: a.realName,
    email: a.email,
    mobile: a.mobile,
    school: { id: a.schoolId, code: a.schoolCode, name: a.schoolName },
    identity_type: a.identityType,
    requested_titles: a.requestedTitles,
    requested_username: a.requestedUsername,
    requests_school_admin: a.requestsSchoolAdmin,
    national_id_masked: a.nationalIdMasked,
    national_id_account_id: a.nationalIdAccountId,
    email_verified_at: isoOf(a.emailVerifiedAt),
    mobile_verified_at: isoOf(a.mobileVerifiedAt),
    submitted_at: isoOf(a.submittedAt),
    created_at: a.createdAt.toISOString(),
    decided_by: v.decidedByUsername,
    decided_at: isoOf(a.decidedAt),
    decision_reason: a.decisionReason,
    account_id: a.accountId,
    can_decide: v.can.decide,
  };
}

export const approvalSchema = z.object({
  application: applicationSchema,
  account: z.object({ id: z.string(), username: z.string() }),
  activation_sent: z.literal(true),
});

export function approvalOf(account: Account, view: ReviewView): z.input<typeof approvalSchema> {
  return {
    application: applicationOf(view),
    account: { id: account.id, username: account.username },
    activation_sent: true,
  };
}

/** Titles typed one per line in the console. */
export const titleLines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 100);
