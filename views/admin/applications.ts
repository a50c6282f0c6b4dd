/**
 * 新帳號申請 pages (seeds 003, 機關管理者審查): the 待審核列表 with its status and school filters,
 * and an application's 審查詳細資訊 with the 接受申請 form (username and ordered titles, both
 * editable) and the reject form (a reason is required). The reviewing admin sees the e-mail
 * and mobile in full; the national ID only masked.
 */

import type { ReviewView, SchoolRef } from '../../src/services/application-review.js';
import type { Application } from '../../src/services/applications.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import {
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

export const tap = defineMessages(
  {
    'applications.title': '新帳號申請',
    'applications.detail_title': '審查詳細資訊',
    'applications.intro':
      '申請人完成信箱與手機驗證後，申請會出現在待審核列表。請逐筆點選「審查詳細資訊」查閱申請資料，再接受或退回申請；結果會以電子郵件通知申請人。申請「學校管理者」權限者由縣市管理者審核。',
    'applications.filter.status': '狀態',
    'applications.filter.school': '學校',
    'applications.status.unverified': '未完成驗證',
    'applications.status.pending': '待審核',
    'applications.status.approved': '已接受',
    'applications.status.rejected': '已退回',
    'applications.identity.teacher': '教師',
    'applications.identity.staff': '職員',
    'applications.identity.other': '其他',
    'applications.col.name': '申請人',
    'applications.col.school': '學校',
    'applications.col.identity': '身份別',
    'applications.col.titles': '申請職稱',
    'applications.col.username': '希望帳號',
    'applications.col.national_id': '身分證字號',
    'applications.col.status': '狀態',
    'applications.col.submitted': '送出時間',
    'applications.col.actions': '操作',
    'applications.review': '審查詳細資訊',
    'applications.school_admin_badge': '申請學校管理者',
    'applications.conflict_badge': '身分證字號已有帳號',
    'applications.field.email': '電子郵件',
    'applications.field.mobile': '手機號碼',
    'applications.field.email_verified': '信箱驗證時間',
    'applications.field.mobile_verified': '手機驗證時間',
    'applications.field.school_admin': '申請學校管理者權限',
    'applications.field.reviewer': '審核者',
    'applications.field.created': '填寫時間',
    'applications.field.decided_by': '審核人',
    'applications.field.decided': '審核時間',
    'applications.field.reason': '退回原因',
    'applications.field.account': '建立的帳號',
    'applications.reviewer.school': '學校管理者',
    'applications.reviewer.county': '縣市管理者',
    'applications.yes': '是',
    'applications.no': '否',
    'applications.open_account': '檢視帳號',
    'applications.conflict':
      '此身分證字號已有其他帳號（一人一帳號），這份申請無法接受。請先檢視該帳號：若是同一人，請退回申請並說明原因。',
    'applications.approve.title': '接受申請',
    'applications.approve.hint':
      '接受後會建立帳號並設定職稱，以電子郵件寄出一次性的開通連結讓申請人設定密碼。',
    'applications.approve.username': '帳號',
    'applications.approve.username_hint': '預設為申請人希望的帳號（或電子郵件 @ 前的部分），可修改。',
    'applications.approve.titles': '職稱（每行一個，依序）',
    'applications.approve.titles_hint': '身份職稱（教師／職員／其他）一律排在第一個。',
    'applications.approve.submit': '接受申請',
    'applications.reject.title': '退回申請',
    'applications.reject.reason': '退回原因',
    'applications.reject.reason_hint': '原因會以電子郵件寄給申請人。',
    'applications.reject.submit': '退回申請',
    'applications.back': '回待審核列表',
    'applications.flash.approved': '已接受申請，建立帳號 {username}，並寄出開通連結。',
    'applications.flash.rejected': '已退回申請，並以電子郵件通知申請人。',
    'application.not_found': '找不到這份申請。',
    'application.already_decided': '這份申請已經審核過了。',
    'application.not_verified': '這份申請尚未完成信箱與手機驗證。',
    'application.username_invalid': '帳號須為 2–64 個英文小寫字母、數字或 . _ -，並以字母或數字開頭。',
    'application.username_taken': '這個帳號已有人使用，請指定其他帳號。',
    'application.titles_invalid': '職稱最多 20 個，每個 30 字以內。',
    'application.reason_required': '請填寫退回原因。',
    'application.reason_too_long': '退回原因請在 1000 字以內。',
    'messaging.send_failed': '通知信無法寄出，申請沒有變更。請稍後再試。',
  },
  {
    'applications.title': 'Account applications',
    'applications.detail_title': 'Application review',
    'applications.intro':
      'An application appears in the pending list once the applicant has verified the e-mail and the mobile. Open each with "Review", read it, then approve or reject it; the applicant is told by e-mail. Requests for the school administrator role are decided by the county administrator.',
    'applications.filter.status': 'Status',
    'applications.filter.school': 'School',
    'applications.status.unverified': 'Not verified',
    'applications.status.pending': 'Pending',
    'applications.status.approved': 'Approved',
    'applications.status.rejected': 'Rejected',
    'applications.identity.teacher': 'Teacher',
    'applications.identity.staff': 'Staff',
    'applications.identity.other': 'Other',
    'applications.col.name': 'Applicant',
    'applications.col.school': 'School',
    'applications.col.identity': 'Identity',
    'applications.col.titles': 'Titles asked for',
    'applications.col.username': 'Username asked for',
    'applications.col.national_id': 'National ID',
    'applications.col.status': 'Status',
    'applications.col.submitted': 'Submitted',
    'applications.col.actions': 'Actions',
    'applications.review': 'Review',
    'applications.school_admin_badge': 'School admin request',
    'applications.conflict_badge': 'National ID has an account',
    'applications.field.email': 'E-mail',
    'applications.field.mobile': 'Mobile',
    'applications.field.email_verified': 'E-mail verified',
    'applications.field.mobile_verified': 'Mobile verified',
    'applications.field.school_admin': 'Asks for the school administrator role',
    'applications.field.reviewer': 'Reviewer',
    'applications.field.created': 'Started',
    'applications.field.decided_by': 'Decided by',
    'applications.field.decided': 'Decided',
    'applications.field.reason': 'Reason for rejecting',
    'applications.field.account': 'Account created',
    'applications.reviewer.school': 'School administrator',
    'applications.reviewer.county': 'County administrator',
    'applications.yes': 'Yes',
    'applications.no': 'No',
    'applications.open_account': 'Open the account',
    'applications.conflict':
      'Another account already holds this national ID (one person, one account), so this application cannot be approved. Check that account first: if it is the same person, reject the application and say why.',
    'applications.approve.title': 'Approve',
    'applications.approve.hint':
      'Approval creates the account with its titles and e-mails a one-time activation link for the applicant to set the password.',
    'applications.approve.username': 'Username',
    'applications.approve.username_hint':
      "The username the applicant asked for (or the e-mail's local part); you may change it.",
    'applications.approve.titles': 'Titles (one per line, in order)',
    'applications.approve.titles_hint': 'The identity title (教師/職員/其他) always comes first.',
    'applications.approve.submit': 'Approve',
    'applications.reject.title': 'Reject',
    'applications.reject.reason': 'Reason for rejecting',
    'applications.reject.reason_hint': 'The reason is e-mailed to the applicant.',
    'applications.reject.submit': 'Reject',
    'applications.back': 'Back to the pending list',
    'applications.flash.approved': 'Approved: account {username} created and the activation link sent.',
    'applications.flash.rejected': 'Rejected; the applicant was told by e-mail.',
    'application.not_found': 'No such application.',
    'application.already_decided': 'This application has already been decided.',
    'application.not_verified': 'This application has not verified its e-mail and mobile yet.',
    'application.username_invalid':
      'A username is 2–64 lower-case letters, digits or . _ -, starting with a letter or digit.',
    'application.username_taken': 'This username is taken. Choose another one.',
    'application.titles_invalid': 'At most 20 titles of at most 30 characters each.',
    'application.reason_required': 'Give a reason for rejecting.',
    'application.reason_too_long': 'Keep the reason within 1000 characters.',
    'messaging.send_failed': 'The e-mail could not be sent, so nothing was changed. Try again later.',
  },
);

