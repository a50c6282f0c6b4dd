/**
 * 學校名稱: the schools list, a school's record with its classes per school year and
 * semester, the school form (county admins) and a class page with its teachers (導師, 科任).
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { tc } from './common.js';
import {
  actionButton,
  dataTable,
  definitionList,
  type FieldProps,
  field,
  filterBar,
  formError,
  link,
  type Page,
  pagination,
  postForm,
} from './components.js';
import { defineMessages } from './messages.js';

export const ts = defineMessages(
  {
    'schools.new': '新增學校',
    'schools.edit': '編輯學校資料',
    'schools.code': '學校代碼',
    'schools.code_hint': '教育部學校代碼，6 到 8 個英文字母或數字，例如 173637。',
    'schools.name': '學校全名',
    'schools.short_name': '簡稱',
    'schools.level': '學制',
    'schools.county': '所屬縣市',
    'schools.detail': '檢視',
    'schools.record': '學校資料',
    'schools.read_only': '學校資料由縣市管理者維護。',
    'schools.created': '已新增學校「{name}」。',
    'schools.updated': '已更新學校資料。',
    'level.elementary': '國小',
    'level.junior': '國中',
    'level.senior': '高中',
    'level.other': '其他',
    'classes.heading': '班級',
    'classes.school_year': '學年度',
    'classes.school_year_hint': '民國年，例如 115。',
    'classes.semester': '學期',
    'classes.grade': '年級',
    'classes.class_no': '班級序號',
    'classes.title': '班級名稱',
    'classes.title_hint': '空白則自動命名，例如「三年三班」。',
    'classes.term': '{year} 學年度第 {semester} 學期',
    'classes.teachers': '教師',
    'classes.members': '學生數',
    'classes.manage': '管理',
    'classes.new': '新增班級',
    'classes.create': '新增',
    'classes.created': '已新增班級「{title}」。',
    'classes.updated': '已更新班級資料。',
    'classes.edit': '編輯班級',
    'classes.record': '班級資料',
    'classes.back': '回到學校',
    'teachers.heading': '班級教師',
    'teachers.username': '帳號',
    'teachers.name': '姓名',
    'teachers.kind': '類別',
    'teachers.add': '指派教師',
    'teachers.username_hint': '本校教職員的帳號。',
    'teachers.remove': '移除',
    'teachers.assigned': '已指派 {username} 為{kind}。',
    'teachers.removed': '已移除 {username}。',
    'teacher.homeroom': '導師',
    'teacher.subject': '科任',
    'school.code_invalid': '學校代碼須為 6 到 8 個英文字母或數字。',
    'school.code_taken': '此學校代碼已有學校使用，請確認代碼是否正確。',
    'school.name_required': '請輸入學校全名。',
    'school.name_too_long': '學校全名最多 100 個字。',
    'school.short_name_too_long': '簡稱最多 50 個字。',
    'school.level_invalid': '請選擇學制（國小、國中、高中或其他）。',
    'school.county_required': '請選擇所屬縣市。',
    'class.school_year_invalid': '學年度須為 1 到 999 的整數（民國年，例如 115）。',
    'class.semester_invalid': '學期須為 1 或 2。',
    'class.grade_invalid': '年級須為 1 到 12 的整數。',
    'class.class_no_invalid': '班級序號須為 1 到 99 的整數。',
    'class.title_too_long': '班級名稱最多 50 個字。',
    'class.duplicate': '本校在這個學年度、學期已有相同年級與班級序號的班級。',
    'class.teacher_not_found': '找不到此帳號，或它不是本校的教職員帳號。',
    'class.kind_invalid': '請選擇導師或科任。',
    'class.teacher_not_assigned': '此帳號不是本班的教師。',
  },
  {
    'schools.new': 'Add a school',
    'schools.edit': 'Edit school',
    'schools.code': 'School code',
    'schools.code_hint': 'The MOE school code: 6 to 8 letters or digits, e.g. 173637.',
    'schools.name': 'Full name',
    'schools.short_name': 'Short name',
    'schools.level': 'Level',
    'schools.county': 'County',
    'schools.detail': 'View',
    'schools.record': 'School record',
    'schools.read_only': 'The school record is kept by the county administrators.',
    'schools.created': 'School "{name}" added.',
    'schools.updated': 'School record updated.',
    'level.elementary': 'Elementary',
    'level.junior': 'Junior high',
    'level.senior': 'Senior high',
    'level.other': 'Other',
    'classes.heading': 'Classes',
    'classes.school_year': 'School year',
    'classes.school_year_hint': 'ROC year, e.g. 115.',
    'classes.semester': 'Semester',
    'classes.grade': 'Grade',
    'classes.class_no': 'Class number',
    'classes.title': 'Class name',
    'classes.title_hint': 'Leave blank for the usual Chinese name, e.g. 三年三班.',
    'classes.term': 'School year {year}, semester {semester}',
    'classes.teachers': 'Teachers',
    'classes.members': 'Students',
    'classes.manage': 'Manage',
    'classes.new': 'Add a class',
    'classes.create': 'Add',
    'classes.created': 'Class "{title}" added.',
    'classes.updated': 'Class updated.',
    'classes.edit': 'Edit class',
    'classes.record': 'Class record',
    'classes.back': 'Back to the school',
    'teachers.heading': 'Teachers of the class',
    'teachers.username': 'Username',
    'teachers.name': 'Name',
    'teachers.kind': 'Kind',
    'teachers.add': 'Assign a teacher',
    'teachers.username_hint': 'The username of a teacher or staff member of this school.',
    'teachers.remove': 'Remove',
    'teachers.assigned': '{username} assigned as {kind}.',
    'teachers.removed': '{username} removed.',
    'teacher.homeroom': 'Homeroom teacher',
    'teacher.subject': 'Subject teacher',
    'school.code_invalid': 'The school code must be 6 to 8 letters or digits.',
    'school.code_taken': 'Another school already has this code. Check the code.',
    'school.name_required': 'Enter the full name of the school.',
    'school.name_too_long': 'The full name can be at most 100 characters.',
    'school.short_name_too_long': 'The short name can be at most 50 characters.',
    'school.level_invalid': 'Choose a level (elementary, junior high, senior high or other).',
    'school.county_required': 'Choose the county.',
    'class.school_year_invalid': 'The school year must be a whole number from 1 to 999 (ROC year, e.g. 115).',
    'class.semester_invalid': 'The semester must be 1 or 2.',
    'class.grade_invalid': 'The grade must be a whole number from 1 to 12.',
    'class.class_no_invalid': 'The class number must be a whole number from 1 to 99.',
    'class.title_too_long': 'The class name can be at most 50 characters.',
    'class.duplicate':
      'This school already has a class with that grade and number in that school year and semester.',
    'class.teacher_not_found': 'No such account, or it is not a teacher or staff account of this school.',
    'class.kind_invalid': 'Choose homeroom or subject teacher.',
    'class.teacher_not_assigned': 'This account is not a teacher of the class.',
  },
);

type Level = 'elementary' | 'junior' | 'senior' | 'other';
const LEVELS: readonly Level[] = ['elementary', 'junior', 'senior', 'other'];

export const levelLabel = (locale: Locale, level: string | null) =>
  level && (LEVELS as readonly string[]).includes(level) ? ts(locale, `level.${level as Level}`) : '—';

export const levelOptions = (locale: Locale) =>
  LEVELS.map((l) => ({ value: l, label: ts(locale, `level.${l}`) }));

export const teacherKindLabel = (locale: Locale, kind: string) =>
  kind === 'subject' ? ts(locale, 'teacher.subject') : ts(locale, 'teacher.homeroom');

export const termLabel = (locale: Locale, year: number, semester: number) =>
  ts(locale, 'classes.term', { year, semester });

/** Which field of a form an error code belongs to, so the field is marked too. */
function fieldOf(error: string | undefined, fields: Record<string, readonly string[]>): string | undefined {
  if (!error) return undefined;
  return Object.entries(fields).find(([, codes]) => codes.includes(error))?.[0];
}

