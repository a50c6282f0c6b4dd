/**
 * Console pages of 學籍資料:
 *   GET  /admin/roster                          step 1: school, term, grade, class, file
 *   POST /admin/roster                          multipart upload → the preview (303)
 *   GET  /admin/roster/previews/:id             step 2: statuses, rows to correct, 繼續
 *   POST /admin/roster/previews/:id/corrections the correction table → the preview again
 *   POST /admin/roster/previews/:id/apply       繼續 → the result (303)
 *   GET  /admin/roster/results/:id              step 3: the created usernames, printable
 * A file the import cannot read re-renders step 1 with the message and the selections; a
 * preview that is gone (expired, applied, another admin's) shows a way back to step 1.
 */
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { tc } from '../../../views/admin/common.js';
import {
  type CorrectionValues,
  type RosterFormError,
  type RosterUploadValues,
  rosterGonePage,
  rosterPreviewPage,
  rosterResultPage,
  rosterUploadPage,
  STATUS_ORDER,
  tr,
} from '../../../views/admin/roster.js';
import { type AppError, isAppError } from '../../errors.js';
import { csrfToken } from '../../interactions/csrf.js';
import { authorize, policyErrors } from '../../services/admin/policy.js';
import { currentTerm } from '../../services/classes.js';
import type { RosterAdmin } from '../../services/roster/admin.js';
import {
  BLOCKING_STATUSES,
  type RosterCorrection,
  type RosterPreview,
  type RosterRow,
  type RosterRowStatus,
  type RosterTarget,
} from '../../services/roster/import.js';
import { ROSTER_FIELDS, type RosterField } from '../../services/roster/rows.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, upload, uploadedFile } from '../console.js';
import { MAX_ROSTER_BYTES } from './limits.js';

const LIST_PAGE_SIZE = 200;

const first = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';

const bodyOf = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;

function valuesFrom(source: Record<string, unknown>): RosterUploadValues {
  const v = (name: string) => first(source[name]).trim().slice(0, 64);
  return {
    school_id: v('school_id'),
    school_year: v('school_year'),
    semester: v('semester'),
    grade: v('grade'),
    class_no: v('class_no'),
  };
}

/** Form strings → the import target; the domain judges the numbers (roster.invalid_target). */
export function targetFrom(values: RosterUploadValues): RosterTarget {
  const num = (s: string | undefined) => (s && /^\d{1,4}$/.test(s) ? Number(s) : Number.NaN);
  return {
    schoolId: values.school_id ?? '',
    schoolYear: num(values.school_year),
    semester: num(values.semester) as 1 | 2,
    grade: values.grade ? num(values.grade) : undefined,
    classNo: values.class_no ? num(values.class_no) : undefined,
  };
}

/** An error of the roster file or target, as the upload form shows it. */
function formErrorOf(err: AppError, fileSent: boolean): RosterFormError {
  const detail = err.message !== err.code ? err.message : undefined;
  if (err.code === 'roster.missing_column') {
    return { code: err.code, columns: detail?.replace(/^missing column:\s*/, ''), fileSent };
  }
  return { code: err.code, detail, fileSent };
}

const isGone = (err: unknown) =>
  isAppError(err) && (err.code === 'roster.preview_not_found' || err.code === 'admin.not_found');

const previewPath = (id: string) => `/admin/roster/previews/${encodeURIComponent(id)}`;
const resultPath = (id: string) => `/admin/roster/results/${encodeURIComponent(id)}`;

/** The value a correction cell shows for a row now, to tell what the admin changed. */
function shownValue(row: RosterRow, field: RosterField, typedId: string | undefined): string {
  if (field === 'national_id') return typedId ?? '';
  if (field === 'family_name_first') {
    return row.familyNameFirst === null ? '' : row.familyNameFirst ? '是' : '否';
  }
  if (field === 'gender') return row.gender === 'M' ? '男' : row.gender === 'F' ? '女' : (row.gender ?? '');
  return row.input[field] ?? '';
}

