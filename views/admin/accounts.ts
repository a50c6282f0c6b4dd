/**
 * 帳號管理 pages: the account list (the seeds' columns 帳號 全名 性別 職稱 身份 申請日期 最後更新,
 * plus school, class/seat and status), the account page (directory data with the national ID
 * masked, titles with their history, classes, 最近登入, transfers, actions), the edit form,
 * the delete confirmation, and the page that shows a reset link or temporary password once.
 */
import type {
  AccountDetail,
  AccountListRow,
  ClassMembership,
  IdentityType,
  SchoolRef,
  TitleRecord,
} from '../../src/services/account-admin.js';
import type { Transfer } from '../../src/services/transfers.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { tc } from './common.js';
import {
  actionButton,
  dataTable,
  definitionList,
  field,
  filterBar,
  formError,
  link,
  type Page,
  pagination,
  postForm,
} from './components.js';
import { defineMessages } from './messages.js';
import { transferStatusBadge } from './transfers.js';

export const ta = defineMessages(
  {
    'accounts.title': '帳號管理',
    'accounts.col.username': '帳號',
    'accounts.col.name': '全名',
    'accounts.col.gender': '性別',
    'accounts.col.titles': '職稱',
    'accounts.col.identity': '身份',
    'accounts.col.created': '申請日期',
    'accounts.col.updated': '最後更新',
    'accounts.col.school': '學校',
    'accounts.col.class': '班級／座號',
    'accounts.col.status': '狀態',
    'accounts.col.national_id': '身分證字號',
    'accounts.filter.username': '帳號',
    'accounts.filter.name': '姓名',
    'accounts.filter.school': '學校',
    'accounts.filter.year': '學年',
    'accounts.filter.semester': '學期',
    'accounts.filter.grade': '年級',
    'accounts.filter.class_no': '班級',
    'accounts.filter.identity': '身份',
    'accounts.filter.status': '狀態',
    'accounts.filter.masked_id': '身分證字號（遮罩）',
    'accounts.status.active': '啟用',
    'accounts.status.disabled': '停用',
    'accounts.status.deleted': '已刪除',
    'accounts.status.must_change': '須變更密碼',
    'accounts.identity.student': '學生',
    'accounts.identity.teacher': '教師',
    'accounts.identity.staff': '職員',
    'accounts.identity.other': '其他',
    'accounts.gender.M': '男',
    'accounts.gender.F': '女',
    'accounts.gender.X': '其他',
    'accounts.class_seat': '{term} {class} {seat} 號',
    'accounts.class_only': '{term} {class}',
    'accounts.nid.title': '以身分證字號查詢',
    'accounts.nid.label': '身分證字號',
    'accounts.nid.hint': '輸入完整身分證字號（以雜湊比對，不會出現在網址中）或遮罩格式，例如 A12****789。',
    'accounts.nid.submit': '查詢',
    'accounts.nid.results': '身分證字號查詢結果',
    'accounts.readonly': '您可檢視任教班級學生的資料，但無法修改。',
    'accounts.section.profile': '基本資料',
    'accounts.section.titles': '職稱',
    'accounts.section.classes': '班級',
    'accounts.section.logins': '最近登入',
    'accounts.section.transfers': '學校異動',
    'accounts.section.actions': '操作',
    'accounts.field.username': '帳號',
    'accounts.field.name': '全名',
    'accounts.field.family_name': '姓',
    'accounts.field.given_name': '名',
    'accounts.field.email': '電子郵件',
    'accounts.field.mobile': '手機',
    'accounts.field.gender': '性別',
    'accounts.field.birth_date': '出生日期',
    'accounts.field.identity': '身份',
    'accounts.field.school': '學校',
    'accounts.field.national_id': '身分證字號',
    'accounts.field.status': '狀態',
    'accounts.field.password': '密碼',
    'accounts.field.password_changed': '密碼變更時間',
    'accounts.field.created': '申請日期',
    'accounts.field.updated': '最後更新',
    'accounts.field.deleted': '刪除時間',
    'accounts.field.openid2': 'OpenID 2.0 識別碼',
    'accounts.verified': '已驗證',
    'accounts.unverified': '未驗證',
    'accounts.password.set': '已設定',
    'accounts.password.none': '未設定',
    'accounts.titles.col.school': '學校',
    'accounts.titles.col.title': '職稱',
    'accounts.titles.col.position': '順序',
    'accounts.titles.col.started': '開始',
    'accounts.titles.col.ended': '結束',
    'accounts.titles.col.state': '狀態',
    'accounts.titles.current': '現職',
    'accounts.titles.ended': '已結束',
    'accounts.classes.col.term': '學年／學期',
    'accounts.classes.col.class': '班級',
    'accounts.classes.col.seat': '座號',
    'accounts.term': '{year} 學年第 {semester} 學期',
    'accounts.logins.col.success': '成功',
    'accounts.logins.col.os': '系統',
    'accounts.logins.col.browser': '瀏覽器',
    'accounts.logins.col.device': '設備',
    'accounts.logins.col.ip': 'IP位址',
    'accounts.logins.col.at': '時間',
    'accounts.logins.col.last': '最後更新',
    'accounts.logins.col.method': '方式',
    'accounts.yes': '是',
    'accounts.no': '否',
    'accounts.transfers.col.from': '原學校',
    'accounts.transfers.col.to': '新學校',
    'accounts.transfers.col.status': '狀態',
    'accounts.transfers.col.requested': '申請時間',
    'accounts.action.edit': '編輯資料與職稱',
    'accounts.action.disable': '停用',
    'accounts.action.enable': '啟用',
    'accounts.action.reset_link': '產生重設密碼連結',
    'accounts.action.temp_password': '產生臨時密碼',
    'accounts.action.delete': '刪除帳號',
    'accounts.action.restore': '還原帳號',
    'accounts.actions.hint':
      '重設密碼連結與臨時密碼只顯示一次。已登入的工作階段不會因此登出；停用或刪除的帳號則無法再登入或取得權杖。',
    'accounts.edit.title': '編輯帳號：{username}',
    'accounts.edit.titles': '在 {school} 的職稱（每行一個，依序）',
    'accounts.edit.titles_hint':
      '身份職稱（學生／教師／職員／其他）固定排在第一個，RP 以第一個職稱判斷身份。',
    'accounts.edit.openid2_hint': '每行一個 http(s) 網址（縣市 OpenID 2.0 舊識別碼）。',
    'accounts.edit.email_hint': '變更後需由本人重新驗證。',
    'accounts.delete.title': '刪除帳號',
    'accounts.delete.text':
      '確定要刪除帳號 {username}（{name}）嗎？刪除後無法登入，並從帳號清單中隱藏；僅縣市管理者可以還原。',
    'accounts.delete.submit': '確定刪除',
    'accounts.reset_link.title': '重設密碼連結',
    'accounts.reset_link.once': '此連結只顯示這一次，請交給帳號本人；使用一次後即失效。',
    'accounts.reset_link.emailed': '連結也已寄到已驗證的電子郵件 {email}。',
    'accounts.temp_password.title': '臨時密碼',
    'accounts.temp_password.once': '此密碼只顯示這一次，請交給帳號本人。本人下次登入時必須設定新密碼。',
    'accounts.for_account': '帳號：{username}（{name}）',
    'accounts.back': '回帳號清單',
    'accounts.back_to_account': '回帳號頁面',
    'accounts.flash.disabled': '帳號已停用。',
    'accounts.flash.enabled': '帳號已啟用。',
    'accounts.flash.deleted': '帳號已刪除。',
    'accounts.flash.restored': '帳號已還原，目前仍為停用狀態；確認後再啟用。',
    'account_admin.self': '不能停用或刪除自己的帳號。',
    'account_admin.deleted': '此帳號已刪除，須先由縣市管理者還原。',
    'account_admin.not_deleted': '此帳號並未刪除。',
    'account_admin.titles_invalid': '職稱不正確：每個職稱最多 30 字，最多 10 個。',
    'account_admin.no_school': '此帳號沒有所屬學校，無法設定職稱。',
    'account_admin.name_invalid': '姓名不正確（必填，最多 60 字）。',
    'account_admin.email_invalid': '電子郵件格式不正確。',
    'account_admin.mobile_invalid': '手機號碼格式不正確（09 開頭共 10 碼）。',
    'account_admin.openid2_invalid': 'OpenID 2.0 識別碼必須是 http(s) 網址，每行一個，最多 20 個。',
    'account_admin.national_id_query': '請輸入完整身分證字號，或遮罩格式，例如 A12****789。',
    'account_admin.full_id_in_url':
      '完整身分證字號請使用「以身分證字號查詢」，篩選列只接受遮罩格式（A12****789）。',
  },
  {
    'accounts.title': 'Accounts',
    'accounts.col.username': 'Username',
    'accounts.col.name': 'Full name',
    'accounts.col.gender': 'Gender',
    'accounts.col.titles': 'Titles',
    'accounts.col.identity': 'Identity',
    'accounts.col.created': 'Applied',
    'accounts.col.updated': 'Last updated',
    'accounts.col.school': 'School',
    'accounts.col.class': 'Class / seat',
    'accounts.col.status': 'Status',
    'accounts.col.national_id': 'National ID',
    'accounts.filter.username': 'Username',
    'accounts.filter.name': 'Name',
    'accounts.filter.school': 'School',
    'accounts.filter.year': 'School year',
    'accounts.filter.semester': 'Semester',
    'accounts.filter.grade': 'Grade',
    'accounts.filter.class_no': 'Class',
    'accounts.filter.identity': 'Identity',
    'accounts.filter.status': 'Status',
    'accounts.filter.masked_id': 'National ID (masked)',
    'accounts.status.active': 'Active',
    'accounts.status.disabled': 'Disabled',
    'accounts.status.deleted': 'Deleted',
    'accounts.status.must_change': 'Must change password',
    'accounts.identity.student': 'Student',
    'accounts.identity.teacher': 'Teacher',
    'accounts.identity.staff': 'Staff',
    'accounts.identity.other': 'Other',
    'accounts.gender.M': 'Male',
    'accounts.gender.F': 'Female',
    'accounts.gender.X': 'Other',
    'accounts.class_seat': '{term} {class}, seat {seat}',
    'accounts.class_only': '{term} {class}',
    'accounts.nid.title': 'Find by national ID',
    'accounts.nid.label': 'National ID',
    'accounts.nid.hint':
      'Type the full national ID (matched by its keyed hash, never put in a URL) or the masked form, e.g. A12****789.',
    'accounts.nid.submit': 'Find',
    'accounts.nid.results': 'Accounts with this national ID',
    'accounts.readonly': 'You may view the students of the classes you teach, but not change them.',
    'accounts.section.profile': 'Profile',
    'accounts.section.titles': 'Titles',
    'accounts.section.classes': 'Classes',
    'accounts.section.logins': 'Recent logins',
    'accounts.section.transfers': 'School transfers',
    'accounts.section.actions': 'Actions',
    'accounts.field.username': 'Username',
    'accounts.field.name': 'Full name',
    'accounts.field.family_name': 'Family name',
    'accounts.field.given_name': 'Given name',
    'accounts.field.email': 'E-mail',
    'accounts.field.mobile': 'Mobile',
    'accounts.field.gender': 'Gender',
    'accounts.field.birth_date': 'Date of birth',
    'accounts.field.identity': 'Identity',
    'accounts.field.school': 'School',
    'accounts.field.national_id': 'National ID',
    'accounts.field.status': 'Status',
    'accounts.field.password': 'Password',
    'accounts.field.password_changed': 'Password changed',
    'accounts.field.created': 'Applied',
    'accounts.field.updated': 'Last updated',
    'accounts.field.deleted': 'Deleted',
    'accounts.field.openid2': 'OpenID 2.0 identifiers',
    'accounts.verified': 'verified',
    'accounts.unverified': 'not verified',
    'accounts.password.set': 'set',
    'accounts.password.none': 'not set',
    'accounts.titles.col.school': 'School',
    'accounts.titles.col.title': 'Title',
    'accounts.titles.col.position': 'Order',
    'accounts.titles.col.started': 'Started',
    'accounts.titles.col.ended': 'Ended',
    'accounts.titles.col.state': 'State',
    'accounts.titles.current': 'Current',
    'accounts.titles.ended': 'Ended',
    'accounts.classes.col.term': 'Year / semester',
    'accounts.classes.col.class': 'Class',
    'accounts.classes.col.seat': 'Seat',
    'accounts.term': '{year}-{semester}',
    'accounts.logins.col.success': 'Success',
    'accounts.logins.col.os': 'OS',
    'accounts.logins.col.browser': 'Browser',
    'accounts.logins.col.device': 'Device',
    'accounts.logins.col.ip': 'IP address',
    'accounts.logins.col.at': 'Time',
    'accounts.logins.col.last': 'Last activity',
    'accounts.logins.col.method': 'Method',
    'accounts.yes': 'Yes',
    'accounts.no': 'No',
    'accounts.transfers.col.from': 'From',
    'accounts.transfers.col.to': 'To',
    'accounts.transfers.col.status': 'Status',
    'accounts.transfers.col.requested': 'Requested',
    'accounts.action.edit': 'Edit details and titles',
    'accounts.action.disable': 'Disable',
    'accounts.action.enable': 'Enable',
    'accounts.action.reset_link': 'Create a password reset link',
    'accounts.action.temp_password': 'Create a temporary password',
    'accounts.action.delete': 'Delete account',
    'accounts.action.restore': 'Restore account',
    'accounts.actions.hint':
      'Reset links and temporary passwords are shown once. Sessions already signed in stay signed in; a disabled or deleted account can no longer sign in or get tokens.',
    'accounts.edit.title': 'Edit account: {username}',
    'accounts.edit.titles': 'Titles at {school} (one per line, in order)',
    'accounts.edit.titles_hint':
      'The identity title (學生/教師/職員/其他) always comes first: relying parties read the identity from the first title.',
    'accounts.edit.openid2_hint': 'One http(s) URL per line (legacy county OpenID 2.0 identifiers).',
    'accounts.edit.email_hint': 'A changed address must be verified again by its owner.',
    'accounts.delete.title': 'Delete account',
    'accounts.delete.text':
      'Delete the account {username} ({name})? It can no longer sign in and is hidden from the account list; only a county administrator can restore it.',
    'accounts.delete.submit': 'Delete',
    'accounts.reset_link.title': 'Password reset link',
    'accounts.reset_link.once': 'This link is shown only once: hand it to the account holder. It works once.',
    'accounts.reset_link.emailed': 'The link was also sent to the verified address {email}.',
    'accounts.temp_password.title': 'Temporary password',
    'accounts.temp_password.once':
      'This password is shown only once: hand it to the account holder, who must choose a new password at the next sign-in.',
    'accounts.for_account': 'Account: {username} ({name})',
    'accounts.back': 'Back to the accounts',
    'accounts.back_to_account': 'Back to the account',
    'accounts.flash.disabled': 'The account is disabled.',
    'accounts.flash.enabled': 'The account is enabled.',
    'accounts.flash.deleted': 'The account is deleted.',
    'accounts.flash.restored': 'The account is restored. It is still disabled: enable it when appropriate.',
    'account_admin.self': 'You cannot disable or delete your own account.',
    'account_admin.deleted': 'This account is deleted; a county administrator must restore it first.',
    'account_admin.not_deleted': 'This account is not deleted.',
    'account_admin.titles_invalid': 'Invalid titles: at most 10, each at most 30 characters.',
    'account_admin.no_school': 'This account belongs to no school, so it cannot have titles.',
    'account_admin.name_invalid': 'Invalid name (required, at most 60 characters).',
    'account_admin.email_invalid': 'The e-mail address is not valid.',
    'account_admin.mobile_invalid': 'The mobile number is not valid (10 digits starting with 09).',
    'account_admin.openid2_invalid': 'OpenID 2.0 identifiers must be http(s) URLs, one per line, at most 20.',
    'account_admin.national_id_query': 'Type a full national ID, or a masked one such as A12****789.',
    'account_admin.full_id_in_url':
      'Search full national IDs with "Find by national ID"; the filter row accepts only the masked form (A12****789).',
  },
);