function errorFor(error: string | undefined, name: string, fields: Record<string, readonly string[]>) {
  return fieldOf(error, fields) === name ? error : undefined;
}

export interface SchoolRow {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  level: string | null;
  parentId: string | null;
}

export function schoolsListPage(
  locale: Locale,
  p: {
    rows: SchoolRow[];
    page: Page;
    query: Record<string, unknown>;
    filter: { code?: string | undefined; name?: string | undefined; level?: string | undefined };
    canCreate: boolean;
  },
): SafeHtml {
  const table = dataTable(locale, {
    id: 'schools',
    columns: [
      { label: ts(locale, 'schools.code') },
      { label: ts(locale, 'schools.name') },
      { label: ts(locale, 'schools.short_name') },
      { label: ts(locale, 'schools.level') },
      { label: tc(locale, 'table.actions') },
    ],
    rows: p.rows.map((s) => [
      s.code,
      link(`/admin/schools/${s.id}`, s.name),
      s.shortName,
      levelLabel(locale, s.level),
      link(`/admin/schools/${s.id}`, ts(locale, 'schools.detail')),
    ]),
  });
  return html`${p.canCreate && html`<p><a class="button button--small" href="/admin/schools/new">${ts(locale, 'schools.new')}</a></p>`}
${filterBar(locale, {
  action: '/admin/schools',
  fields: [
    { name: 'code', label: ts(locale, 'schools.code'), value: p.filter.code },
    { name: 'name', label: ts(locale, 'schools.name'), value: p.filter.name },
    {
      name: 'level',
      label: ts(locale, 'schools.level'),
      value: p.filter.level,
      options: levelOptions(locale),
    },
  ],
})}
${table}
${pagination(locale, p.page, '/admin/schools', p.query)}`;
}

