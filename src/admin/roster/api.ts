/**
 * Admin API of 學籍資料 (JSON; the file travels base64-encoded):
 *   POST /roster/previews                    upload → every row with its status (nothing written)
 *   GET  /roster/previews/:id                the preview again (?status= filters the rows)
 *   POST /roster/previews/:id/corrections    {rows: [{index, fields}]} → the preview judged again
 *   POST /roster/previews/:id/apply          {skip_invalid?} → per class the created usernames
 *   GET  /roster/previews/:id/result         the last apply of the preview, while it is kept
 * National IDs leave only masked (A12****789): the schemas below hold no other form of them.
 */
import { z } from 'zod';
import type { RosterAdmin } from '../../services/roster/admin.js';
import {
  ROSTER_ROW_STATUSES,
  type RosterApplyResult,
  type RosterPreview,
  rosterErrors,
} from '../../services/roster/import.js';
import { ROSTER_FIELDS } from '../../services/roster/rows.js';
import type { ApiRegistry } from '../api.js';
import { uploadErrors } from '../console.js';
import { MAX_ROSTER_BYTES } from './limits.js';

/** A12****789, or *** / '' for a cell too short to mask: never a whole number. */
const masked = z
  .string()
  .regex(/^(?:.{3}\*{4}.{3}|\*{3}|)$/u)
  .describe('the national ID masked: A12****789');

const statusEnum = z.enum(ROSTER_ROW_STATUSES);
const fieldEnum = z.enum(ROSTER_FIELDS);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const rowSchema = z.object({
  index: z.number().int().describe('position in the preview: what corrections refer to'),
  line: z.number().int().describe('the row number the spreadsheet shows'),
  status: statusEnum.describe(
    'new; exists (身份證已存在: the import moves the student to this school, class and seat); member (已是會員); invalid_id; broken_name (a name with ? or other characters lost in Big5); invalid (see problems); duplicate (twice in the file); wrong_class (another class than the chosen one)',
  ),
  problems: z.array(z.string()).describe('the fields to correct; identity_type: the ID belongs to staff'),
  national_id_masked: masked,
  family_name_first: z.boolean().nullable(),
  family_name: z.string(),
  given_name: z.string(),
  gender: z.enum(['M', 'F', 'X']).nullable(),
  birth_date: z.string().nullable().describe('YYYY-MM-DD'),
  grade: z.number().int().nullable(),
  class_no: z.number().int().nullable(),
  seat: z.number().int().nullable(),
  input: z
    .object({
      family_name_first: z.string(),
      family_name: z.string(),
      given_name: z.string(),
      gender: z.string(),
      birth_date: z.string(),
      grade: z.string(),
      class: z.string(),
      seat: z.string(),
    })
    .partial()
    .describe('the cells as the file had them (the national ID left out)'),
  account: z.object({ username: z.string(), name_matches: z.boolean() }).nullable(),
});

const schoolSchema = z.object({ id: z.string(), code: z.string(), name: z.string() });

const targetFields = {
  school_year: z.number().int().describe('ROC school year (學年度)'),
  semester: z.number().int(),
  grade: z.number().int().nullable(),
  class_no: z.number().int().nullable(),
};