const TZ_FORMAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Taipei',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** 2020-02-12 13:10:10 in Taiwan time, as the seeds show it. */
export function formatTime(d: Date | null | undefined): string {
  return d ? TZ_FORMAT.format(d) : '';
}

export const identityLabel = (locale: Locale, t: IdentityType | null) =>
  t ? ta(locale, `accounts.identity.${t}`) : '';

const genderLabel = (locale: Locale, g: 'M' | 'F' | 'X' | null) =>
  g ? ta(locale, `accounts.gender.${g}`) : '';

function statusBadges(
  locale: Locale,
  a: { status: 'active' | 'disabled'; deletedAt: Date | null; mustChangePassword?: boolean },
): SafeHtml {
  if (a.deletedAt)
    return html`<span class="badge badge--error">${ta(locale, 'accounts.status.deleted')}</span>`;
  return html`${
    a.status === 'disabled'
      ? html`<span class="badge badge--warn">${ta(locale, 'accounts.status.disabled')}</span>`
      : html`<span class="badge badge--ok">${ta(locale, 'accounts.status.active')}</span>`
  }${a.mustChangePassword && html` <span class="badge">${ta(locale, 'accounts.status.must_change')}</span>`}`;
}

const term = (locale: Locale, year: number | null, semester: number | null) =>
  year && semester ? ta(locale, 'accounts.term', { year, semester }) : '';