const BASE = '/admin/applications';

const TZ_FORMAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Taipei',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const time = (d: Date | null) => (d ? TZ_FORMAT.format(d) : null);

const BADGE: Readonly<Record<Application['status'], string>> = {
  unverified: '',
  pending: 'badge--warn',
  approved: 'badge--ok',
  rejected: 'badge--error',
};

export function applicationStatusBadge(locale: Locale, status: Application['status']): SafeHtml {
  return html`<span class="badge ${BADGE[status]}">${tap(locale, `applications.status.${status}`)}</span>`;
}

const identityLabel = (locale: Locale, app: Application) =>
  tap(locale, `applications.identity.${app.identityType}`);

export interface ApplicationFilters {
  status: string;
  school_id: string;
}

export function applicationsListPage(
  locale: Locale,
  p: {
    filters: ApplicationFilters;
    schools: SchoolRef[];
    rows: ReviewView[];
    page: Page;
    query: Record<string, unknown>;
    size: number;
  },
): SafeHtml {
  const filters = filterBar(locale, {
    action: BASE,
    size: p.size,
    fields: [
      {
        name: 'status',
        label: tap(locale, 'applications.filter.status'),
        value: p.filters.status,
        options: (['pending', 'approved', 'rejected'] as const).map((s) => ({
          value: s,
          label: tap(locale, `applications.status.${s}`),
        })),
      },
      ...(p.schools.length > 1
        ? [
            {
              name: 'school_id',
              label: tap(locale, 'applications.filter.school'),
              value: p.filters.school_id,
              options: p.schools.map((s) => ({ value: s.id, label: s.name })),
            },
          ]
        : []),
    ],
  });
  const table = dataTable(locale, {
    id: 'applications',
    columns: [
      { label: tap(locale, 'applications.col.name') },
      { label: tap(locale, 'applications.col.school') },
      { label: tap(locale, 'applications.col.identity') },
      { label: tap(locale, 'applications.col.titles') },
      { label: tap(locale, 'applications.col.username') },
      { label: tap(locale, 'applications.col.national_id') },
      { label: tap(locale, 'applications.col.status') },
      { label: tap(locale, 'applications.col.submitted') },
      { label: tap(locale, 'applications.col.actions') },
    ],
    rows: p.rows.map(({ application: a }) => [
      html`${a.realName}${a.requestsSchoolAdmin && html` <span class="badge badge--warn">${tap(locale, 'applications.school_admin_badge')}</span>`}`,
      a.schoolName,
      identityLabel(locale, a),
      a.requestedTitles.join('、'),
      a.requestedUsername,
      html`${a.nationalIdMasked ?? ''}${a.nationalIdAccountId && a.status === 'pending' && html` <span class="badge badge--error">${tap(locale, 'applications.conflict_badge')}</span>`}`,
      applicationStatusBadge(locale, a.status),
      html`<span class="nowrap">${time(a.submittedAt) ?? ''}</span>`,
      link(`${BASE}/${a.id}`, tap(locale, 'applications.review')),
    ]),
  });
  return html`<p class="admin-panel__hint">${tap(locale, 'applications.intro')}</p>
${filters}
${table}
${pagination(locale, p.page, BASE, p.query)}`;
}

