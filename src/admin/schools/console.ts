/**
 * Console pages of 學校名稱: /admin/schools (list, new), /admin/schools/:id (record and
 * classes), /admin/schools/:id/edit, /admin/schools/:id/classes/:classId (class and teachers).
 * Handlers read the form, call one service, and redirect or re-render with the error.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import { pageFromQuery } from '../../../views/admin/components.js';
import {
  type ClassFormValues,
  classPage,
  type SchoolFormValues,
  schoolDetailPage,
  schoolForm,
  schoolsListPage,
  teacherKindLabel,
  ts,
} from '../../../views/admin/schools.js';
import { csrfToken } from '../../interactions/csrf.js';
import { normalizeUsername } from '../../services/accounts.js';
import { type Actor, authorize, can, policyErrors } from '../../services/admin/policy.js';
import { type ClassDetail, type ClassService, currentTerm, wholeNumber } from '../../services/classes.js';
import {
  type Organization,
  SCHOOL_LEVELS,
  type SchoolLevel,
  type SchoolService,
} from '../../services/schools.js';
import { actorOf, localeOf, redirectWithFlash, sendAdminPage, withForm } from '../console.js';
import { formText, queryText } from './form.js';

const canCreateSchool = (actor: Actor) =>
  actor.countyIds.some((countyId) => can(actor, 'school.manage', { countyId }));

const schoolValues = (ctx: Context): SchoolFormValues => ({
  code: formText(ctx, 'code'),
  name: formText(ctx, 'name'),
  short_name: formText(ctx, 'short_name'),
  level: formText(ctx, 'level'),
  county_id: formText(ctx, 'county_id'),
});

const classValues = (ctx: Context): ClassFormValues => ({
  school_year: formText(ctx, 'school_year'),
  semester: formText(ctx, 'semester'),
  grade: formText(ctx, 'grade'),
  class_no: formText(ctx, 'class_no'),
  title: formText(ctx, 'title'),
});

const classInput = (v: ClassFormValues) => ({
  schoolYear: v.school_year ?? '',
  semester: v.semester ?? '',
  grade: v.grade ?? '',
  classNo: v.class_no ?? '',
  title: v.title,
});

export function mountSchoolsConsole(router: Router, schools: SchoolService, classes: ClassService): void {
  router.get('/admin/schools', async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const level = queryText(ctx, 'level');
    const filter = {
      code: queryText(ctx, 'code'),
      name: queryText(ctx, 'name'),
      level: (SCHOOL_LEVELS as readonly string[]).includes(level ?? '') ? (level as SchoolLevel) : undefined,
    };
    const { rows, total } = await schools.list(actor, { ...filter, offset, limit });
    sendAdminPage(ctx, {
      title: tc(locale, 'menu.schools'),
      body: schoolsListPage(locale, {
        rows,
        page: { offset, limit, total },
        query: ctx.query,
        filter,
        canCreate: canCreateSchool(actor),
      }),
    });
  });

  async function renderNewSchool(ctx: Context, values: SchoolFormValues, error?: string) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const counties = await schools.counties(actor);
    sendAdminPage(ctx, {
      title: ts(locale, 'schools.new'),
      body: schoolForm(locale, {
        csrf: csrfToken(ctx),
        action: '/admin/schools',
        values,
        error,
        counties,
        cancelHref: '/admin/schools',
      }),
    });
  }

  router.get('/admin/schools/new', async (ctx) => {
    const actor = actorOf(ctx);
    if (!canCreateSchool(actor)) throw policyErrors.forbidden();
    await renderNewSchool(ctx, {});
  });

  router.post('/admin/schools', async (ctx) => {
    const actor = actorOf(ctx);
    // refused outright: the form is not shown to whom it is not for
    if (!canCreateSchool(actor)) throw policyErrors.forbidden();
    const values = schoolValues(ctx);
    await withForm(
      ctx,
      (error) => renderNewSchool(ctx, values, error),
      async () => {
        const school = await schools.create(actor, {
          code: values.code ?? '',
          name: values.name ?? '',
          shortName: values.short_name,
          level: values.level ?? '',
          countyId: values.county_id || undefined,
        });
        redirectWithFlash(
          ctx,
          `/admin/schools/${school.id}`,
          ts(localeOf(ctx), 'schools.created', { name: school.name }),
        );
      },
    );
  });

  async function renderSchool(
    ctx: Context,
    school: Organization,
    classForm: { values: ClassFormValues; error?: string } | undefined,
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const { offset, limit } = pageFromQuery(ctx.query);
    const classFilter = {
      school_year: queryText(ctx, 'school_year'),
      semester: queryText(ctx, 'semester'),
      grade: queryText(ctx, 'grade'),
    };
    const [{ rows, total }, county] = await Promise.all([
      classes.list(actor, school.id, {
        schoolYear: wholeNumber(classFilter.school_year, 1, 999),
        semester: wholeNumber(classFilter.semester, 1, 2),
        grade: wholeNumber(classFilter.grade, 1, 12),
        offset,
        limit,
      }),
      schools.countyOf(school),
    ]);
    const term = currentTerm();
    sendAdminPage(ctx, {
      title: school.name,
      body: schoolDetailPage(locale, {
        csrf: csrfToken(ctx),
        school,
        countyName: county?.name ?? null,
        canEdit: can(actor, 'school.manage', { schoolId: school.id, countyId: school.parentId ?? undefined }),
        canManageClasses: can(actor, 'class.manage', { schoolId: school.id }),
        classes: rows,
        page: { offset, limit, total },
        query: ctx.query,
        classFilter,
        classForm: classForm ?? {
          values: { school_year: String(term.schoolYear), semester: String(term.semester) },
        },
      }),
    });
  }

  router.get('/admin/schools/:id', async (ctx) => {
    const school = await schools.get(actorOf(ctx), ctx.params.id!);
    await renderSchool(ctx, school, undefined);
  });

  async function renderEditSchool(
    ctx: Context,
    school: Organization,
    values: SchoolFormValues,
    error?: string,
  ) {
    const locale = localeOf(ctx);
    sendAdminPage(ctx, {
      title: ts(locale, 'schools.edit'),
      body: schoolForm(locale, {
        csrf: csrfToken(ctx),
        action: `/admin/schools/${school.id}`,
        values,
        error,
        cancelHref: `/admin/schools/${school.id}`,
      }),
    });
  }

  router.get('/admin/schools/:id/edit', async (ctx) => {
    const actor = actorOf(ctx);
    const school = await schools.get(actor, ctx.params.id!);
    authorize(actor, 'school.manage', { schoolId: school.id, countyId: school.parentId ?? undefined });
    await renderEditSchool(ctx, school, {
      code: school.code,
      name: school.name,
      short_name: school.shortName ?? '',
      level: school.level ?? '',
    });
  });

  router.post('/admin/schools/:id', async (ctx) => {
    const actor = actorOf(ctx);
    const school = await schools.get(actor, ctx.params.id!);
    authorize(actor, 'school.manage', { schoolId: school.id, countyId: school.parentId ?? undefined });
    const values = schoolValues(ctx);
    await withForm(
      ctx,
      (error) => renderEditSchool(ctx, school, values, error),
      async () => {
        await schools.update(actor, school.id, {
          code: values.code ?? '',
          name: values.name ?? '',
          shortName: values.short_name,
          level: values.level ?? '',
        });
        redirectWithFlash(ctx, `/admin/schools/${school.id}`, ts(localeOf(ctx), 'schools.updated'));
      },
    );
  });

  router.post('/admin/schools/:id/classes', async (ctx) => {
    const actor = actorOf(ctx);
    const school = await schools.get(actor, ctx.params.id!);
    const values = classValues(ctx);
    await withForm(
      ctx,
      (error) => renderSchool(ctx, school, { values, error }),
      async () => {
        const created = await classes.create(actor, school.id, classInput(values));
        redirectWithFlash(
          ctx,
          `/admin/schools/${school.id}/classes/${created.id}`,
          ts(localeOf(ctx), 'classes.created', { title: created.title }),
        );
      },
    );
  });

  /** The class of the path, which must belong to the school of the path. */
  async function classOfPath(ctx: Context): Promise<ClassDetail> {
    const detail = await classes.get(actorOf(ctx), ctx.params.classId!);
    if (detail.school.id !== ctx.params.id) throw policyErrors.not_found();
    return detail;
  }

  function renderClass(
    ctx: Context,
    detail: ClassDetail,
    forms: {
      edit?: { values: ClassFormValues; error?: string };
      teacher?: { values: { username?: string; kind?: string }; error?: string };
    } = {},
  ) {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const c = detail.schoolClass;
    sendAdminPage(ctx, {
      title: `${detail.school.shortName ?? detail.school.name} ${c.title}`,
      body: classPage(locale, {
        csrf: csrfToken(ctx),
        school: detail.school,
        schoolClass: { ...c, memberCount: detail.memberCount, teachers: detail.teachers },
        teachers: detail.teachers,
        canManage: can(actor, 'class.manage', { schoolId: c.schoolId }),
        editForm: forms.edit ?? {
          values: {
            school_year: String(c.schoolYear),
            semester: String(c.semester),
            grade: String(c.grade),
            class_no: String(c.classNo),
            title: c.title,
          },
        },
        teacherForm: forms.teacher ?? { values: {} },
      }),
    });
  }

  router.get('/admin/schools/:id/classes/:classId', async (ctx) => {
    renderClass(ctx, await classOfPath(ctx));
  });

  router.post('/admin/schools/:id/classes/:classId', async (ctx) => {
    const detail = await classOfPath(ctx);
    const values = classValues(ctx);
    await withForm(
      ctx,
      (error) => renderClass(ctx, detail, { edit: { values, error } }),
      async () => {
        await classes.update(actorOf(ctx), detail.schoolClass.id, classInput(values));
        redirectWithFlash(
          ctx,
          `/admin/schools/${detail.school.id}/classes/${detail.schoolClass.id}`,
          ts(localeOf(ctx), 'classes.updated'),
        );
      },
    );
  });

  router.post('/admin/schools/:id/classes/:classId/teachers', async (ctx) => {
    const detail = await classOfPath(ctx);
    const values = { username: formText(ctx, 'username'), kind: formText(ctx, 'kind') };
    await withForm(
      ctx,
      (error) => renderClass(ctx, detail, { teacher: { values, error } }),
      async () => {
        const teachers = await classes.assignTeacher(actorOf(ctx), detail.schoolClass.id, values);
        const locale = localeOf(ctx);
        const teacher = teachers.find((t) => t.username === normalizeUsername(values.username));
        redirectWithFlash(
          ctx,
          `/admin/schools/${detail.school.id}/classes/${detail.schoolClass.id}`,
          ts(locale, 'teachers.assigned', {
            username: teacher?.username ?? values.username,
            kind: teacherKindLabel(locale, values.kind),
          }),
        );
      },
    );
  });

  router.post('/admin/schools/:id/classes/:classId/teachers/:accountId/delete', async (ctx) => {
    const detail = await classOfPath(ctx);
    const removed = detail.teachers.find((t) => t.accountId === ctx.params.accountId);
    await withForm(
      ctx,
      (error) => renderClass(ctx, detail, { teacher: { values: {}, error } }),
      async () => {
        await classes.removeTeacher(actorOf(ctx), detail.schoolClass.id, ctx.params.accountId!);
        redirectWithFlash(
          ctx,
          `/admin/schools/${detail.school.id}/classes/${detail.schoolClass.id}`,
          ts(localeOf(ctx), 'teachers.removed', { username: removed?.username ?? '' }),
        );
      },
    );
  });
}