function classCell(locale: Locale, r: AccountListRow): string {
  if (!r.classTitle) return '';
  const t = term(locale, r.classSchoolYear, r.classSemester);
  return r.seatNo !== null
    ? ta(locale, 'accounts.class_seat', { term: t, class: r.classTitle, seat: r.seatNo })
    : ta(locale, 'accounts.class_only', { term: t, class: r.classTitle });
}

export interface AccountFilters {
  username?: string | undefined;
  name?: string | undefined;
  school?: string | undefined;
  year?: string | undefined;
  semester?: string | undefined;
  grade?: string | undefined;
  class_no?: string | undefined;
  identity?: string | undefined;
  status?: string | undefined;
  masked_id?: string | undefined;
}

export function accountTable(locale: Locale, rows: AccountListRow[]): SafeHtml {
  return dataTable(locale, {
    id: 'accounts',
    columns: [
      { label: ta(locale, 'accounts.col.username') },
      { label: ta(locale, 'accounts.col.name') },
      { label: ta(locale, 'accounts.col.gender') },
      { label: ta(locale, 'accounts.col.titles') },
      { label: ta(locale, 'accounts.col.identity') },
      { label: ta(locale, 'accounts.col.school') },
      { label: ta(locale, 'accounts.col.class') },
      { label: ta(locale, 'accounts.col.national_id') },
      { label: ta(locale, 'accounts.col.status') },
      { label: ta(locale, 'accounts.col.created') },
      { label: ta(locale, 'accounts.col.updated') },
    ],
    rows: rows.map((r) => [
      link(`/admin/accounts/${r.id}`, r.username),
      r.name,
      genderLabel(locale, r.gender),
      r.titles.join('、'),
      identityLabel(locale, r.identityType),
      r.schoolName,
      classCell(locale, r),
      r.nationalIdMasked,
      statusBadges(locale, r),
      formatTime(r.createdAt),
      formatTime(r.updatedAt),
    ]),
  });
}