export interface ApproveValues {
  username?: string | undefined;
  titles?: string | undefined;
}

const APPROVE_FIELDS: Readonly<Record<string, 'username' | 'titles'>> = {
  'application.username_invalid': 'username',
  'application.username_taken': 'username',
  'application.titles_invalid': 'titles',
};
const REJECT_FIELDS = new Set(['application.reason_required', 'application.reason_too_long']);

/** 審查詳細資訊: every field, the conflict warning, and the two decision forms while pending. */
export function applicationPage(
  locale: Locale,
  p: {
    csrf: string;
    view: ReviewView;
    /** the username the approval gives when the field is left as it is */
    defaultUsername: string;
    approve?: { values: ApproveValues; error?: string | undefined };
    reject?: { reason: string; error?: string | undefined };
  },
): SafeHtml {
  const a = p.view.application;
  const base = `${BASE}/${a.id}`;
  const yesNo = (v: boolean) => tap(locale, v ? 'applications.yes' : 'applications.no');
  const record = definitionList([
    [tap(locale, 'applications.col.status'), applicationStatusBadge(locale, a.status)],
    [tap(locale, 'applications.col.name'), a.realName],
    [tap(locale, 'applications.field.email'), a.email],
    [tap(locale, 'applications.field.email_verified'), time(a.emailVerifiedAt)],
    [tap(locale, 'applications.field.mobile'), a.mobile],
    [tap(locale, 'applications.field.mobile_verified'), time(a.mobileVerifiedAt)],
    [tap(locale, 'applications.col.school'), `${a.schoolName}（${a.schoolCode}）`],
    [tap(locale, 'applications.col.identity'), identityLabel(locale, a)],
    [tap(locale, 'applications.col.titles'), a.requestedTitles.join('、')],
    [tap(locale, 'applications.col.username'), a.requestedUsername],
    [tap(locale, 'applications.col.national_id'), a.nationalIdMasked],
    [tap(locale, 'applications.field.school_admin'), yesNo(a.requestsSchoolAdmin)],
    [tap(locale, 'applications.field.reviewer'), tap(locale, `applications.reviewer.${a.reviewer}`)],
    [tap(locale, 'applications.field.created'), time(a.createdAt)],
    [tap(locale, 'applications.col.submitted'), time(a.submittedAt)],
    [tap(locale, 'applications.field.decided_by'), p.view.decidedByUsername],
    [tap(locale, 'applications.field.decided'), time(a.decidedAt)],
    ...(a.status === 'rejected'
      ? ([[tap(locale, 'applications.field.reason'), a.decisionReason]] as Array<[string, string | null]>)
      : []),
    ...(a.accountId
      ? ([
          [
            tap(locale, 'applications.field.account'),
            link(`/admin/accounts/${a.accountId}`, tap(locale, 'applications.open_account')),
          ],
        ] as Array<[string, SafeHtml]>)
      : []),
  ]);
  const conflict =
    a.nationalIdAccountId &&
    a.status === 'pending' &&
    html`<div class="alert alert--warn" role="alert" id="national-id-conflict"><p class="alert__text">${tap(locale, 'applications.conflict')} ${link(`/admin/accounts/${a.nationalIdAccountId}`, tap(locale, 'applications.open_account'))}</p></div>`;

  let forms: SafeHtml | null = null;
  if (p.view.can.decide) {
    const ae = p.approve?.error;
    const aField = ae ? APPROVE_FIELDS[ae] : undefined;
    const approve = postForm(p.csrf, {
      action: `${base}/approve`,
      submit: tap(locale, 'applications.approve.submit'),
      body: html`<h2 class="admin-form__title" id="approve">${tap(locale, 'applications.approve.title')}</h2>
<p class="admin-panel__hint">${tap(locale, 'applications.approve.hint')}</p>
${!aField && formError(locale, ae)}
${field(locale, {
  name: 'username',
  label: tap(locale, 'applications.approve.username'),
  hint: tap(locale, 'applications.approve.username_hint'),
  value: p.approve?.values.username ?? p.defaultUsername,
  autocomplete: 'off',
  required: true,
  error: aField === 'username' ? ae : undefined,
})}
${field(locale, {
  name: 'titles',
  type: 'textarea',
  label: tap(locale, 'applications.approve.titles'),
  hint: tap(locale, 'applications.approve.titles_hint'),
  value: p.approve?.values.titles ?? a.requestedTitles.join('\n'),
  error: aField === 'titles' ? ae : undefined,
})}`,
    });
    const re = p.reject?.error;
    const reject = postForm(p.csrf, {
      action: `${base}/reject`,
      submit: tap(locale, 'applications.reject.submit'),
      danger: true,
      body: html`<h2 class="admin-form__title" id="reject">${tap(locale, 'applications.reject.title')}</h2>
${re && !REJECT_FIELDS.has(re) && formError(locale, re)}
${field(locale, {
  name: 'reason',
  type: 'textarea',
  label: tap(locale, 'applications.reject.reason'),
  hint: tap(locale, 'applications.reject.reason_hint'),
  value: p.reject?.reason,
  required: true,
  error: re && REJECT_FIELDS.has(re) ? re : undefined,
})}`,
    });
    forms = html`<div class="decision-forms">${approve}${reject}</div>`;
  }
  // an error after which there is nothing to decide (decided meanwhile): shown above the record
  const orphanError = !p.view.can.decide && formError(locale, p.approve?.error ?? p.reject?.error);
  return html`<p><a href="${BASE}">${tap(locale, 'applications.back')}</a></p>
${orphanError}
${conflict}
${record}
${forms}`;
}