const SCHOOL_FIELDS = {
  code: ['school.code_invalid', 'school.code_taken'],
  name: ['school.name_required', 'school.name_too_long'],
  short_name: ['school.short_name_too_long'],
  level: ['school.level_invalid'],
  county_id: ['school.county_required'],
} as const;

export interface SchoolFormValues {
  code?: string | undefined;
  name?: string | undefined;
  short_name?: string | undefined;
  level?: string | undefined;
  county_id?: string | undefined;
}

export function schoolForm(
  locale: Locale,
  p: {
    csrf: string;
    action: string;
    values: SchoolFormValues;
    error?: string | undefined;
    /** choices of county for a new school (more than one county) */
    counties?: Array<{ id: string; name: string }>;
    cancelHref: string;
  },
): SafeHtml {
  const f = (props: FieldProps) =>
    field(locale, { ...props, error: errorFor(p.error, props.name, SCHOOL_FIELDS) });
  return html`${formError(locale, p.error)}
${postForm(p.csrf, {
  action: p.action,
  submit: tc(locale, 'form.save'),
  body: [
    p.counties && p.counties.length > 1
      ? f({
          name: 'county_id',
          label: ts(locale, 'schools.county'),
          required: true,
          value: p.values.county_id,
          options: p.counties.map((c) => ({ value: c.id, label: c.name })),
        })
      : html``,
    f({
      name: 'code',
      label: ts(locale, 'schools.code'),
      required: true,
      value: p.values.code,
      hint: ts(locale, 'schools.code_hint'),
      autocomplete: 'off',
    }),
    f({ name: 'name', label: ts(locale, 'schools.name'), required: true, value: p.values.name }),
    f({ name: 'short_name', label: ts(locale, 'schools.short_name'), value: p.values.short_name }),
    f({
      name: 'level',
      label: ts(locale, 'schools.level'),
      required: true,
      value: p.values.level,
      options: levelOptions(locale),
    }),
  ],
})}
<p><a href="${p.cancelHref}">${tc(locale, 'form.cancel')}</a></p>`;
}

export interface ClassRow {
  id: string;
  schoolYear: number;
  semester: number;
  grade: number;
  classNo: number;
  title: string;
  memberCount: number;
  teachers: Array<{ username: string; name: string | null; kind: string }>;
}

const CLASS_FIELDS = {
  school_year: ['class.school_year_invalid'],
  semester: ['class.semester_invalid'],
  grade: ['class.grade_invalid', 'class.duplicate'],
  class_no: ['class.class_no_invalid', 'class.duplicate'],
  title: ['class.title_too_long'],
} as const;

export interface ClassFormValues {
  school_year?: string | undefined;
  semester?: string | undefined;
  grade?: string | undefined;
  class_no?: string | undefined;
  title?: string | undefined;
}