export function accountsListPage(
  locale: Locale,
  p: {
    csrf: string;
    filters: AccountFilters;
    schools: SchoolRef[];
    rows: AccountListRow[];
    page: Page;
    query: Record<string, unknown>;
    size: number;
    error?: string | undefined;
    /** the national ID search: what was typed (re-shown only when it is masked) and its results */
    nid?: { value: string; error?: string | undefined; rows?: AccountListRow[] } | undefined;
    readOnly: boolean;
  },
): SafeHtml {
  const f = p.filters;
  const schoolField =
    p.schools.length > 0
      ? [
          {
            name: 'school',
            label: ta(locale, 'accounts.filter.school'),
            value: f.school,
            options: p.schools.map((s) => ({ value: s.id, label: s.name })),
          },
        ]
      : [];
  const filters = filterBar(locale, {
    action: '/admin/accounts',
    size: p.size,
    fields: [
      { name: 'username', label: ta(locale, 'accounts.filter.username'), value: f.username },
      { name: 'name', label: ta(locale, 'accounts.filter.name'), value: f.name },
      ...schoolField,
      { name: 'year', label: ta(locale, 'accounts.filter.year'), value: f.year },
      {
        name: 'semester',
        label: ta(locale, 'accounts.filter.semester'),
        value: f.semester,
        options: [
          { value: '1', label: '1' },
          { value: '2', label: '2' },
        ],
      },
      { name: 'grade', label: ta(locale, 'accounts.filter.grade'), value: f.grade },
      { name: 'class_no', label: ta(locale, 'accounts.filter.class_no'), value: f.class_no },
      {
        name: 'identity',
        label: ta(locale, 'accounts.filter.identity'),
        value: f.identity,
        options: (['student', 'teacher', 'staff', 'other'] as const).map((v) => ({
          value: v,
          label: identityLabel(locale, v),
        })),
      },
      {
        name: 'status',
        label: ta(locale, 'accounts.filter.status'),
        value: f.status,
        options: (['active', 'disabled', ...(p.readOnly ? [] : ['deleted'])] as const).map((v) => ({
          value: v,
          label: ta(locale, `accounts.status.${v as 'active' | 'disabled' | 'deleted'}`),
        })),
      },
      { name: 'masked_id', label: ta(locale, 'accounts.filter.masked_id'), value: f.masked_id },
    ],
  });
  const nidForm = postForm(p.csrf, {
    action: '/admin/accounts/find',
    submit: ta(locale, 'accounts.nid.submit'),
    body: html`<h2 class="admin-form__title">${ta(locale, 'accounts.nid.title')}</h2>${field(locale, {
      name: 'national_id',
      label: ta(locale, 'accounts.nid.label'),
      value: p.nid?.value,
      hint: ta(locale, 'accounts.nid.hint'),
      error: p.nid?.error,
      autocomplete: 'off',
    })}`,
  });
  const nidResults =
    p.nid?.rows &&
    html`<section aria-labelledby="nid-results"><h2 id="nid-results">${ta(locale, 'accounts.nid.results')}</h2>${accountTable(locale, p.nid.rows)}</section>`;
  return html`${p.readOnly && html`<p class="admin-panel__hint">${ta(locale, 'accounts.readonly')}</p>`}
${nidForm}
${nidResults}
${formError(locale, p.error)}
${filters}
${accountTable(locale, p.rows)}
${pagination(locale, p.page, '/admin/accounts', p.query)}`;
}

