/**
 * 學籍資料 (roster import) pages, after the seeds' AdminSSO screens:
 *   upload    自全宜系統匯入: school, school year and semester, grade, class, the file (匯入)
 *   preview   查詢 國小 3年 3班: every row with its status (身份證已存在, 身份證已是會員, …), the
 *             rows to correct in an editable table (身份證字號 姓氏在前 姓氏 名字 性別 出生年月日,
 *             Send), and 繼續
 *   result    OpenID 帳號 was created successfully: per class 座號, 姓名, OpenID 帳號, printable
 * National IDs appear masked, except the typed value in a correction input of a row to correct.
 */
import type {
  RosterApplyResult,
  RosterClassResult,
  RosterPreview,
  RosterProblem,
  RosterRow,
  RosterRowStatus,
} from '../../src/services/roster/import.js';
import type { RosterField } from '../../src/services/roster/rows.js';
import { csrfField } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { tc } from './common.js';
import { dataTable, definitionList, filterBar, type Page, pagination } from './components.js';
import { adminMessage, defineMessages } from './messages.js';

export const tr = defineMessages(
  {
    'roster.warning_title': '學籍資料',
    'roster.warning': '請留意「姓氏」是否正確！資料錯誤將停用管理者管理權限，請詳細檢查。',
    'roster.upload_title': '自全宜系統匯入',
    'roster.school': '學校',
    'roster.school_year': '學年度',
    'roster.school_year_hint': '民國年，例如 115。',
    'roster.semester': '學期',
    'roster.semester_1': '第一學期',
    'roster.semester_2': '第二學期',
    'roster.grade': '年',
    'roster.grade_all': '全校（依檔案的年級欄）',
    'roster.class': '班',
    'roster.class_all': '全年級（依檔案的班級欄）',
    'roster.file': '學籍檔案',
    'roster.file_hint':
      'CSV（UTF-8 或 Big5）或 Excel .xlsx，最大 {max} MB。欄位：身分證字號、姓氏在前、姓氏、名字、性別、出生年月日（西元或民國）、年級、班級、座號。',
    'roster.submit': '匯入',
    'roster.sync_note': '*可同步更新學生學校單位',
    'roster.note':
      '請從左側，先點選學校、年級與班級後匯入。 OpenID 帳號資料為提供教育部教育雲相關服務之重要資料，資料如有誤，煩請立即更改，以免影響個人與他人權益。！維持資料之正確為管理者應盡之義務，資料錯誤將停用管理者管理權限，請詳細檢查。',
    'roster.choose_file_again': '請重新選擇檔案（基於安全，瀏覽器不會保留已選的檔案）。',
    'roster.grade_label': '{grade}年',
    'roster.class_label': '{classNo}班',
    'roster.whole_school': '全校',
    'roster.query_heading': '查詢 {school} {scope}',
    'roster.preview_file': '檔案',
    'roster.preview_term': '學年度／學期',
    'roster.preview_term_value': '{year} 學年度第 {semester} 學期',
    'roster.preview_expires': '預覽保留至',
    'roster.preview_classes': '班級',
    'roster.preview_class_rows': '{title} {rows} 筆',
    'roster.summary': '統計',
    'roster.count': '{label} {count} 筆',
    'roster.list_heading': '全部資料（{total} 筆）',
    'roster.col_no': '#',
    'roster.col_line': '列',
    'roster.col_status': '狀態',
    'roster.col_national_id': '身份證字號',
    'roster.col_family_name_first': '姓氏在前',
    'roster.col_family_name': '姓氏',
    'roster.col_given_name': '名字',
    'roster.col_name': '姓名',
    'roster.col_gender': '性別',
    'roster.col_birth_date': '出生年月日',
    'roster.col_class': '班級',
    'roster.col_grade': '年級',
    'roster.col_seat': '座號',
    'roster.col_username': 'OpenID 帳號',
    'roster.status_filter': '狀態',
    'roster.status.new': '新增',
    'roster.status.exists': '身份證已存在',
    'roster.status.member': '身份證已是會員',
    'roster.status.invalid_id': '身分證字號錯誤',
    'roster.status.broken_name': '姓名含無法辨識的字（？）',
    'roster.status.invalid': '資料不完整/格式錯誤',
    'roster.status.duplicate': '檔案內重複',
    'roster.status.wrong_class': '班級不符',
    'roster.field.national_id': '身分證字號',
    'roster.field.family_name_first': '姓氏在前',
    'roster.field.family_name': '姓氏',
    'roster.field.given_name': '名字',
    'roster.field.gender': '性別',
    'roster.field.birth_date': '出生年月日',
    'roster.field.grade': '年級',
    'roster.field.class': '班級',
    'roster.field.seat': '座號',
    'roster.field.identity_type': '身分別（此身分證字號屬於教職員帳號）',
    'roster.name_differs': '姓名與現有帳號不同',
    'roster.yes': '是',
    'roster.no': '否',
    'roster.male': '男',
    'roster.female': '女',
    'roster.other': '其他',
    'roster.fix_heading': '需要修正的資料（{count} 筆）',
    'roster.fix_warning':
      '請留意「姓氏」及「名字」是否正確，若有「？」請務必修正，資料錯誤將停用管理者權限。',
    'roster.fix_more': '只列出前 {shown} 筆；修正後會再列出其餘的資料。',
    'roster.fix_input_label': '第 {line} 列 {field}',
    'roster.fix_submit': 'Send',
    'roster.corrected': '已更新 {count} 筆資料，請再檢查一次。',
    'roster.no_changes': '沒有修改任何資料。',
    'roster.apply_heading': '匯入',
    'roster.apply_ready': '共 {count} 筆資料將匯入（{classes} 個班級），每個班級在一個交易內完成。',
    'roster.apply_blocked': '尚有 {count} 筆資料需要修正。請先修正，或勾選下方選項略過這些資料。',
    'roster.skip_invalid': '略過 {count} 筆需要修正的資料，只匯入其餘 {rest} 筆',
    'roster.continue': '繼續',
    'roster.start_again': '重新上傳檔案',
    'roster.result_success': 'OpenID 帳號 was created successfully',
    'roster.result_partial': '部分班級未能寫入，請查看下方說明後重新匯入這些班級。',
    'roster.result_class_heading': '{school} {grade}年{classNo}班',
    'roster.result_counts': '新增 {created} 筆、更新 {updated} 筆、未變更 {unchanged} 筆',
    'roster.result_none_created': '此班級沒有新增帳號。',
    'roster.result_failed': '此班級未寫入任何資料：{message}',
    'roster.result_skipped': '已略過 {count} 筆需要修正的資料。',
    'roster.result_hint': '若來不及記下【OpenID帳號】，可至【帳號管理】進行查詢。',
    'roster.result_print_hint': '可使用瀏覽器的列印功能列印此清單（列印時不會印出選單）。',
    'roster.result_retry': '回到預覽重新匯入',
    'roster.result_more': '匯入其他班級',
    'roster.gone_title': '找不到這份預覽',
    'roster.gone':
      '這份匯入預覽已過期（保留 1 小時）、已經匯入，或不是由您上傳的。請重新選擇學校、年級與班級並上傳檔案。',
    'roster.no_schools': '您沒有可以匯入學籍資料的學校。',
    'roster.no_file': '請選擇要匯入的學籍檔案。',
    'roster.choose_school': '請選擇學校。',
    'roster.unsupported_format': '不支援此檔案格式，請上傳 CSV（UTF-8 或 Big5）或 Excel .xlsx 檔。',
    'roster.unreadable_file': '無法讀取檔案內容，請確認檔案沒有損壞，並另存為 CSV 或 .xlsx 後再上傳。',
    'roster.empty_file': '檔案中沒有任何學生資料。',
    'roster.missing_column': '檔案缺少必要的欄位：{columns}。請確認第一列為欄位名稱。',
    'roster.too_many_rows': '檔案的資料筆數太多，請依學校或年級分開匯入。',
    'roster.invalid_target': '學年度、學期、年級或班級不正確。',
    'roster.unknown_school': '找不到這所學校。',
    'roster.preview_not_found': '找不到這份匯入預覽：可能已過期、已經匯入，或不是由您上傳的。',
    'roster.has_blocking_rows': '尚有資料需要修正；請先修正，或勾選「略過需要修正的資料」。',
    'roster.invalid_correction': '修正的資料不正確，請重新整理頁面後再試一次。',
    'roster.national_id_taken': '此班級有身分證字號同時被其他匯入登錄，此班級未寫入，請重新匯入。',
    'roster.username_taken': '此班級有帳號名稱同時被使用，此班級未寫入，請重新匯入。',
    'roster.not_a_student': '此班級有身分證字號屬於教職員帳號，此班級未寫入。',
    'roster.invalid_username_rule': '學生帳號規則（STUDENT_USERNAME_RULE）設定錯誤，請洽系統管理者。',
  },
  {
    'roster.warning_title': 'Student roster',
    'roster.warning':
      'Check that the family names are correct! Wrong data will suspend your administrator rights; check carefully.',
    'roster.upload_title': 'Import from the school administration system',
    'roster.school': 'School',
    'roster.school_year': 'School year',
    'roster.school_year_hint': 'ROC year, e.g. 115.',
    'roster.semester': 'Semester',
    'roster.semester_1': 'First semester',
    'roster.semester_2': 'Second semester',
    'roster.grade': 'Grade',
    'roster.grade_all': 'Whole school (grade column of the file)',
    'roster.class': 'Class',
    'roster.class_all': 'Whole grade (class column of the file)',
    'roster.file': 'Roster file',
    'roster.file_hint':
      'CSV (UTF-8 or Big5) or Excel .xlsx, at most {max} MB. Columns: national ID, family name first, family name, given name, gender, birth date (Gregorian or ROC), grade, class, seat.',
    'roster.submit': 'Import',
    'roster.sync_note': "*Also updates the students' school",
    'roster.note':
      'Choose the school, grade and class on the left, then import. OpenID account data is the basis of the Ministry of Education cloud services: correct any mistake at once, so that nobody is affected. Keeping the data correct is an administrator’s duty; wrong data will suspend your administrator rights. Check carefully.',
    'roster.choose_file_again': 'Choose the file again (browsers do not keep a chosen file).',
    'roster.grade_label': 'Grade {grade}',
    'roster.class_label': 'class {classNo}',
    'roster.whole_school': 'whole school',
    'roster.query_heading': 'Preview: {school} {scope}',
    'roster.preview_file': 'File',
    'roster.preview_term': 'School year / semester',
    'roster.preview_term_value': '{year}, semester {semester}',
    'roster.preview_expires': 'Preview kept until',
    'roster.preview_classes': 'Classes',
    'roster.preview_class_rows': '{title}: {rows} rows',
    'roster.summary': 'Summary',
    'roster.count': '{label}: {count}',
    'roster.list_heading': 'All rows ({total})',
    'roster.col_no': '#',
    'roster.col_line': 'Row',
    'roster.col_status': 'Status',
    'roster.col_national_id': 'National ID',
    'roster.col_family_name_first': 'Family name first',
    'roster.col_family_name': 'Family name',
    'roster.col_given_name': 'Given name',
    'roster.col_name': 'Name',
    'roster.col_gender': 'Gender',
    'roster.col_birth_date': 'Birth date',
    'roster.col_class': 'Class',
    'roster.col_grade': 'Grade',
    'roster.col_seat': 'Seat',
    'roster.col_username': 'OpenID account',
    'roster.status_filter': 'Status',
    'roster.status.new': 'New',
    'roster.status.exists': 'National ID exists (will be updated)',
    'roster.status.member': 'Already a member',
    'roster.status.invalid_id': 'Invalid national ID',
    'roster.status.broken_name': 'Name with unreadable characters (?)',
    'roster.status.invalid': 'Incomplete or malformed',
    'roster.status.duplicate': 'Duplicate in the file',
    'roster.status.wrong_class': 'Wrong class',
    'roster.field.national_id': 'national ID',
    'roster.field.family_name_first': 'family name first',
    'roster.field.family_name': 'family name',
    'roster.field.given_name': 'given name',
    'roster.field.gender': 'gender',
    'roster.field.birth_date': 'birth date',
    'roster.field.grade': 'grade',
    'roster.field.class': 'class',
    'roster.field.seat': 'seat',
    'roster.field.identity_type': 'identity (this national ID belongs to a staff account)',
    'roster.name_differs': 'Name differs from the account',
    'roster.yes': 'Yes',
    'roster.no': 'No',
    'roster.male': 'Male',
    'roster.female': 'Female',
    'roster.other': 'Other',
    'roster.fix_heading': 'Rows to correct ({count})',
    'roster.fix_warning':
      'Check the family and given names; any "?" must be corrected. Wrong data will suspend your administrator rights.',
    'roster.fix_more': 'Only the first {shown} are listed; the others appear after these are corrected.',
    'roster.fix_input_label': 'Row {line}, {field}',
    'roster.fix_submit': 'Send',
    'roster.corrected': '{count} rows updated; check them again.',
    'roster.no_changes': 'Nothing was changed.',
    'roster.apply_heading': 'Import',
    'roster.apply_ready': '{count} rows will be imported ({classes} classes), each class in one transaction.',
    'roster.apply_blocked':
      '{count} rows still need correcting. Correct them first, or tick the option below to leave them out.',
    'roster.skip_invalid': 'Leave out the {count} rows to correct and import the other {rest}',
    'roster.continue': 'Continue',
    'roster.start_again': 'Upload a file again',
    'roster.result_success': 'OpenID accounts were created successfully',
    'roster.result_partial': 'Some classes could not be written; see below and import those classes again.',
    'roster.result_class_heading': '{school}, grade {grade} class {classNo}',
    'roster.result_counts': '{created} created, {updated} updated, {unchanged} unchanged',
    'roster.result_none_created': 'No account was created in this class.',
    'roster.result_failed': 'Nothing of this class was written: {message}',
    'roster.result_skipped': '{count} rows to correct were left out.',
    'roster.result_hint':
      'If you could not note the OpenID accounts down, you can look them up later under Accounts.',
    'roster.result_print_hint':
      "Print this list with the browser's print function (the menus are not printed).",
    'roster.result_retry': 'Back to the preview to import again',
    'roster.result_more': 'Import another class',
    'roster.gone_title': 'Preview not found',
    'roster.gone':
      'This import preview has expired (it is kept for one hour), was already imported, or was uploaded by someone else. Choose the school, grade and class and upload the file again.',
    'roster.no_schools': 'You have no school to import a roster into.',
    'roster.no_file': 'Choose the roster file to import.',
    'roster.choose_school': 'Choose a school.',
    'roster.unsupported_format':
      'This file type is not supported: upload CSV (UTF-8 or Big5) or Excel .xlsx.',
    'roster.unreadable_file':
      'The file cannot be read. Check that it is not damaged, save it as CSV or .xlsx and upload it again.',
    'roster.empty_file': 'The file holds no students.',
    'roster.missing_column':
      'The file lacks a required column: {columns}. The first row must name the columns.',
    'roster.too_many_rows': 'The file has too many rows; import it per school or per grade.',
    'roster.invalid_target': 'The school year, semester, grade or class is not valid.',
    'roster.unknown_school': 'This school does not exist.',
    'roster.preview_not_found':
      'This import preview was not found: it may have expired, been imported already, or been uploaded by someone else.',
    'roster.has_blocking_rows':
      'Some rows still need correcting; correct them, or tick "leave out the rows to correct".',
    'roster.invalid_correction': 'The correction is not valid; reload the page and try again.',
    'roster.national_id_taken':
      'A national ID of this class was registered by another import at the same time; nothing of this class was written. Import it again.',
    'roster.username_taken':
      'A username of this class was taken at the same time; nothing of this class was written. Import it again.',
    'roster.not_a_student':
      'A national ID of this class belongs to a staff account; nothing of this class was written.',
    'roster.invalid_username_rule':
      'The student username rule (STUDENT_USERNAME_RULE) is misconfigured; contact the system administrator.',
  },
);