function classFields(locale: Locale, values: ClassFormValues, error: string | undefined): SafeHtml[] {
  const f = (props: FieldProps) =>
    field(locale, { ...props, error: errorFor(error, props.name, CLASS_FIELDS) });
  return [
    f({
      name: 'school_year',
      label: ts(locale, 'classes.school_year'),
      type: 'number',
      required: true,
      value: values.school_year,
      hint: ts(locale, 'classes.school_year_hint'),
    }),
    f({
      name: 'semester',
      label: ts(locale, 'classes.semester'),
      required: true,
      value: values.semester,
      options: [
        { value: '1', label: '1' },
        { value: '2', label: '2' },
      ],
    }),
    f({
      name: 'grade',
      label: ts(locale, 'classes.grade'),
      type: 'number',
      required: true,
      value: values.grade,
    }),
    f({
      name: 'class_no',
      label: ts(locale, 'classes.class_no'),
      type: 'number',
      required: true,
      value: values.class_no,
    }),
    f({
      name: 'title',
      label: ts(locale, 'classes.title'),
      value: values.title,
      hint: ts(locale, 'classes.title_hint'),
    }),
  ];
}

function teacherList(locale: Locale, teachers: ClassRow['teachers']): SafeHtml | string {
  if (teachers.length === 0) return '—';
  return html`${teachers.map(
    (t, i) =>
      html`${i > 0 && '、'}${t.name ?? t.username}<span class="badge">${teacherKindLabel(locale, t.kind)}</span>`,
  )}`;
}

export function schoolDetailPage(
  locale: Locale,
  p: {
    csrf: string;
    school: SchoolRow;
    countyName: string | null;
    canEdit: boolean;
    canManageClasses: boolean;
    classes: ClassRow[];
    page: Page;
    query: Record<string, unknown>;
    classFilter: {
      school_year?: string | undefined;
      semester?: string | undefined;
      grade?: string | undefined;
    };
    classForm: { values: ClassFormValues; error?: string | undefined };
  },
): SafeHtml {
  const base = `/admin/schools/${p.school.id}`;
  const record = definitionList([
    [ts(locale, 'schools.code'), p.school.code],
    [ts(locale, 'schools.name'), p.school.name],
    [ts(locale, 'schools.short_name'), p.school.shortName],
    [ts(locale, 'schools.level'), levelLabel(locale, p.school.level)],
    [ts(locale, 'schools.county'), p.countyName],
  ]);
  const table = dataTable(locale, {
    id: 'classes',
    columns: [
      { label: ts(locale, 'classes.school_year'), numeric: true },
      { label: ts(locale, 'classes.semester'), numeric: true },
      { label: ts(locale, 'classes.grade'), numeric: true },
      { label: ts(locale, 'classes.class_no'), numeric: true },
      { label: ts(locale, 'classes.title') },
      { label: ts(locale, 'classes.teachers') },
      { label: ts(locale, 'classes.members'), numeric: true },
      { label: tc(locale, 'table.actions') },
    ],
    rows: p.classes.map((c) => [
      c.schoolYear,
      c.semester,
      c.grade,
      c.classNo,
      link(`${base}/classes/${c.id}`, c.title),
      teacherList(locale, c.teachers),
      c.memberCount,
      link(
        `${base}/classes/${c.id}`,
        p.canManageClasses ? ts(locale, 'classes.manage') : ts(locale, 'schools.detail'),
      ),
    ]),
  });
  return html`<section class="admin-panel" aria-labelledby="school-record">
<h2 id="school-record">${ts(locale, 'schools.record')}</h2>
${record}
${p.canEdit ? html`<p><a class="button button--small" href="${base}/edit">${ts(locale, 'schools.edit')}</a></p>` : html`<p class="admin-panel__hint">${ts(locale, 'schools.read_only')}</p>`}
</section>
<h2 id="classes-heading">${ts(locale, 'classes.heading')}</h2>
${filterBar(locale, {
  action: base,
  fields: [
    { name: 'school_year', label: ts(locale, 'classes.school_year'), value: p.classFilter.school_year },
    {
      name: 'semester',
      label: ts(locale, 'classes.semester'),
      value: p.classFilter.semester,
      options: [
        { value: '1', label: '1' },
        { value: '2', label: '2' },
      ],
    },
    {
      name: 'grade',
      label: ts(locale, 'classes.grade'),
      value: p.classFilter.grade,
      options: Array.from({ length: 12 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) })),
    },
  ],
})}
${table}
${pagination(locale, p.page, base, p.query)}
${
  p.canManageClasses &&
  html`<section aria-labelledby="class-new">
<h2 id="class-new">${ts(locale, 'classes.new')}</h2>
${formError(locale, p.classForm.error)}
${postForm(p.csrf, {
  action: `${base}/classes`,
  submit: ts(locale, 'classes.create'),
  body: classFields(locale, p.classForm.values, p.classForm.error),
})}
</section>`
}`;
}