function titlesTable(locale: Locale, titles: TitleRecord[]): SafeHtml {
  return dataTable(locale, {
    id: 'titles',
    columns: [
      { label: ta(locale, 'accounts.titles.col.school') },
      { label: ta(locale, 'accounts.titles.col.title') },
      { label: ta(locale, 'accounts.titles.col.position'), numeric: true },
      { label: ta(locale, 'accounts.titles.col.state') },
      { label: ta(locale, 'accounts.titles.col.started') },
      { label: ta(locale, 'accounts.titles.col.ended') },
    ],
    rows: titles.map((t) => [
      t.schoolName,
      t.title,
      t.endedAt ? '' : t.position + 1,
      t.endedAt
        ? html`<span class="badge badge--warn">${ta(locale, 'accounts.titles.ended')}</span>`
        : html`<span class="badge badge--ok">${ta(locale, 'accounts.titles.current')}</span>`,
      formatTime(t.startedAt),
      formatTime(t.endedAt),
    ]),
  });
}

function classesTable(locale: Locale, classes: ClassMembership[]): SafeHtml {
  return dataTable(locale, {
    id: 'classes',
    columns: [
      { label: ta(locale, 'accounts.titles.col.school') },
      { label: ta(locale, 'accounts.classes.col.term') },
      { label: ta(locale, 'accounts.classes.col.class') },
      { label: ta(locale, 'accounts.classes.col.seat'), numeric: true },
    ],
    rows: classes.map((c) => [c.schoolName, term(locale, c.schoolYear, c.semester), c.title, c.seatNo]),
  });
}

