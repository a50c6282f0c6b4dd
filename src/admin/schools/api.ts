/**
 * Admin API of 學校名稱: /schools, /schools/:id, /schools/:id/classes, /classes/:id and
 * /classes/:id/teachers. The same services and policy as the console pages.
 */
import { z } from 'zod';
import type { ClassService, ClassTeacher, ClassWithTeachers, SchoolClass } from '../../services/classes.js';
import type { Organization, SchoolService } from '../../services/schools.js';
import { type ApiRegistry, listOf, pageQuery } from '../api.js';

const level = z.enum(['elementary', 'junior', 'senior', 'other']);

const schoolSchema = z.object({
  id: z.string(),
  code: z.string().describe('MOE school code'),
  name: z.string(),
  short_name: z.string().nullable(),
  level: level.nullable().describe('elementary 國小, junior 國中, senior 高中, other 其他'),
  county_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const teacherSchema = z.object({
  account_id: z.string(),
  username: z.string(),
  name: z.string().nullable(),
  kind: z.enum(['homeroom', 'subject']).describe('homeroom 導師, subject 科任'),
});

const classSchema = z.object({
  id: z.string(),
  school_id: z.string(),
  school_year: z.number().int().describe('ROC year (民國), e.g. 115'),
  semester: z.number().int(),
  grade: z.number().int(),
  class_no: z.number().int(),
  title: z.string(),
  created_at: z.string(),
});

const classDetailSchema = classSchema.extend({
  teachers: z.array(teacherSchema),
  member_count: z.number().int(),
});

const teachersSchema = z.object({ items: z.array(teacherSchema) });

const idParams = z.object({ id: z.string() });

const schoolBody = z.object({
  code: z.string().max(100).describe('6 to 8 letters or digits (^[0-9A-Za-z]{6,8}$), unique'),
  name: z.string().max(1000),
  short_name: z.string().max(1000).nullable().optional(),
  level: z.string().max(20).describe('elementary | junior | senior | other'),
});

const classBody = z.object({
  school_year: z.number().int().describe('ROC year, 1 to 999'),
  semester: z.number().int().describe('1 or 2'),
  grade: z.number().int().describe('1 to 12'),
  class_no: z.number().int().describe('1 to 99; unique per school, year, semester and grade'),
  title: z.string().max(1000).nullable().optional().describe('blank: e.g. 三年三班'),
});

export const schoolJson = (s: Organization) => ({
  id: s.id,
  code: s.code,
  name: s.name,
  short_name: s.shortName,
  level: s.level,
  county_id: s.parentId,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
});

const teacherJson = (t: ClassTeacher) => ({
  account_id: t.accountId,
  username: t.username,
  name: t.name,
  kind: t.kind,
});

const classJson = (c: SchoolClass) => ({
  id: c.id,
  school_id: c.schoolId,
  school_year: c.schoolYear,
  semester: c.semester,
  grade: c.grade,
  class_no: c.classNo,
  title: c.title,
  created_at: c.createdAt.toISOString(),
});

const classListJson = (c: ClassWithTeachers) => ({
  ...classJson(c),
  teachers: c.teachers.map(teacherJson),
  member_count: c.memberCount,
});

export function mountSchoolsApi(api: ApiRegistry, schools: SchoolService, classes: ClassService): void {
  api.add({
    method: 'get',
    path: '/schools',
    tag: 'schools',
    summary: 'Schools the caller administers (county: all of the county; school admin: own schools)',
    query: pageQuery.extend({
      code: z.string().max(8).optional().describe('prefix of the school code'),
      name: z.string().max(100).optional().describe('part of the full or short name'),
      level: level.optional(),
    }),
    response: listOf(schoolSchema),
    handler: async ({ actor, query }) => {
      const { rows, total } = await schools.list(actor, query);
      return { items: rows.map(schoolJson), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'post',
    path: '/schools',
    tag: 'schools',
    summary: 'Add a school to a county (county admins)',
    body: schoolBody.extend({
      county_id: z.string().optional().describe('required when the caller administers several counties'),
    }),
    response: schoolSchema,
    status: 201,
    handler: async ({ actor, body }) =>
      schoolJson(
        await schools.create(actor, {
          code: body.code,
          name: body.name,
          shortName: body.short_name,
          level: body.level,
          countyId: body.county_id,
        }),
      ),
  });

  api.add({
    method: 'get',
    path: '/schools/:id',
    tag: 'schools',
    summary: 'One school',
    params: idParams,
    response: schoolSchema,
    handler: async ({ actor, params }) => schoolJson(await schools.get(actor, params.id)),
  });

  api.add({
    method: 'patch',
    path: '/schools/:id',
    tag: 'schools',
    summary: 'Change a school record (county admins); fields left out keep their value',
    params: idParams,
    body: schoolBody.partial(),
    response: schoolSchema,
    handler: async ({ actor, params, body }) => {
      const s = await schools.get(actor, params.id);
      return schoolJson(
        await schools.update(actor, s.id, {
          code: body.code ?? s.code,
          name: body.name ?? s.name,
          shortName: body.short_name === undefined ? s.shortName : body.short_name,
          level: body.level ?? s.level ?? '',
        }),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/schools/:id/classes',
    tag: 'schools',
    summary: 'Classes of a school, newest term first',
    params: idParams,
    query: pageQuery.extend({
      school_year: z.coerce.number().int().min(1).max(999).optional(),
      semester: z.coerce.number().int().min(1).max(2).optional(),
      grade: z.coerce.number().int().min(1).max(12).optional(),
    }),
    response: listOf(classDetailSchema),
    handler: async ({ actor, params, query }) => {
      const { rows, total } = await classes.list(actor, params.id, {
        schoolYear: query.school_year,
        semester: query.semester,
        grade: query.grade,
        offset: query.offset,
        limit: query.limit,
      });
      return { items: rows.map(classListJson), total, offset: query.offset, limit: query.limit };
    },
  });

  api.add({
    method: 'post',
    path: '/schools/:id/classes',
    tag: 'schools',
    summary: "Add a class to a school (the school's admins)",
    params: idParams,
    body: classBody,
    response: classSchema,
    status: 201,
    handler: async ({ actor, params, body }) =>
      classJson(
        await classes.create(actor, params.id, {
          schoolYear: body.school_year,
          semester: body.semester,
          grade: body.grade,
          classNo: body.class_no,
          title: body.title,
        }),
      ),
  });

  api.add({
    method: 'get',
    path: '/classes/:id',
    tag: 'schools',
    summary: 'One class with its teachers',
    params: idParams,
    response: classDetailSchema,
    handler: async ({ actor, params }) => {
      const d = await classes.get(actor, params.id);
      return {
        ...classJson(d.schoolClass),
        teachers: d.teachers.map(teacherJson),
        member_count: d.memberCount,
      };
    },
  });

  api.add({
    method: 'patch',
    path: '/classes/:id',
    tag: 'schools',
    summary: 'Change a class; fields left out keep their value',
    params: idParams,
    body: classBody.partial(),
    response: classSchema,
    handler: async ({ actor, params, body }) => {
      const { schoolClass: c } = await classes.get(actor, params.id);
      return classJson(
        await classes.update(actor, c.id, {
          schoolYear: body.school_year ?? c.schoolYear,
          semester: body.semester ?? c.semester,
          grade: body.grade ?? c.grade,
          classNo: body.class_no ?? c.classNo,
          title: body.title === undefined ? c.title : body.title,
        }),
      );
    },
  });

  api.add({
    method: 'get',
    path: '/classes/:id/teachers',
    tag: 'schools',
    summary: 'Teachers of a class',
    params: idParams,
    response: teachersSchema,
    handler: async ({ actor, params }) => ({
      items: (await classes.get(actor, params.id)).teachers.map(teacherJson),
    }),
  });

  api.add({
    method: 'post',
    path: '/classes/:id/teachers',
    tag: 'schools',
    summary: 'Make an account of the school a teacher of the class (or change the kind)',
    params: idParams,
    body: z.object({
      username: z.string().max(200),
      kind: z.string().max(20).default('homeroom').describe('homeroom 導師 | subject 科任'),
    }),
    response: teachersSchema,
    handler: async ({ actor, params, body }) => ({
      items: (await classes.assignTeacher(actor, params.id, body)).map(teacherJson),
    }),
  });

  api.add({
    method: 'delete',
    path: '/classes/:id/teachers/:account_id',
    tag: 'schools',
    summary: 'Remove a teacher from a class',
    params: z.object({ id: z.string(), account_id: z.string() }),
    response: teachersSchema,
    handler: async ({ actor, params }) => ({
      items: (await classes.removeTeacher(actor, params.id, params.account_id)).map(teacherJson),
    }),
  });
}