export function classPage(
  locale: Locale,
  p: {
    csrf: string;
    school: SchoolRow;
    schoolClass: ClassRow;
    teachers: Array<{ accountId: string; username: string; name: string | null; kind: string }>;
    canManage: boolean;
    editForm: { values: ClassFormValues; error?: string | undefined };
    teacherForm: {
      values: { username?: string | undefined; kind?: string | undefined };
      error?: string | undefined;
    };
  },
): SafeHtml {
  const c = p.schoolClass;
  const base = `/admin/schools/${p.school.id}/classes/${c.id}`;
  const record = definitionList([
    [ts(locale, 'schools.name'), p.school.name],
    [ts(locale, 'classes.school_year'), termLabel(locale, c.schoolYear, c.semester)],
    [ts(locale, 'classes.grade'), c.grade],
    [ts(locale, 'classes.class_no'), c.classNo],
    [ts(locale, 'classes.title'), c.title],
    [ts(locale, 'classes.members'), c.memberCount],
  ]);
  const teachers = dataTable(locale, {
    id: 'teachers',
    columns: [
      { label: ts(locale, 'teachers.username') },
      { label: ts(locale, 'teachers.name') },
      { label: ts(locale, 'teachers.kind') },
      ...(p.canManage ? [{ label: tc(locale, 'table.actions') }] : []),
    ],
    rows: p.teachers.map((t) => [
      t.username,
      t.name,
      teacherKindLabel(locale, t.kind),
      ...(p.canManage
        ? [
            actionButton(p.csrf, {
              action: `${base}/teachers/${t.accountId}/delete`,
              label: ts(locale, 'teachers.remove'),
              danger: true,
            }),
          ]
        : []),
    ]),
  });
  const teacherError = p.teacherForm.error;
  return html`<p><a href="/admin/schools/${p.school.id}">${ts(locale, 'classes.back')}</a></p>
<section class="admin-panel" aria-labelledby="class-record">
<h2 id="class-record">${ts(locale, 'classes.record')}</h2>
${record}
</section>
<h2 id="teachers-heading">${ts(locale, 'teachers.heading')}</h2>
${teachers}
${
  p.canManage &&
  html`<section aria-labelledby="teacher-add">
<h2 id="teacher-add">${ts(locale, 'teachers.add')}</h2>
${formError(locale, teacherError)}
${postForm(p.csrf, {
  action: `${base}/teachers`,
  submit: ts(locale, 'teachers.add'),
  body: [
    field(locale, {
      name: 'username',
      label: ts(locale, 'teachers.username'),
      required: true,
      value: p.teacherForm.values.username,
      hint: ts(locale, 'teachers.username_hint'),
      autocomplete: 'off',
      error: teacherError === 'class.teacher_not_found' ? teacherError : undefined,
    }),
    field(locale, {
      name: 'kind',
      label: ts(locale, 'teachers.kind'),
      required: true,
      value: p.teacherForm.values.kind ?? 'homeroom',
      options: [
        { value: 'homeroom', label: ts(locale, 'teacher.homeroom') },
        { value: 'subject', label: ts(locale, 'teacher.subject') },
      ],
      error: teacherError === 'class.kind_invalid' ? teacherError : undefined,
    }),
  ],
})}
</section>
<section aria-labelledby="class-edit">
<h2 id="class-edit">${ts(locale, 'classes.edit')}</h2>
${formError(locale, p.editForm.error)}
${postForm(p.csrf, { action: base, submit: tc(locale, 'form.save'), body: classFields(locale, p.editForm.values, p.editForm.error) })}
</section>`
}`;
}