export interface LoginRow {
  createdAt: Date;
  success: boolean;
  method: string;
  os: string | null;
  browser: string | null;
  device: string | null;
  ip: string | null;
  lastActivityAt: Date | null;
}

function loginsTable(locale: Locale, logins: LoginRow[]): SafeHtml {
  return dataTable(locale, {
    id: 'logins',
    columns: [
      { label: ta(locale, 'accounts.logins.col.success') },
      { label: ta(locale, 'accounts.logins.col.method') },
      { label: ta(locale, 'accounts.logins.col.os') },
      { label: ta(locale, 'accounts.logins.col.browser') },
      { label: ta(locale, 'accounts.logins.col.device') },
      { label: ta(locale, 'accounts.logins.col.ip') },
      { label: ta(locale, 'accounts.logins.col.at') },
      { label: ta(locale, 'accounts.logins.col.last') },
    ],
    rows: logins.map((l) => [
      l.success
        ? html`<span class="badge badge--ok">${ta(locale, 'accounts.yes')}</span>`
        : html`<span class="badge badge--error">${ta(locale, 'accounts.no')}</span>`,
      l.method,
      l.os,
      l.browser,
      l.device,
      l.ip,
      formatTime(l.createdAt),
      formatTime(l.lastActivityAt),
    ]),
  });
}

function transfersTable(locale: Locale, transfers: Transfer[]): SafeHtml {
  return dataTable(locale, {
    id: 'account-transfers',
    columns: [
      { label: ta(locale, 'accounts.transfers.col.from') },
      { label: ta(locale, 'accounts.transfers.col.to') },
      { label: ta(locale, 'accounts.transfers.col.status') },
      { label: ta(locale, 'accounts.transfers.col.requested') },
    ],
    rows: transfers.map((t) => [
      t.fromSchoolName,
      t.toSchoolName,
      transferStatusBadge(locale, t.status),
      formatTime(t.requestedAt),
    ]),
  });
}

const verified = (locale: Locale, value: string | null, ok: boolean) =>
  value ? `${value}（${ta(locale, ok ? 'accounts.verified' : 'accounts.unverified')}）` : null;

