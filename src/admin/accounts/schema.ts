/**
 * Validation of account-management input (console filters and forms, API queries and bodies)
 * and the API's response shapes: national IDs only masked, never a hash or sealed value.
 */
import { z } from 'zod';
import type { AccountEditValues, AccountFilters } from '../../../views/admin/accounts.js';
import {
  type AccountDetail,
  type AccountListRow,
  type AccountPatch,
  type AccountQuery,
  IDENTITY_TYPES,
  isFullNationalId,
} from '../../services/account-admin.js';
import type { Transfer } from '../../services/transfers.js';

const text = (max: number) => z.string().max(max);
const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined));
const optionalInt = (min: number, max: number) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

/** Filters shared by the console's filter row, GET /accounts and POST /accounts/search. */
export const searchFilters = z.object({
  username: optionalText(64),
  name: optionalText(60),
  school_id: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()),
  school_year: optionalInt(1, 999),
  semester: optionalInt(1, 2),
  grade: optionalInt(1, 12),
  class_no: optionalInt(1, 99),
  identity_type: z.preprocess((v) => (v === '' ? undefined : v), z.enum(IDENTITY_TYPES).optional()),
  status: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['active', 'disabled', 'deleted']).optional(),
  ),
});

export type SearchFilters = z.infer<typeof searchFilters>;

export function toAccountQuery(
  f: SearchFilters,
  nationalId: string | undefined,
  page: { offset: number; limit: number },
): AccountQuery {
  return {
    username: f.username,
    name: f.name,
    schoolId: f.school_id,
    schoolYear: f.school_year,
    semester: f.semester,
    grade: f.grade,
    classNo: f.class_no,
    identityType: f.identity_type,
    status: f.status,
    nationalId,
    ...page,
  };
}

/** The console's filter row (?username=&school=&year=…) → the shared filters. */
export function consoleFilters(query: Record<string, unknown>): {
  raw: AccountFilters;
  parsed?: SearchFilters;
} {
  const str = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const raw: AccountFilters = {
    username: str('username'),
    name: str('name'),
    school: str('school'),
    year: str('year'),
    semester: str('semester'),
    grade: str('grade'),
    class_no: str('class_no'),
    identity: str('identity'),
    status: str('status'),
    masked_id: str('masked_id'),
  };
  const result = searchFilters.safeParse({
    username: raw.username,
    name: raw.name,
    school_id: raw.school,
    school_year: raw.year,
    semester: raw.semester,
    grade: raw.grade,
    class_no: raw.class_no,
    identity_type: raw.identity,
    status: raw.status,
  });
  return result.success ? { raw, parsed: result.data } : { raw };
}

/** A full national ID in a URL is refused: it would sit in history and logs. */
export const refusesFullId = (value: string | undefined) => !!value && isFullNationalId(value);

const lines = (value: unknown) =>
  typeof value === 'string'
    ? value
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean)
    : [];

/** The console edit form → a patch (the service validates the values). */
export function patchFromForm(body: Record<string, unknown>, hasTitles: boolean): AccountPatch {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const identity = IDENTITY_TYPES.find((t) => t === str('identity_type'));
  return {
    identityType: identity,
    ...(hasTitles ? { titles: lines(body.titles) } : {}),
    name: str('name').slice(0, 200),
    familyName: str('family_name').slice(0, 200),
    givenName: str('given_name').slice(0, 200),
    email: str('email').slice(0, 400),
    mobile: str('mobile').slice(0, 40),
    openid2Ids: lines(body.openid2_ids).slice(0, 100),
  };
}

export function editValues(detail: AccountDetail): AccountEditValues {
  const a = detail.account;
  const titles = detail.titles
    .filter((t) => !t.endedAt && t.schoolId === a.schoolId)
    .sort((x, y) => x.position - y.position)
    .map((t) => t.title);
  return {
    identity_type: a.identityType ?? '',
    titles: titles.join('\n'),
    name: a.name ?? '',
    family_name: a.familyName ?? '',
    given_name: a.givenName ?? '',
    email: a.email ?? '',
    mobile: a.mobile ?? '',
    openid2_ids: a.openid2Ids.join('\n'),
  };
}

export function formValues(body: Record<string, unknown>): AccountEditValues {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined);
  return {
    identity_type: str('identity_type'),
    titles: str('titles'),
    name: str('name'),
    family_name: str('family_name'),
    given_name: str('given_name'),
    email: str('email'),
    mobile: str('mobile'),
    openid2_ids: str('openid2_ids'),
  };
}

// ---- API ----

// the same paging as api.ts's pageQuery, declared here: api.ts loads the module registry,
// so its exports are not yet initialised while the modules load
export const pageQuery = z.object({
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const idParams = z.object({ id: text(64) });

export const listQuery = searchFilters
  .extend({ national_id_masked: optionalText(20) })
  .extend(pageQuery.shape);

export const searchBody = searchFilters
  .extend({ national_id: optionalText(20) })
  .extend(pageQuery.shape)
  .strict();

export const patchBody = z
  .object({
    identity_type: z.enum(IDENTITY_TYPES).optional(),
    titles: z.array(text(100)).max(20).optional(),
    titles_school_id: z.uuid().optional(),
    name: text(200).optional(),
    family_name: text(200).nullable().optional(),
    given_name: text(200).nullable().optional(),
    email: text(400).nullable().optional(),
    mobile: text(40).nullable().optional(),
    openid2_ids: z.array(text(1000)).max(100).optional(),
  })
  .strict();

export const loginsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) });

const iso = z.iso.datetime();
const isoOf = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const schoolRef = z.object({ id: z.string(), name: z.string() });
const identityType = z.enum(IDENTITY_TYPES).nullable();
const gender = z.enum(['M', 'F', 'X']).nullable();

