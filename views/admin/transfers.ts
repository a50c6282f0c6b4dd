/**
 * 學校異動 pages: the list (待審核 by default: requests to release accounts of the admin's
 * schools), the request form (look an account up at another school, then ask for it), and a
 * request's page with approve / reject (with a reason) / cancel.
 */
import type { SchoolRef } from '../../src/services/account-admin.js';
import type {
  Transfer,
  TransferCandidate,
  TransferStatus,
  TransferView,
} from '../../src/services/transfers.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
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

export const tt = defineMessages(
  {
    'transfers.title': '學校異動',
    'transfers.new_title': '申請學校異動',
    'transfers.detail_title': '學校異動申請',
    'transfers.intro':
      '教師或學生的帳號登記在他校、現在要改到本校時：由本校查詢帳號並提出申請，原學校（或縣市）審核通過後，原學校的職稱結束（保留紀錄），帳號改屬本校並設定新職稱。',
    'transfers.new': '申請將他校帳號轉入本校',
    'transfers.filter.direction': '類別',
    'transfers.filter.status': '狀態',
    'transfers.direction.incoming': '待本校審核（轉出）',
    'transfers.direction.outgoing': '本校提出（轉入）',
    'transfers.direction.all': '全部',
    'transfers.status.pending': '待審核',
    'transfers.status.approved': '已核准',
    'transfers.status.rejected': '已退回',
    'transfers.status.cancelled': '已取消',
    'transfers.col.username': '帳號',
    'transfers.col.name': '全名',
    'transfers.col.national_id': '身分證字號',
    'transfers.col.from': '原學校',
    'transfers.col.to': '新學校',
    'transfers.col.titles': '新職稱',
    'transfers.col.status': '狀態',
    'transfers.col.requested': '申請時間',
    'transfers.col.requested_by': '申請人',
    'transfers.col.decided': '審核時間',
    'transfers.col.decided_by': '審核人',
    'transfers.col.reason': '退回原因',
    'transfers.col.current_school': '目前學校',
    'transfers.lookup.title': '1. 查詢帳號',
    'transfers.lookup.hint':
      '請輸入完整帳號，或完整身分證字號（只會顯示帳號、姓名、遮罩後的身分證字號與目前學校）。',
    'transfers.lookup.username': '帳號',
    'transfers.lookup.national_id': '身分證字號',
    'transfers.lookup.submit': '查詢',
    'transfers.request.title': '2. 提出申請',
    'transfers.request.to': '轉入學校',
    'transfers.request.titles': '在新學校的職稱（每行一個，依序）',
    'transfers.request.titles_hint': '身份職稱（學生／教師／職員／其他）會自動排在第一個。',
    'transfers.request.submit': '送出申請',
    'transfers.approve': '核准',
    'transfers.reject': '退回',
    'transfers.cancel': '取消申請',
    'transfers.reason': '退回原因',
    'transfers.approve_hint':
      '核准後：原學校的職稱結束（保留紀錄）、學生的原班級資料移除，帳號改屬新學校並設定新職稱。',
    'transfers.back': '回學校異動清單',
    'transfers.flash.requested': '已送出學校異動申請，等待原學校審核。',
    'transfers.flash.approved': '已核准，帳號已改屬新學校。',
    'transfers.flash.rejected': '已退回申請。',
    'transfers.flash.cancelled': '已取消申請。',
    'transfer.lookup_required': '請輸入帳號或身分證字號。',
    'transfer.account_not_found': '找不到這個帳號。',
    'transfer.no_school': '此帳號沒有所屬學校，請洽縣市管理者處理。',
    'transfer.same_school': '此帳號已屬於轉入學校。',
    'transfer.already_pending': '此帳號已有一筆待審核的學校異動申請。',
    'transfer.not_pending': '此申請已處理完畢。',
    'transfer.stale': '帳號在申請後已有異動，此申請無法核准；請退回後重新申請。',
    'transfer.reason_required': '請填寫退回原因。',
    'transfer.reason_too_long': '退回原因最多 500 字。',
  },
  {
    'transfers.title': 'School transfers',
    'transfers.new_title': 'Request a school transfer',
    'transfers.detail_title': 'School transfer request',
    'transfers.intro':
      "When a teacher's or student's account is registered at another school and should now belong to yours: look it up and request it; once the other school (or the county) approves, the titles there end (kept as history), and the account moves to your school with its new titles.",
    'transfers.new': 'Request an account from another school',
    'transfers.filter.direction': 'Kind',
    'transfers.filter.status': 'Status',
    'transfers.direction.incoming': 'For us to decide (leaving)',
    'transfers.direction.outgoing': 'Requested by us (joining)',
    'transfers.direction.all': 'All',
    'transfers.status.pending': 'Pending',
    'transfers.status.approved': 'Approved',
    'transfers.status.rejected': 'Rejected',
    'transfers.status.cancelled': 'Cancelled',
    'transfers.col.username': 'Username',
    'transfers.col.name': 'Full name',
    'transfers.col.national_id': 'National ID',
    'transfers.col.from': 'From',
    'transfers.col.to': 'To',
    'transfers.col.titles': 'New titles',
    'transfers.col.status': 'Status',
    'transfers.col.requested': 'Requested',
    'transfers.col.requested_by': 'Requested by',
    'transfers.col.decided': 'Decided',
    'transfers.col.decided_by': 'Decided by',
    'transfers.col.reason': 'Reason',
    'transfers.col.current_school': 'Current school',
    'transfers.lookup.title': '1. Find the account',
    'transfers.lookup.hint':
      'Type the exact username or the full national ID (you see only the username, name, masked national ID and current school).',
    'transfers.lookup.username': 'Username',
    'transfers.lookup.national_id': 'National ID',
    'transfers.lookup.submit': 'Find',
    'transfers.request.title': '2. Request the transfer',
    'transfers.request.to': 'Destination school',
    'transfers.request.titles': 'Titles at the new school (one per line, in order)',
    'transfers.request.titles_hint': 'The identity title (學生/教師/職員/其他) is put first automatically.',
    'transfers.request.submit': 'Send the request',
    'transfers.approve': 'Approve',
    'transfers.reject': 'Reject',
    'transfers.cancel': 'Cancel the request',
    'transfers.reason': 'Reason for rejecting',
    'transfers.approve_hint':
      "On approval the titles at the old school end (kept as history), a student's classes there are removed, and the account moves to the new school with its new titles.",
    'transfers.back': 'Back to school transfers',
    'transfers.flash.requested': 'The transfer request was sent; the other school decides.',
    'transfers.flash.approved': 'Approved: the account now belongs to the new school.',
    'transfers.flash.rejected': 'The request was rejected.',
    'transfers.flash.cancelled': 'The request was cancelled.',
    'transfer.lookup_required': 'Type a username or a national ID.',
    'transfer.account_not_found': 'No such account.',
    'transfer.no_school': 'This account belongs to no school; ask the county administrator.',
    'transfer.same_school': 'This account already belongs to the destination school.',
    'transfer.already_pending': 'This account already has a pending transfer request.',
    'transfer.not_pending': 'This request has already been decided.',
    'transfer.stale':
      'The account changed after the request, so it cannot be approved; reject it and request again.',
    'transfer.reason_required': 'Give a reason for rejecting.',
    'transfer.reason_too_long': 'The reason is limited to 500 characters.',
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
const time = (d: Date | null) => (d ? TZ_FORMAT.format(d) : '');

const BADGE: Readonly<Record<TransferStatus, string>> = {
  pending: 'badge--warn',
  approved: 'badge--ok',
  rejected: 'badge--error',
  cancelled: '',
};

export function transferStatusBadge(locale: Locale, status: TransferStatus): SafeHtml {
  return html`<span class="badge ${BADGE[status]}">${tt(locale, `transfers.status.${status}`)}</span>`;
}

export interface TransferFilters {
  direction: string;
  status: string;
}

export function transfersListPage(
  locale: Locale,
  p: { filters: TransferFilters; rows: Transfer[]; page: Page; query: Record<string, unknown>; size: number },
): SafeHtml {
  const filters = filterBar(locale, {
    action: '/admin/transfers',
    size: p.size,
    fields: [
      {
        name: 'direction',
        label: tt(locale, 'transfers.filter.direction'),
        value: p.filters.direction,
        options: (['incoming', 'outgoing'] as const).map((d) => ({
          value: d,
          label: tt(locale, `transfers.direction.${d}`),
        })),
      },
      {
        name: 'status',
        label: tt(locale, 'transfers.filter.status'),
        value: p.filters.status,
        options: (['pending', 'approved', 'rejected', 'cancelled'] as const).map((s) => ({
          value: s,
          label: tt(locale, `transfers.status.${s}`),
        })),
      },
    ],
  });
  const table = dataTable(locale, {
    id: 'transfers',
    columns: [
      { label: tt(locale, 'transfers.col.username') },
      { label: tt(locale, 'transfers.col.name') },
      { label: tt(locale, 'transfers.col.national_id') },
      { label: tt(locale, 'transfers.col.from') },
      { label: tt(locale, 'transfers.col.to') },
      { label: tt(locale, 'transfers.col.titles') },
      { label: tt(locale, 'transfers.col.status') },
      { label: tt(locale, 'transfers.col.requested') },
      { label: tt(locale, 'transfers.col.decided') },
    ],
    rows: p.rows.map((t) => [
      link(`/admin/transfers/${t.id}`, t.username),
      t.name,
      t.nationalIdMasked,
      t.fromSchoolName,
      t.toSchoolName,
      t.titles.join('、'),
      transferStatusBadge(locale, t.status),
      time(t.requestedAt),
      time(t.decidedAt),
    ]),
  });
  return html`<p class="admin-panel__hint">${tt(locale, 'transfers.intro')}</p>
<p><a class="button" href="/admin/transfers/new">${tt(locale, 'transfers.new')}</a></p>
${filters}
${table}
${pagination(locale, p.page, '/admin/transfers', p.query)}`;
}

export interface TransferRequestValues {
  username?: string | undefined;
  to_school_id?: string | undefined;
  titles?: string | undefined;
}

export function transferNewPage(
  locale: Locale,
  p: {
    csrf: string;
    destinations: SchoolRef[];
    values: TransferRequestValues;
    candidate?: TransferCandidate | undefined;
    lookupError?: string | undefined;
    requestError?: string | undefined;
  },
): SafeHtml {
  const lookup = postForm(p.csrf, {
    action: '/admin/transfers/lookup',
    submit: tt(locale, 'transfers.lookup.submit'),
    body: html`<h2 class="admin-form__title">${tt(locale, 'transfers.lookup.title')}</h2>
<p class="admin-panel__hint">${tt(locale, 'transfers.lookup.hint')}</p>
${formError(locale, p.lookupError)}
${field(locale, { name: 'username', label: tt(locale, 'transfers.lookup.username'), value: p.candidate ? '' : p.values.username, autocomplete: 'off' })}
${field(locale, { name: 'national_id', label: tt(locale, 'transfers.lookup.national_id'), autocomplete: 'off' })}`,
  });
  const c = p.candidate;
  const request =
    c &&
    postForm(p.csrf, {
      action: '/admin/transfers',
      submit: tt(locale, 'transfers.request.submit'),
      body: html`<h2 class="admin-form__title">${tt(locale, 'transfers.request.title')}</h2>
${definitionList([
  [tt(locale, 'transfers.col.username'), c.username],
  [tt(locale, 'transfers.col.name'), c.name],
  [tt(locale, 'transfers.col.national_id'), c.nationalIdMasked],
  [tt(locale, 'transfers.col.current_school'), c.schoolName],
])}
${formError(locale, p.requestError)}
<input type="hidden" name="account_id" value="${c.id}">
${field(locale, {
  name: 'to_school_id',
  label: tt(locale, 'transfers.request.to'),
  value: p.values.to_school_id ?? (p.destinations.length === 1 ? p.destinations[0]!.id : undefined),
  required: true,
  options: p.destinations.map((s) => ({ value: s.id, label: s.name })),
})}
${field(locale, {
  name: 'titles',
  type: 'textarea',
  label: tt(locale, 'transfers.request.titles'),
  hint: tt(locale, 'transfers.request.titles_hint'),
  value: p.values.titles,
})}`,
    });
  return html`<p><a href="/admin/transfers">${tt(locale, 'transfers.back')}</a></p>
<p class="admin-panel__hint">${tt(locale, 'transfers.intro')}</p>
${lookup}
${request}`;
}

export function transferPage(
  locale: Locale,
  p: { csrf: string; view: TransferView; reason?: string | undefined; error?: string | undefined },
): SafeHtml {
  const t = p.view.transfer;
  const base = `/admin/transfers/${t.id}`;
  const record = definitionList([
    [tt(locale, 'transfers.col.username'), t.username],
    [tt(locale, 'transfers.col.name'), t.name],
    [tt(locale, 'transfers.col.national_id'), t.nationalIdMasked],
    [tt(locale, 'transfers.col.from'), t.fromSchoolName],
    [tt(locale, 'transfers.col.to'), t.toSchoolName],
    [tt(locale, 'transfers.col.titles'), t.titles.join('、')],
    [tt(locale, 'transfers.col.status'), transferStatusBadge(locale, t.status)],
    [tt(locale, 'transfers.col.requested_by'), t.requestedByUsername],
    [tt(locale, 'transfers.col.requested'), time(t.requestedAt)],
    [tt(locale, 'transfers.col.decided_by'), t.decidedByUsername],
    [tt(locale, 'transfers.col.decided'), time(t.decidedAt)],
    [tt(locale, 'transfers.col.reason'), t.decisionReason],
  ]);
  const decide =
    p.view.can.decide &&
    html`<section class="admin-panel" aria-labelledby="decide"><h2 id="decide">${tt(locale, 'transfers.approve')} / ${tt(locale, 'transfers.reject')}</h2>
<p class="admin-panel__hint">${tt(locale, 'transfers.approve_hint')}</p>
<div class="action-row">${actionButton(p.csrf, { action: `${base}/approve`, label: tt(locale, 'transfers.approve') })}</div>
${postForm(p.csrf, {
  action: `${base}/reject`,
  submit: tt(locale, 'transfers.reject'),
  danger: true,
  body: html`${formError(locale, p.error)}${field(locale, {
    name: 'reason',
    type: 'textarea',
    label: tt(locale, 'transfers.reason'),
    value: p.reason,
    required: true,
    error:
      p.error === 'transfer.reason_required' || p.error === 'transfer.reason_too_long' ? p.error : undefined,
  })}`,
})}</section>`;
  const cancel =
    p.view.can.cancel &&
    html`<p>${actionButton(p.csrf, { action: `${base}/cancel`, label: tt(locale, 'transfers.cancel'), danger: true })}</p>`;
  return html`<p><a href="/admin/transfers">${tt(locale, 'transfers.back')}</a></p>
${!p.view.can.decide && formError(locale, p.error)}
${record}
${decide}
${cancel}`;
}