export function accountPage(
  locale: Locale,
  p: { csrf: string; detail: AccountDetail; logins: LoginRow[] },
): SafeHtml {
  const { account: a, school, can } = p.detail;
  const base = `/admin/accounts/${a.id}`;
  const profile = definitionList([
    [ta(locale, 'accounts.field.username'), a.username],
    [ta(locale, 'accounts.field.name'), a.name],
    [ta(locale, 'accounts.field.family_name'), a.familyName],
    [ta(locale, 'accounts.field.given_name'), a.givenName],
    [ta(locale, 'accounts.field.identity'), identityLabel(locale, a.identityType)],
    [ta(locale, 'accounts.field.school'), school?.name],
    [ta(locale, 'accounts.field.national_id'), a.nationalIdMasked],
    [ta(locale, 'accounts.field.gender'), genderLabel(locale, a.gender)],
    [ta(locale, 'accounts.field.birth_date'), a.birthDate],
    [ta(locale, 'accounts.field.email'), verified(locale, a.email, a.emailVerified)],
    [ta(locale, 'accounts.field.mobile'), verified(locale, a.mobile, a.mobileVerified)],
    [ta(locale, 'accounts.field.status'), statusBadges(locale, a)],
    [
      ta(locale, 'accounts.field.password'),
      ta(locale, a.hasPassword ? 'accounts.password.set' : 'accounts.password.none'),
    ],
    [ta(locale, 'accounts.field.password_changed'), formatTime(a.passwordChangedAt)],
    [
      ta(locale, 'accounts.field.openid2'),
      a.openid2Ids.length
        ? html`<ul class="plain-list">${a.openid2Ids.map((u) => html`<li>${u}</li>`)}</ul>`
        : null,
    ],
    [ta(locale, 'accounts.field.created'), formatTime(a.createdAt)],
    [ta(locale, 'accounts.field.updated'), formatTime(a.updatedAt)],
    ...(a.deletedAt
      ? [[ta(locale, 'accounts.field.deleted'), formatTime(a.deletedAt)] as [string, string]]
      : []),
  ]);
  const actions: SafeHtml[] = [];
  if (can.manage && !a.deletedAt) {
    actions.push(
      html`<a class="button button--small" href="${base}/edit">${ta(locale, 'accounts.action.edit')}</a>`,
    );
    actions.push(
      a.status === 'active'
        ? actionButton(p.csrf, { action: `${base}/disable`, label: ta(locale, 'accounts.action.disable') })
        : actionButton(p.csrf, { action: `${base}/enable`, label: ta(locale, 'accounts.action.enable') }),
    );
    actions.push(
      actionButton(p.csrf, { action: `${base}/reset-link`, label: ta(locale, 'accounts.action.reset_link') }),
    );
    actions.push(
      actionButton(p.csrf, {
        action: `${base}/temporary-password`,
        label: ta(locale, 'accounts.action.temp_password'),
      }),
    );
    actions.push(
      html`<a class="button button--small button--danger" href="${base}/delete">${ta(locale, 'accounts.action.delete')}</a>`,
    );
  }
  if (can.restore) {
    actions.push(
      actionButton(p.csrf, { action: `${base}/restore`, label: ta(locale, 'accounts.action.restore') }),
    );
  }
  return html`<p><a href="/admin/accounts">${ta(locale, 'accounts.back')}</a></p>
${
  actions.length > 0
    ? html`<section class="admin-panel" aria-labelledby="actions"><h2 id="actions">${ta(locale, 'accounts.section.actions')}</h2><div class="action-row">${actions}</div><p class="admin-panel__hint">${ta(locale, 'accounts.actions.hint')}</p></section>`
    : !can.manage && html`<p class="admin-panel__hint">${ta(locale, 'accounts.readonly')}</p>`
}
<section class="account-section" aria-labelledby="profile"><h2 id="profile">${ta(locale, 'accounts.section.profile')}</h2>${profile}</section>
<section class="account-section" aria-labelledby="titles-h"><h2 id="titles-h">${ta(locale, 'accounts.section.titles')}</h2>${titlesTable(locale, p.detail.titles)}</section>
<section class="account-section" aria-labelledby="classes-h"><h2 id="classes-h">${ta(locale, 'accounts.section.classes')}</h2>${classesTable(locale, p.detail.classes)}</section>
<section class="account-section" aria-labelledby="logins-h"><h2 id="logins-h">${ta(locale, 'accounts.section.logins')}</h2>${loginsTable(locale, p.logins)}</section>
<section class="account-section" aria-labelledby="transfers-h"><h2 id="transfers-h">${ta(locale, 'accounts.section.transfers')}</h2>${transfersTable(locale, p.detail.transfers)}</section>`;
}

export interface AccountEditValues {
  identity_type?: string | undefined;
  titles?: string | undefined;
  name?: string | undefined;
  family_name?: string | undefined;
  given_name?: string | undefined;
  email?: string | undefined;
  mobile?: string | undefined;
  openid2_ids?: string | undefined;
}