/** What the upload form shows again after an error (the file itself must be chosen again). */
export interface RosterUploadValues {
  school_id?: string | undefined;
  school_year?: string | undefined;
  semester?: string | undefined;
  grade?: string | undefined;
  class_no?: string | undefined;
}

export interface RosterFormError {
  code: string;
  /** the missing columns of roster.missing_column */
  columns?: string | undefined;
  /** the service's own detail, shown under the message */
  detail?: string | undefined;
  /** a file was sent: ask for it again */
  fileSent?: boolean;
}

export interface SchoolChoice {
  id: string;
  code: string;
  name: string;
}

const GRADES = Array.from({ length: 12 }, (_, i) => i + 1);
const CLASSES = Array.from({ length: 60 }, (_, i) => i + 1);

function warning(locale: Locale): SafeHtml {
  return html`<div class="alert alert--warn roster-warning" role="note"><p class="alert__text"><strong>${tr(locale, 'roster.warning_title')}</strong> ${tr(locale, 'roster.warning')}</p></div>`;
}

function errorBox(locale: Locale, error: RosterFormError | undefined): SafeHtml | null {
  if (!error) return null;
  const text =
    error.code === 'roster.missing_column'
      ? tr(locale, 'roster.missing_column', { columns: error.columns ?? '' })
      : adminMessage(locale, error.code);
  return html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${text}</p>${error.detail && html`<p class="alert__text roster-detail">${error.detail}</p>`}${error.fileSent && html`<p class="alert__text">${tr(locale, 'roster.choose_file_again')}</p>`}</div>`;
}

function select(
  id: string,
  name: string,
  label: string,
  value: string | undefined,
  options: Array<{ value: string; label: string }>,
  p: { required?: boolean; invalid?: boolean } = {},
): SafeHtml {
  return html`<div class="field${p.invalid ? ' field--invalid' : ''}"><label for="${id}">${label}</label><select id="${id}" name="${name}"${p.required && html` required`}${p.invalid && html` aria-invalid="true" aria-describedby="form-error"`}>${options.map(
    (o) =>
      html`<option value="${o.value}"${o.value === (value ?? '') && html` selected`}>${o.label}</option>`,
  )}</select></div>`;
}

/** Step 1: 自全宜系統匯入, with the note on the right as in the seeds. */
export function rosterUploadPage(
  locale: Locale,
  p: {
    csrf: string;
    schools: SchoolChoice[];
    values: RosterUploadValues;
    maxMegabytes: number;
    error?: RosterFormError | undefined;
  },
): SafeHtml {
  const { values, error } = p;
  if (p.schools.length === 0) {
    return html`${warning(locale)}<p class="admin-panel">${tr(locale, 'roster.no_schools')}</p>`;
  }
  const schoolValue = values.school_id || (p.schools.length === 1 ? p.schools[0]!.id : '');
  const fileInvalid = error?.code === 'roster.no_file' || !!error?.fileSent;
  const form = html`<form class="admin-form roster-upload" method="post" action="/admin/roster" enctype="multipart/form-data">
${csrfField(p.csrf)}
<h2 class="admin-form__title">${tr(locale, 'roster.upload_title')}</h2>
${errorBox(locale, error)}
${select(
  'field-school_id',
  'school_id',
  tr(locale, 'roster.school'),
  schoolValue,
  [
    ...(p.schools.length > 1 ? [{ value: '', label: '' }] : []),
    ...p.schools.map((s) => ({ value: s.id, label: `${s.code} ${s.name}` })),
  ],
  { required: true, invalid: error?.code === 'roster.choose_school' },
)}
<div class="roster-upload__row">
<div class="field"><label for="field-school_year">${tr(locale, 'roster.school_year')}</label><input id="field-school_year" name="school_year" type="number" min="1" max="999" inputmode="numeric" value="${values.school_year ?? ''}" required aria-describedby="field-school_year-hint"><p class="field__hint" id="field-school_year-hint">${tr(locale, 'roster.school_year_hint')}</p></div>
${select('field-semester', 'semester', tr(locale, 'roster.semester'), values.semester, [
  { value: '1', label: tr(locale, 'roster.semester_1') },
  { value: '2', label: tr(locale, 'roster.semester_2') },
])}
</div>
<div class="roster-upload__row">
${select('field-grade', 'grade', tr(locale, 'roster.grade'), values.grade, [
  { value: '', label: tr(locale, 'roster.grade_all') },
  ...GRADES.map((g) => ({ value: String(g), label: String(g) })),
])}
${select('field-class_no', 'class_no', tr(locale, 'roster.class'), values.class_no, [
  { value: '', label: tr(locale, 'roster.class_all') },
  ...CLASSES.map((c) => ({ value: String(c), label: String(c) })),
])}
</div>
<div class="field${fileInvalid ? ' field--invalid' : ''}"><label for="field-file">${tr(locale, 'roster.file')}</label><p class="field__hint" id="field-file-hint">${tr(locale, 'roster.file_hint', { max: p.maxMegabytes })}</p><input id="field-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required aria-describedby="field-file-hint${fileInvalid ? ' form-error' : ''}"${fileInvalid && html` aria-invalid="true"`}></div>
<div class="admin-form__actions"><button type="submit" class="button">${tr(locale, 'roster.submit')}</button></div>
<p class="admin-panel__hint">${tr(locale, 'roster.sync_note')}</p>
</form>`;
  return html`${warning(locale)}<div class="roster-layout">${form}<aside class="admin-panel roster-note"><p>${tr(locale, 'roster.note')}</p></aside></div>`;
}

const BADGE: Record<RosterRowStatus, string> = {
  new: 'badge badge--ok',
  exists: 'badge',
  member: 'badge',
  invalid_id: 'badge badge--error',
  broken_name: 'badge badge--error',
  invalid: 'badge badge--error',
  duplicate: 'badge badge--error',
  wrong_class: 'badge badge--error',
};

export const STATUS_ORDER: readonly RosterRowStatus[] = [
  'new',
  'exists',
  'member',
  'broken_name',
  'invalid_id',
  'invalid',
  'duplicate',
  'wrong_class',
];

export function statusLabel(locale: Locale, status: RosterRowStatus): string {
  return tr(locale, `roster.status.${status}` as const);
}

function problemLabel(locale: Locale, problem: RosterProblem): string {
  return tr(locale, `roster.field.${problem}` as const);
}

/** 資料不完整/格式錯誤：性別、出生年月日 */
function statusText(locale: Locale, row: RosterRow): string {
  const label = statusLabel(locale, row.status);
  const shown = row.status === 'invalid_id' || row.status === 'duplicate' ? [] : row.problems;
  if (!shown.length) return label;
  const sep = locale === 'en' ? ', ' : '、';
  return `${label}${locale === 'en' ? ': ' : '：'}${shown.map((f) => problemLabel(locale, f)).join(sep)}`;
}

function statusBadge(locale: Locale, row: RosterRow): SafeHtml {
  return html`<span class="${BADGE[row.status]}" data-status="${row.status}">${statusText(locale, row)}</span>${row.account && !row.account.nameMatches && row.status !== 'new' && html` <span class="badge badge--warn">${tr(locale, 'roster.name_differs')}</span>`}`;
}

function genderText(locale: Locale, g: RosterRow['gender']): string {
  if (g === 'M') return tr(locale, 'roster.male');
  if (g === 'F') return tr(locale, 'roster.female');
  if (g === 'X') return tr(locale, 'roster.other');
  return '';
}

function nameOf(row: { familyName: string; givenName: string; familyNameFirst: boolean | null }): string {
  return row.familyNameFirst === false
    ? `${row.givenName} ${row.familyName}`
    : `${row.familyName}${row.givenName}`;
}

function classText(locale: Locale, grade: number | null, classNo: number | null): string {
  if (grade === null || classNo === null) return '';
  return locale === 'en' ? `${grade}-${classNo}` : `${grade}年${classNo}班`;
}

export function scopeText(locale: Locale, grade: number | undefined, classNo: number | undefined): string {
  if (grade === undefined) return tr(locale, 'roster.whole_school');
  const g = tr(locale, 'roster.grade_label', { grade });
  return classNo === undefined ? g : `${g} ${tr(locale, 'roster.class_label', { classNo })}`;
}

/** Values shown in a correction row: the file's cells, or what was posted. */
export type CorrectionValues = Partial<Record<RosterField, string>>;

const FIX_FIELDS: readonly RosterField[] = [
  'national_id',
  'family_name_first',
  'family_name',
  'given_name',
  'gender',
  'birth_date',
  'grade',
  'class',
  'seat',
];

export const MAX_FIX_ROWS = 200;

function fixInput(
  locale: Locale,
  row: RosterRow,
  field: RosterField,
  value: string,
  invalid: boolean,
  /** the chosen grade or class, which an empty cell stands for */
  placeholder?: string,
): SafeHtml {
  const name = `fix_${row.index}_${field}`;
  const label = tr(locale, 'roster.fix_input_label', {
    line: row.line,
    field: tr(locale, `roster.field.${field}` as const),
  });
  const attrs = html` id="${name}" name="${name}" aria-label="${label}"${invalid && html` aria-invalid="true"`}`;
  if (field === 'family_name_first' || field === 'gender') {
    const options =
      field === 'family_name_first'
        ? [
            { value: '是', label: tr(locale, 'roster.yes'), on: row.familyNameFirst === true },
            { value: '否', label: tr(locale, 'roster.no'), on: row.familyNameFirst === false },
          ]
        : [
            { value: '男', label: tr(locale, 'roster.male'), on: row.gender === 'M' },
            { value: '女', label: tr(locale, 'roster.female'), on: row.gender === 'F' },
            { value: 'X', label: tr(locale, 'roster.other'), on: row.gender === 'X' },
          ];
    const posted = options.some((o) => o.value === value) ? value : undefined;
    const none = !options.some((o) => (posted ? o.value === posted : o.on));
    return html`<select${attrs} class="roster-fix__select">${none && html`<option value="" selected></option>`}${options.map(
      (o) =>
        html`<option value="${o.value}"${(posted ? o.value === posted : o.on) && html` selected`}>${o.label}</option>`,
    )}</select>`;
  }
  const width =
    field === 'national_id'
      ? 'id'
      : field === 'birth_date'
        ? 'date'
        : field === 'grade' || field === 'class' || field === 'seat'
          ? 'num'
          : 'name';
  return html`<input${attrs} type="text" class="roster-fix__input roster-fix__input--${width}" value="${value}"${placeholder && html` placeholder="${placeholder}"`} autocomplete="off" spellcheck="false">`;
}

function correctionForm(
  locale: Locale,
  p: {
    csrf: string;
    preview: RosterPreview;
    fixRows: RosterRow[];
    typedIds: ReadonlyMap<number, string>;
    posted?: ReadonlyMap<number, CorrectionValues> | undefined;
  },
): SafeHtml | null {
  const rows = p.fixRows;
  if (!rows.length) return null;
  const shown = rows.slice(0, MAX_FIX_ROWS);
  const { grade, classNo } = p.preview.target;
  const placeholders: Partial<Record<RosterField, string>> = {
    ...(grade !== undefined ? { grade: String(grade) } : {}),
    ...(classNo !== undefined ? { class: String(classNo) } : {}),
  };
  const head = [
    'roster.col_line',
    'roster.col_status',
    'roster.col_national_id',
    'roster.col_family_name_first',
    'roster.col_family_name',
    'roster.col_given_name',
    'roster.col_gender',
    'roster.col_birth_date',
    'roster.col_grade',
    'roster.col_class',
    'roster.col_seat',
  ] as const;
  const body = shown.map((row) => {
    const posted = p.posted?.get(row.index);
    const cells = FIX_FIELDS.map((field) => {
      const value =
        posted?.[field] ??
        (field === 'national_id' ? (p.typedIds.get(row.index) ?? '') : (row.input[field] ?? ''));
      const invalid = row.problems.includes(field);
      return html`<td${invalid && html` class="roster-fix__cell--invalid"`}>${fixInput(locale, row, field, value, invalid, placeholders[field])}</td>`;
    });
    return html`<tr id="fix-row-${row.index}"><td class="num">${row.line}</td><td>${statusBadge(locale, row)}</td>${cells}</tr>`;
  });
  return html`<section class="admin-panel roster-fix" aria-labelledby="roster-fix-heading">
<h2 class="admin-form__title" id="roster-fix-heading">${tr(locale, 'roster.fix_heading', { count: rows.length })}</h2>
<div class="alert alert--warn" role="note"><p class="alert__text">${tr(locale, 'roster.fix_warning')}</p></div>
${rows.length > shown.length && html`<p class="admin-panel__hint">${tr(locale, 'roster.fix_more', { shown: shown.length })}</p>`}
<form method="post" action="/admin/roster/previews/${p.preview.id}/corrections">
${csrfField(p.csrf)}
<div class="table-wrap"><table class="data-table roster-fix__table" id="roster-fix"><thead><tr>${head.map((k) => html`<th scope="col">${tr(locale, k)}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>
<div class="admin-form__actions"><button type="submit" class="button">${tr(locale, 'roster.fix_submit')}</button></div>
</form>
</section>`;
}

/** Step 2: 查詢 國小 3年 3班 — summary, the rows to correct, every row, and 繼續. */
export function rosterPreviewPage(
  locale: Locale,
  p: {
    csrf: string;
    preview: RosterPreview;
    schoolLabel: string;
    /** the rows with a blocking status, for the correction table */
    fixRows: RosterRow[];
    typedIds: ReadonlyMap<number, string>;
    posted?: ReadonlyMap<number, CorrectionValues> | undefined;
    list: {
      rows: RosterRow[];
      page: Page;
      status: RosterRowStatus | undefined;
      query: Record<string, unknown>;
    };
    error?: string | undefined;
    skipChecked?: boolean;
  },
): SafeHtml {
  const { preview } = p;
  const scope = scopeText(locale, preview.target.grade, preview.target.classNo);
  const sep = locale === 'en' ? ', ' : '、';
  const format = `${preview.format.toUpperCase()}${preview.encoding ? ` (${preview.encoding.toUpperCase()})` : ''}`;
  const counts = STATUS_ORDER.filter((s) => preview.counts[s] > 0).map(
    (s) =>
      html`<li><span class="${BADGE[s]}" data-status="${s}">${tr(locale, 'roster.count', { label: statusLabel(locale, s), count: preview.counts[s] })}</span></li>`,
  );
  const summary = html`<section class="admin-panel roster-summary" aria-labelledby="roster-query-heading">
<h2 class="admin-form__title" id="roster-query-heading">${tr(locale, 'roster.query_heading', { school: p.schoolLabel, scope })}</h2>
${definitionList([
  [tr(locale, 'roster.preview_file'), `${preview.filename ?? '—'} · ${format}`],
  [
    tr(locale, 'roster.preview_term'),
    tr(locale, 'roster.preview_term_value', {
      year: preview.target.schoolYear,
      semester: preview.target.semester,
    }),
  ],
  [
    tr(locale, 'roster.preview_classes'),
    preview.classes
      .map((c) =>
        tr(locale, 'roster.preview_class_rows', {
          title: classText(locale, c.grade, c.classNo),
          rows: c.rows,
        }),
      )
      .join(sep) || '—',
  ],
  [tr(locale, 'roster.preview_expires'), formatTime(new Date(preview.expiresAt))],
])}
<h3 class="roster-summary__title">${tr(locale, 'roster.summary')}</h3>
<ul class="roster-counts" id="roster-counts">${counts}</ul>
</section>`;

  const listRows = p.list.rows.map((row) => [
    row.index + 1,
    row.line,
    statusBadge(locale, row),
    html`<span class="roster-masked">${row.nationalIdMasked}</span>`,
    nameOf(row),
    genderText(locale, row.gender),
    row.birthDate,
    classText(locale, row.grade, row.classNo),
    row.seat,
    row.account?.username ?? null,
  ]);
  const list = html`<section class="roster-list" aria-labelledby="roster-list-heading">
<h2 class="admin-form__title" id="roster-list-heading">${tr(locale, 'roster.list_heading', { total: preview.rows.length })}</h2>
${filterBar(locale, {
  action: `/admin/roster/previews/${preview.id}`,
  fields: [
    {
      name: 'status',
      label: tr(locale, 'roster.status_filter'),
      value: p.list.status,
      options: STATUS_ORDER.filter((s) => preview.counts[s] > 0).map((s) => ({
        value: s,
        label: `${statusLabel(locale, s)} (${preview.counts[s]})`,
      })),
    },
  ],
})}
${dataTable(locale, {
  id: 'roster-rows',
  columns: [
    { label: tr(locale, 'roster.col_no'), numeric: true },
    { label: tr(locale, 'roster.col_line'), numeric: true },
    { label: tr(locale, 'roster.col_status') },
    { label: tr(locale, 'roster.col_national_id') },
    { label: tr(locale, 'roster.col_name') },
    { label: tr(locale, 'roster.col_gender') },
    { label: tr(locale, 'roster.col_birth_date') },
    { label: tr(locale, 'roster.col_class') },
    { label: tr(locale, 'roster.col_seat'), numeric: true },
    { label: tr(locale, 'roster.col_username') },
  ],
  rows: listRows,
})}
${pagination(locale, p.list.page, `/admin/roster/previews/${preview.id}`, p.list.query)}
</section>`;

  const importable = preview.rows.length - preview.blocking;
  const apply = html`<section class="admin-panel roster-apply" aria-labelledby="roster-apply-heading">
<h2 class="admin-form__title" id="roster-apply-heading">${tr(locale, 'roster.apply_heading')}</h2>
<form method="post" action="/admin/roster/previews/${preview.id}/apply">
${csrfField(p.csrf)}
${
  preview.blocking > 0
    ? html`<p>${tr(locale, 'roster.apply_blocked', { count: preview.blocking })}</p>
<div class="field field--checkbox"><input id="field-skip_invalid" name="skip_invalid" type="checkbox" value="1"${p.skipChecked && html` checked`}> <label for="field-skip_invalid">${tr(locale, 'roster.skip_invalid', { count: preview.blocking, rest: importable })}</label></div>`
    : html`<p>${tr(locale, 'roster.apply_ready', { count: importable, classes: preview.classes.length })}</p>`
}
<div class="admin-form__actions"><button type="submit" class="button">${tr(locale, 'roster.continue')}</button> <a class="button button--secondary" href="${startAgainHref(preview)}">${tr(locale, 'roster.start_again')}</a></div>
</form>
</section>`;

  return html`${warning(locale)}
${p.error && html`<div class="alert alert--error" role="alert" id="form-error"><p class="alert__text">${adminMessage(locale, p.error)}</p></div>`}
${summary}
${correctionForm(locale, p)}
${apply}
${list}`;
}

function startAgainHref(preview: { target: RosterPreview['target'] }): string {
  const t = preview.target;
  const q = new URLSearchParams({
    school_id: t.schoolId,
    school_year: String(t.schoolYear),
    semester: String(t.semester),
  });
  if (t.grade !== undefined) q.set('grade', String(t.grade));
  if (t.classNo !== undefined) q.set('class_no', String(t.classNo));
  return `/admin/roster?${q.toString()}`;
}

function resultClass(locale: Locale, schoolLabel: string, c: RosterClassResult, term: string): SafeHtml {
  // each class prints on its own sheet: the heading says which school, class and term
  const heading = html`${tr(locale, 'roster.result_class_heading', {
    school: schoolLabel,
    grade: c.grade,
    classNo: c.classNo,
  })} <span class="roster-result__term">${term}</span>`;
  if (!c.ok) {
    return html`<section class="roster-result__class">
<h2 class="admin-form__title">${heading}</h2>
<div class="alert alert--error" role="alert"><p class="alert__text">${tr(locale, 'roster.result_failed', { message: adminMessage(locale, c.error?.code ?? 'admin.invalid_request') })}</p></div>
</section>`;
  }
  const table = c.created.length
    ? dataTable(locale, {
        id: `roster-created-${c.grade}-${c.classNo}`,
        columns: [
          { label: tr(locale, 'roster.col_seat'), numeric: true },
          { label: tr(locale, 'roster.col_name') },
          { label: tr(locale, 'roster.col_username') },
        ],
        rows: c.created.map((s) => [
          s.seat,
          s.name,
          html`<code class="roster-username">${s.username}</code>`,
        ]),
      })
    : html`<p>${tr(locale, 'roster.result_none_created')}</p>`;
  return html`<section class="roster-result__class">
<h2 class="admin-form__title">${heading}</h2>
<p class="roster-result__counts">${tr(locale, 'roster.result_counts', {
    created: c.created.length,
    updated: c.updated.length,
    unchanged: c.unchanged.length,
  })}</p>
${table}
</section>`;
}

/** Step 3: OpenID 帳號 was created successfully, per class, printable. */
export function rosterResultPage(
  locale: Locale,
  p: { result: RosterApplyResult; schoolLabel: string; previewHref?: string | undefined },
): SafeHtml {
  const { result } = p;
  const failed = result.totals.failedClasses > 0;
  const term = tr(locale, 'roster.preview_term_value', {
    year: result.target.schoolYear,
    semester: result.target.semester,
  });
  return html`${
    failed
      ? html`<div class="alert alert--error" role="alert"><p class="alert__text">${tr(locale, 'roster.result_partial')}</p></div>`
      : html`<div class="alert alert--success roster-result__success" role="status"><p class="alert__text">${tr(locale, 'roster.result_success')}</p></div>`
  }
${result.totals.skipped > 0 && html`<p class="roster-result__skipped">${tr(locale, 'roster.result_skipped', { count: result.totals.skipped })}</p>`}
<div class="roster-result">${result.classes.map((c) => resultClass(locale, p.schoolLabel, c, term))}</div>
<p class="roster-result__hint">${tr(locale, 'roster.result_hint')} <a class="no-print" href="/admin/accounts">${tc(locale, 'menu.accounts')}</a></p>
<p class="admin-panel__hint no-print">${tr(locale, 'roster.result_print_hint')}</p>
<div class="no-print"><p class="action-row">${failed && p.previewHref && html`<a class="button" href="${p.previewHref}">${tr(locale, 'roster.result_retry')}</a>`}<a class="button button--secondary" href="${startAgainHref(result)}">${tr(locale, 'roster.result_more')}</a></p></div>`;
}

/** A preview that is gone (expired, applied, another uploader's): a way back to step 1. */
export function rosterGonePage(locale: Locale): SafeHtml {
  return html`<div class="alert alert--error" role="alert"><p class="alert__text">${tr(locale, 'roster.gone')}</p></div>
<p><a class="button" href="/admin/roster">${tr(locale, 'roster.start_again')}</a></p>`;
}