const previewSchema = z.object({
  id: z.string(),
  school: schoolSchema,
  ...targetFields,
  filename: z.string().nullable(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  counts: z.object(Object.fromEntries(ROSTER_ROW_STATUSES.map((s) => [s, z.number().int()]))),
  blocking: z.number().int().describe('rows apply refuses until corrected, unless skip_invalid'),
  classes: z.array(
    z.object({
      grade: z.number().int(),
      class_no: z.number().int(),
      title: z.string(),
      rows: z.number().int(),
    }),
  ),
  rows: z.array(rowSchema),
});

const studentSchema = z.object({
  index: z.number().int(),
  line: z.number().int(),
  seat: z.number().int().nullable(),
  username: z.string(),
  name: z.string(),
});

const resultSchema = z.object({
  preview_id: z.string(),
  school: schoolSchema,
  ...targetFields,
  classes: z.array(
    z.object({
      grade: z.number().int(),
      class_no: z.number().int(),
      title: z.string(),
      ok: z.boolean().describe('false: the class was rolled back (see error); import it again'),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      class_id: z.string().nullable(),
      created: z.array(
        studentSchema.extend({
          family_name: z.string(),
          given_name: z.string(),
          national_id_masked: masked,
        }),
      ),
      updated: z.array(studentSchema),
      unchanged: z.array(studentSchema),
    }),
  ),
  skipped: z.array(z.number().int()).describe('indexes of the rows left out (skip_invalid)'),
  totals: z.object({
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.number().int(),
    failed_classes: z.number().int(),
  }),
});

const idParams = z.object({ id: z.string().max(64) });

function previewJson(p: RosterPreview, status?: string) {
  return {
    id: p.id,
    school: p.school,
    school_year: p.target.schoolYear,
    semester: p.target.semester,
    grade: p.target.grade ?? null,
    class_no: p.target.classNo ?? null,
    filename: p.filename,
    format: p.format,
    encoding: p.encoding,
    created_at: p.createdAt,
    expires_at: p.expiresAt,
    counts: p.counts,
    blocking: p.blocking,
    classes: p.classes.map((c) => ({ grade: c.grade, class_no: c.classNo, title: c.title, rows: c.rows })),
    rows: p.rows
      .filter((r) => !status || r.status === status)
      .map((r) => ({
        index: r.index,
        line: r.line,
        status: r.status,
        problems: r.problems,
        national_id_masked: r.nationalIdMasked,
        family_name_first: r.familyNameFirst,
        family_name: r.familyName,
        given_name: r.givenName,
        gender: r.gender,
        birth_date: r.birthDate,
        grade: r.grade,
        class_no: r.classNo,
        seat: r.seat,
        input: r.input,
        account: r.account ? { username: r.account.username, name_matches: r.account.nameMatches } : null,
      })),
  };
}

function resultJson(r: RosterApplyResult) {
  return {
    preview_id: r.previewId,
    school: r.school,
    school_year: r.target.schoolYear,
    semester: r.target.semester,
    grade: r.target.grade ?? null,
    class_no: r.target.classNo ?? null,
    classes: r.classes.map((c) => ({
      grade: c.grade,
      class_no: c.classNo,
      title: c.title,
      ok: c.ok,
      error: c.error ?? null,
      class_id: c.classId,
      created: c.created.map((s) => ({
        index: s.index,
        line: s.line,
        seat: s.seat,
        username: s.username,
        name: s.name,
        family_name: s.familyName,
        given_name: s.givenName,
        national_id_masked: s.nationalIdMasked,
      })),
      updated: c.updated,
      unchanged: c.unchanged,
    })),
    skipped: r.skipped,
    totals: {
      created: r.totals.created,
      updated: r.totals.updated,
      unchanged: r.totals.unchanged,
      skipped: r.totals.skipped,
      failed_classes: r.totals.failedClasses,
    },
  };
}

export function mountRosterApi(api: ApiRegistry, roster: RosterAdmin): void {
  api.add({
    method: 'post',
    path: '/roster/previews',
    tag: 'roster',
    summary:
      'Upload a roster file (CSV in UTF-8 or Big5, or XLSX; base64) for a school, term, and optionally grade and class: every row with its status, nothing written',
    body: z.object({
      school_id: z.string().min(1).max(64),
      school_year: z.number().int().min(1).max(999).describe('ROC school year (學年度), e.g. 115'),
      semester: z.union([z.literal(1), z.literal(2)]),
      grade: z.number().int().min(1).max(12).optional().describe('absent: the rows’ own grade column'),
      class_no: z.number().int().min(1).max(99).optional().describe('absent: the rows’ own class column'),
      filename: z.string().min(1).max(255).describe('the name decides nothing but .xls is refused'),
      content_base64: z
        .string()
        .min(1)
        .refine((s) => BASE64.test(s.replace(/\s+/g, '')), 'not base64')
        .describe('the file, base64-encoded (the request body is limited to 1 MB)'),
    }),
    response: previewSchema,
    status: 201,
    handler: async ({ actor, body }) => {
      const file = Buffer.from(body.content_base64.replace(/\s+/g, ''), 'base64');
      if (file.length > MAX_ROSTER_BYTES) throw uploadErrors.too_large();
      const preview = await roster.preview(actor, {
        file,
        filename: body.filename,
        target: {
          schoolId: body.school_id,
          schoolYear: body.school_year,
          semester: body.semester,
          grade: body.grade,
          classNo: body.class_no,
        },
      });
      return previewJson(preview);
    },
  });

  api.add({
    method: 'get',
    path: '/roster/previews/:id',
    tag: 'roster',
    summary: "One of the caller's own roster previews (another admin's is not found)",
    params: idParams,
    query: z.object({ status: statusEnum.optional() }),
    response: previewSchema,
    handler: async ({ actor, params, query }) =>
      previewJson(await roster.get(actor, params.id), query.status),
  });

  api.add({
    method: 'post',
    path: '/roster/previews/:id/corrections',
    tag: 'roster',
    summary:
      'Correct cells of rows by index (a name that lost a character to Big5, a mistyped ID); the rows are judged again',
    params: idParams,
    body: z.object({
      rows: z
        .array(
          z.object({
            index: z.number().int().min(0),
            fields: z.partialRecord(fieldEnum, z.string().max(200)),
          }),
        )
        .min(1)
        .max(10_000),
    }),
    response: previewSchema,
    handler: async ({ actor, params, body }) =>
      previewJson(
        await roster.correct(
          actor,
          params.id,
          body.rows.map((r) => ({ index: r.index, fields: r.fields })),
        ),
      ),
  });

  api.add({
    method: 'post',
    path: '/roster/previews/:id/apply',
    tag: 'roster',
    summary:
      'Write the preview, one transaction per class: new accounts (usernames from the configured rule), moves, seats',
    params: idParams,
    body: z.object({
      skip_invalid: z.boolean().optional().describe('leave out the rows that still need correcting'),
    }),
    response: resultSchema,
    handler: async ({ actor, params, body }) =>
      resultJson(await roster.apply(actor, params.id, { skipInvalid: body.skip_invalid ?? false })),
  });

  api.add({
    method: 'get',
    path: '/roster/previews/:id/result',
    tag: 'roster',
    summary: 'The last apply of a preview (kept one hour): the created usernames per class',
    params: idParams,
    response: resultSchema,
    handler: async ({ actor, params }) => {
      const result = await roster.result(actor, params.id);
      if (!result) throw rosterErrors.preview_not_found();
      return resultJson(result);
    },
  });
}