/** fix_<index>_<field> fields of the correction form, by row index. */
function postedCorrections(ctx: Context): Map<number, CorrectionValues> {
  const out = new Map<number, CorrectionValues>();
  for (const [key, value] of Object.entries(bodyOf(ctx))) {
    const m = /^fix_(\d{1,6})_([a-z_]+)$/.exec(key);
    if (!m || !(ROSTER_FIELDS as readonly string[]).includes(m[2]!)) continue;
    const index = Number(m[1]);
    const fields = out.get(index) ?? {};
    fields[m[2] as RosterField] = first(value);
    out.set(index, fields);
  }
  return out;
}

export function mountRosterConsole(router: Router, roster: RosterAdmin): void {
  async function renderUpload(
    ctx: Context,
    values: RosterUploadValues,
    error?: RosterFormError,
    status = 200,
  ): Promise<void> {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const schools = await roster.schools(actor);
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.roster'),
      body: rosterUploadPage(locale, {
        csrf: csrfToken(ctx),
        schools: schools.map((s) => ({ id: s.id, code: s.code, name: s.name })),
        values,
        maxMegabytes: MAX_ROSTER_BYTES / 1024 / 1024,
        error,
      }),
      status,
    });
  }

  function renderGone(ctx: Context): void {
    const locale = localeOf(ctx);
    sendAdminPage(ctx, {
      title: tr(locale, 'roster.gone_title'),
      body: rosterGonePage(locale),
      status: 404,
    });
  }

  async function renderPreview(
    ctx: Context,
    preview: RosterPreview,
    p: {
      error?: string;
      posted?: Map<number, CorrectionValues>;
      skipChecked?: boolean;
      status?: number;
    } = {},
  ): Promise<void> {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const statusParam = first(ctx.query.status);
    const status = (STATUS_ORDER as readonly string[]).includes(statusParam)
      ? (statusParam as RosterRowStatus)
      : undefined;
    const filtered = status ? preview.rows.filter((r) => r.status === status) : preview.rows;
    const pages = Math.max(1, Math.ceil(filtered.length / LIST_PAGE_SIZE));
    const pageNo = Math.min(pages, Math.max(1, Number.parseInt(first(ctx.query.page), 10) || 1));
    const offset = (pageNo - 1) * LIST_PAGE_SIZE;
    const fixRows = preview.rows.filter((r) => BLOCKING_STATUSES.has(r.status));
    const typedIds = fixRows.length ? await roster.typedNationalIds(actor, preview.id) : new Map();
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.roster'),
      body: rosterPreviewPage(locale, {
        csrf: csrfToken(ctx),
        preview,
        schoolLabel: preview.school.name,
        fixRows,
        typedIds,
        posted: p.posted,
        list: {
          rows: filtered.slice(offset, offset + LIST_PAGE_SIZE),
          page: { offset, limit: LIST_PAGE_SIZE, total: filtered.length },
          status,
          query: ctx.query,
        },
        error: p.error,
        skipChecked: p.skipChecked ?? false,
      }),
      status: p.status ?? 200,
    });
  }

  router.get('/admin/roster', async (ctx) => {
    const actor = actorOf(ctx);
    // teachers have no school to import into
    if (actor.schoolIds.length === 0) throw policyErrors.forbidden();
    const values = valuesFrom(ctx.query);
    const blank = !values.school_year && !values.semester;
    if (blank) {
      // Aug–Jan: the first semester of this ROC school year; Feb–Jul: its second
      const term = currentTerm();
      values.school_year = String(term.schoolYear);
      values.semester = String(term.semester);
    }
    await renderUpload(ctx, values);
  });

  const parseUpload = upload('file', MAX_ROSTER_BYTES);
  router.post(
    '/admin/roster',
    async (ctx: Context, next: Next) => {
      try {
        await parseUpload(ctx, next);
      } catch (err) {
        // a file too large or a broken multipart body: the form again, nothing was read
        if (isAppError(err) && err.code.startsWith('upload.')) {
          await renderUpload(ctx, valuesFrom(bodyOf(ctx)), { code: err.code, fileSent: true }, err.status);
          return;
        }
        throw err;
      }
    },
    async (ctx) => {
      const actor = actorOf(ctx);
      const values = valuesFrom(bodyOf(ctx));
      const file = uploadedFile(ctx);
      if (!values.school_id) {
        await renderUpload(ctx, values, { code: 'roster.choose_school', fileSent: !!file }, 400);
        return;
      }
      authorize(actor, 'roster.import', { schoolId: values.school_id });
      if (!file) {
        await renderUpload(ctx, values, { code: 'roster.no_file' }, 400);
        return;
      }
      let preview: RosterPreview;
      try {
        preview = await roster.preview(actor, {
          file: file.buffer,
          filename: file.originalname,
          contentType: file.mimetype,
          target: targetFrom(values),
        });
      } catch (err) {
        if (isAppError(err) && err.expose && err.code.startsWith('roster.')) {
          await renderUpload(ctx, values, formErrorOf(err, true), err.status);
          return;
        }
        throw err;
      }
      ctx.status = 303;
      ctx.redirect(previewPath(preview.id));
    },
  );

  router.get('/admin/roster/previews/:id', async (ctx) => {
    const actor = actorOf(ctx);
    const id = ctx.params.id!;
    let preview: RosterPreview;
    try {
      preview = await roster.get(actor, id);
    } catch (err) {
      if (!isGone(err)) throw err;
      // applied in full: the preview is gone, its result is kept
      if (await roster.result(actor, id)) {
        ctx.redirect(resultPath(id));
        return;
      }
      renderGone(ctx);
      return;
    }
    await renderPreview(ctx, preview);
  });

  router.post('/admin/roster/previews/:id/corrections', async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const id = ctx.params.id!;
    let preview: RosterPreview;
    try {
      preview = await roster.get(actor, id);
    } catch (err) {
      if (isGone(err)) return renderGone(ctx);
      throw err;
    }
    const posted = postedCorrections(ctx);
    const typedIds = await roster.typedNationalIds(actor, id);
    const corrections: RosterCorrection[] = [];
    for (const [index, fields] of posted) {
      const row = preview.rows[index];
      if (!row) continue;
      const changed: CorrectionValues = {};
      for (const [field, value] of Object.entries(fields) as Array<[RosterField, string]>) {
        if (value !== shownValue(row, field, typedIds.get(index))) changed[field] = value;
      }
      if (Object.keys(changed).length) corrections.push({ index, fields: changed });
    }
    if (!corrections.length) {
      redirectWithFlash(ctx, previewPath(id), tr(locale, 'roster.no_changes'));
      return;
    }
    try {
      await roster.correct(actor, id, corrections);
    } catch (err) {
      if (isGone(err)) return renderGone(ctx);
      if (isAppError(err) && err.expose) {
        await renderPreview(ctx, preview, { error: err.code, posted, status: err.status });
        return;
      }
      throw err;
    }
    setSeeOther(ctx);
    redirectWithFlash(ctx, previewPath(id), tr(locale, 'roster.corrected', { count: corrections.length }));
  });

  router.post('/admin/roster/previews/:id/apply', async (ctx) => {
    const actor = actorOf(ctx);
    const id = ctx.params.id!;
    const skipInvalid = first(bodyOf(ctx).skip_invalid) === '1';
    try {
      await roster.apply(actor, id, { skipInvalid });
    } catch (err) {
      if (isGone(err)) {
        if (await roster.result(actor, id)) {
          setSeeOther(ctx);
          ctx.redirect(resultPath(id));
          return;
        }
        return renderGone(ctx);
      }
      if (isAppError(err) && err.code === 'roster.has_blocking_rows') {
        await renderPreview(ctx, await roster.get(actor, id), { error: err.code, status: err.status });
        return;
      }
      throw err;
    }
    setSeeOther(ctx);
    ctx.redirect(resultPath(id));
  });

  router.get('/admin/roster/results/:id', async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const id = ctx.params.id!;
    const result = await roster.result(actor, id);
    if (!result) return renderGone(ctx);
    let previewHref: string | undefined;
    if (result.totals.failedClasses > 0) {
      previewHref = await roster.get(actor, id).then(
        () => previewPath(id),
        () => undefined,
      );
    }
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.roster'),
      body: rosterResultPage(locale, { result, schoolLabel: result.school.name, previewHref }),
    });
  });
}

/** After a POST: 303, so the browser fetches the next page with GET. */
function setSeeOther(ctx: Context): void {
  ctx.status = 303;
}