/** The field an error code belongs to, so the form marks it. */
const ERROR_FIELD: Readonly<Record<string, keyof AccountEditValues>> = {
  'account_admin.titles_invalid': 'titles',
  'account_admin.no_school': 'titles',
  'account_admin.name_invalid': 'name',
  'account_admin.email_invalid': 'email',
  'account_admin.mobile_invalid': 'mobile',
  'account_admin.openid2_invalid': 'openid2_ids',
};

export function accountEditPage(
  locale: Locale,
  p: { csrf: string; detail: AccountDetail; values: AccountEditValues; error?: string | undefined },
): SafeHtml {
  const { account: a, school } = p.detail;
  const v = p.values;
  const errorOf = (name: keyof AccountEditValues) =>
    p.error && ERROR_FIELD[p.error] === name ? p.error : undefined;
  return html`<p><a href="/admin/accounts/${a.id}">${ta(locale, 'accounts.back_to_account')}</a></p>
${formError(locale, p.error)}
${postForm(p.csrf, {
  action: `/admin/accounts/${a.id}/edit`,
  submit: tc(locale, 'form.save'),
  body: [
    field(locale, {
      name: 'identity_type',
      label: ta(locale, 'accounts.field.identity'),
      value: v.identity_type,
      options: (['student', 'teacher', 'staff', 'other'] as const).map((t) => ({
        value: t,
        label: identityLabel(locale, t),
      })),
    }),
    school
      ? field(locale, {
          name: 'titles',
          type: 'textarea',
          label: ta(locale, 'accounts.edit.titles', { school: school.name }),
          hint: ta(locale, 'accounts.edit.titles_hint'),
          value: v.titles,
          error: errorOf('titles'),
        })
      : html``,
    field(locale, {
      name: 'name',
      label: ta(locale, 'accounts.field.name'),
      value: v.name,
      required: true,
      error: errorOf('name'),
    }),
    field(locale, {
      name: 'family_name',
      label: ta(locale, 'accounts.field.family_name'),
      value: v.family_name,
    }),
    field(locale, {
      name: 'given_name',
      label: ta(locale, 'accounts.field.given_name'),
      value: v.given_name,
    }),
    field(locale, {
      name: 'email',
      type: 'email',
      label: ta(locale, 'accounts.field.email'),
      hint: ta(locale, 'accounts.edit.email_hint'),
      value: v.email,
      error: errorOf('email'),
      autocomplete: 'off',
    }),
    field(locale, {
      name: 'mobile',
      type: 'tel',
      label: ta(locale, 'accounts.field.mobile'),
      value: v.mobile,
      error: errorOf('mobile'),
      autocomplete: 'off',
    }),
    field(locale, {
      name: 'openid2_ids',
      type: 'textarea',
      label: ta(locale, 'accounts.field.openid2'),
      hint: ta(locale, 'accounts.edit.openid2_hint'),
      value: v.openid2_ids,
      error: errorOf('openid2_ids'),
    }),
  ],
})}`;
}

export function accountDeletePage(locale: Locale, p: { csrf: string; detail: AccountDetail }): SafeHtml {
  const a = p.detail.account;
  return html`<p><a href="/admin/accounts/${a.id}">${ta(locale, 'accounts.back_to_account')}</a></p>
<div class="alert alert--error" role="alert"><p class="alert__text">${ta(locale, 'accounts.delete.text', {
    username: a.username,
    name: a.name ?? '',
  })}</p></div>
${postForm(p.csrf, {
  action: `/admin/accounts/${a.id}/delete`,
  submit: ta(locale, 'accounts.delete.submit'),
  danger: true,
  body: html`<input type="hidden" name="confirm" value="yes">`,
})}`;
}

/** A reset link or temporary password, shown this once. */
export function accountSecretPage(
  locale: Locale,
  p: {
    detail: AccountDetail;
    kind: 'reset_link' | 'temp_password';
    secret: string;
    emailedTo?: string | null | undefined;
  },
): SafeHtml {
  const a = p.detail.account;
  return html`<section class="admin-panel secret-panel">
<p>${ta(locale, 'accounts.for_account', { username: a.username, name: a.name ?? '' })}</p>
<p class="secret-panel__value" id="secret"><code>${p.secret}</code></p>
<p>${ta(locale, p.kind === 'reset_link' ? 'accounts.reset_link.once' : 'accounts.temp_password.once')}</p>
${p.emailedTo && html`<p>${ta(locale, 'accounts.reset_link.emailed', { email: p.emailedTo })}</p>`}
<p class="admin-panel__hint">${ta(locale, 'accounts.actions.hint')}</p>
</section>
<p><a class="button button--secondary" href="/admin/accounts/${a.id}">${ta(locale, 'accounts.back_to_account')}</a></p>`;
}