export const accountSummarySchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  gender,
  identity_type: identityType,
  school: schoolRef.nullable(),
  titles: z.array(z.string()),
  class: z
    .object({
      title: z.string(),
      school_year: z.number().int().nullable(),
      semester: z.number().int().nullable(),
      seat_no: z.number().int().nullable(),
    })
    .nullable(),
  national_id_masked: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  deleted: z.boolean(),
  deleted_at: iso.nullable(),
  created_at: iso,
  updated_at: iso,
});

export function accountSummary(r: AccountListRow): z.input<typeof accountSummarySchema> {
  return {
    id: r.id,
    username: r.username,
    name: r.name,
    gender: r.gender,
    identity_type: r.identityType,
    school: r.schoolId ? { id: r.schoolId, name: r.schoolName ?? '' } : null,
    titles: r.titles,
    class: r.classTitle
      ? { title: r.classTitle, school_year: r.classSchoolYear, semester: r.classSemester, seat_no: r.seatNo }
      : null,
    national_id_masked: r.nationalIdMasked,
    status: r.status,
    deleted: !!r.deletedAt,
    deleted_at: isoOf(r.deletedAt),
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

export const transferSummarySchema = z.object({
  id: z.string(),
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  national_id_masked: z.string().nullable(),
  from_school: schoolRef,
  to_school: schoolRef,
  titles: z.array(z.string()),
  status: z.enum(['pending', 'approved', 'rejected', 'cancelled']),
  requested_by: z.string().nullable(),
  requested_at: iso,
  decided_by: z.string().nullable(),
  decided_at: iso.nullable(),
  decision_reason: z.string().nullable(),
});

export function transferSummary(t: Transfer): z.input<typeof transferSummarySchema> {
  return {
    id: t.id,
    account_id: t.accountId,
    username: t.username,
    name: t.name,
    national_id_masked: t.nationalIdMasked,
    from_school: { id: t.fromSchoolId, name: t.fromSchoolName },
    to_school: { id: t.toSchoolId, name: t.toSchoolName },
    titles: t.titles,
    status: t.status,
    requested_by: t.requestedByUsername,
    requested_at: t.requestedAt.toISOString(),
    decided_by: t.decidedByUsername,
    decided_at: isoOf(t.decidedAt),
    decision_reason: t.decisionReason,
  };
}

export const accountDetailSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  family_name: z.string().nullable(),
  given_name: z.string().nullable(),
  gender,
  birth_date: z.string().nullable(),
  identity_type: identityType,
  school: schoolRef.nullable(),
  national_id_masked: z.string().nullable(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  mobile: z.string().nullable(),
  mobile_verified: z.boolean(),
  status: z.enum(['active', 'disabled']),
  deleted: z.boolean(),
  deleted_at: iso.nullable(),
  has_password: z.boolean(),
  must_change_password: z.boolean(),
  password_changed_at: iso.nullable(),
  openid2_ids: z.array(z.string()),
  created_at: iso,
  updated_at: iso,
  titles: z.array(
    z.object({
      school_id: z.string(),
      school_name: z.string(),
      title: z.string(),
      position: z.number().int(),
      current: z.boolean(),
      started_at: iso,
      ended_at: iso.nullable(),
    }),
  ),
  classes: z.array(
    z.object({
      class_id: z.string(),
      school_id: z.string(),
      school_name: z.string(),
      school_year: z.number().int(),
      semester: z.number().int(),
      grade: z.number().int(),
      class_no: z.number().int(),
      title: z.string(),
      seat_no: z.number().int().nullable(),
    }),
  ),
  transfers: z.array(transferSummarySchema),
  permissions: z.object({ manage: z.boolean(), restore: z.boolean() }),
});

export function accountDetail(d: AccountDetail): z.input<typeof accountDetailSchema> {
  const a = d.account;
  return {
    id: a.id,
    username: a.username,
    name: a.name,
    family_name: a.familyName,
    given_name: a.givenName,
    gender: a.gender,
    birth_date: a.birthDate,
    identity_type: a.identityType,
    school: d.school,
    national_id_masked: a.nationalIdMasked,
    email: a.email,
    email_verified: a.emailVerified,
    mobile: a.mobile,
    mobile_verified: a.mobileVerified,
    status: a.status,
    deleted: !!a.deletedAt,
    deleted_at: isoOf(a.deletedAt),
    has_password: a.hasPassword,
    must_change_password: a.mustChangePassword,
    password_changed_at: isoOf(a.passwordChangedAt),
    openid2_ids: a.openid2Ids,
    created_at: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    titles: d.titles.map((t) => ({
      school_id: t.schoolId,
      school_name: t.schoolName,
      title: t.title,
      position: t.position,
      current: !t.endedAt,
      started_at: t.startedAt.toISOString(),
      ended_at: isoOf(t.endedAt),
    })),
    classes: d.classes.map((c) => ({
      class_id: c.classId,
      school_id: c.schoolId,
      school_name: c.schoolName,
      school_year: c.schoolYear,
      semester: c.semester,
      grade: c.grade,
      class_no: c.classNo,
      title: c.title,
      seat_no: c.seatNo,
    })),
    transfers: d.transfers.map(transferSummary),
    permissions: d.can,
  };
}

export const loginRecordSchema = z.object({
  id: z.string(),
  created_at: iso,
  success: z.boolean(),
  method: z.string(),
  client_id: z.string().nullable(),
  failure_reason: z.string().nullable(),
  ip: z.string().nullable(),
  os: z.string().nullable(),
  browser: z.string().nullable(),
  device: z.string().nullable(),
  last_activity_at: iso.nullable(),
});

export { isoOf };
