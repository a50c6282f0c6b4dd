/**
 * 一次登入 (passOne) in the console, in the seeds' words: the students' table (帳號 全名 性別
 * 職稱 身份 申請日期 最後更新) with "Add to passOne", the 一次性登入名單確認 page with the
 * 建立一次性登入通行碼 button, the printable slips (the code only: no username, no URL) and
 * the 使用說明.
 */
import type { AccountListRow, PassOneCodeListRow } from '../../src/services/pass-one.js';
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { formatTime, identityLabel } from './accounts.js';
import {
  actionButton,
  dataTable,
  filterBar,
  formError,
  type Page,
  pagination,
  postForm,
} from './components.js';
import { defineMessages } from './messages.js';

export const tp = defineMessages(
  {
    'passone.col.username': '帳號',
    'passone.col.name': '全名',
    'passone.col.gender': '性別',
    'passone.col.titles': '職稱',
    'passone.col.identity': '身份',
    'passone.col.created': '申請日期',
    'passone.col.updated': '最後更新',
    'passone.col.seat': '座號',
    'passone.col.no': '編號',
    'passone.col.issued_at': '建立時間',
    'passone.col.expires_at': '有效期限',
    'passone.col.status': '狀態',
    'passone.col.issued_by': '建立者',
    'passone.gender.M': '男',
    'passone.gender.F': '女',
    'passone.gender.X': '其他',
    'passone.add': 'Add to passOne',
    'passone.added': '已加入',
    'passone.remove': '移除',
    'passone.list_heading': '一次登入名單',
    'passone.list_count': '名單中有 {count} 位學生。',
    'passone.list_none': '名單中尚無學生。請點擊「Add to passOne」加入。',
    'passone.confirm_link': '名單確認',
    'passone.confirm_title': '一次性登入名單確認',
    'passone.confirm_intro': '請再次核對名單，如確認無誤，再點擊「建立一次性登入通行碼」。',
    'passone.create': '建立一次性登入通行碼',
    'passone.clear': '清空名單',
    'passone.back': '回到一次登入',
    'passone.flash_added': '已將 {username} 加入一次登入名單。',
    'passone.flash_removed': '已將 {username} 自名單移除。',
    'passone.flash_cleared': '已清空名單。',
    'passone.slips_title': '一次性登入通行碼',
    'passone.slips_intro':
      '通行碼只顯示這一次，請立即列印（使用瀏覽器的列印功能），沿虛線剪下發給學生。學生的帳號與 passOne 登入網址請口頭告知，請勿寫在通行碼上。',
    'passone.slips_expires': '有效期限至 {time}',
    'passone.slip_valid': '{minutes} 分鐘內有效',
    'passone.key_heading': '通行碼編號對照（教師留存，請勿發給學生）',
    'passone.issued_heading': '已建立的通行碼',
    'passone.status.unused': '未使用',
    'passone.status.used': '已使用',
    'passone.status.expired': '已過期',
    'passone.status.revoked': '已被新通行碼取代',
    'passone.usage_heading': '使用說明',
    'passone.usage_title': 'passOne 一次性登入',
    'passone.usage.1': '限學生帳號使用',
    'passone.usage.2': '請勿在一般登入畫面使用。',
    'passone.usage.3': '預設僅限教育網路連線單位 IP 使用，非教育網路連線單位，可自訂 IP。',
    'passone.usage.4': '使用期限 {minutes} 分鐘',
    'passone.usage.5': '此為學生忘記密碼之備用登入，登入成功後，請指導學生立即重設密碼，並備記個人密碼。',
    'passone.usage.6': '1. 點擊「Add to passOne」將忘記密碼之學生帳號，加入「一次登入」名單。',
    'passone.usage.7':
      '2. 可依次加入多位學生，全部完成後，再點擊「名單確認」。名單完成前，請勿離開「一次登入」頁面。',
    'passone.usage.8':
      '3. 在「一次性登入名單確認」頁面，可再次核對名單，如確認無誤，再點擊「建立一次性登入通行碼」。',
    'passone.usage.9':
      '4. 教師可自行列印學生通行碼，學生「passOne 登入」網址請自行保留，口頭告知學生網址與學生帳號，再將學生通行碼剪下發給學生，並請學生於 {minutes} 分鐘內，完成登入動作。',
    'passone.usage.10': '5. 請勿將學生帳號與網址抄寫在通行碼上，以免被他人盜用！',
    'passone.usage.url': '學生的 passOne 登入網址：{url}',
    'pass_one.not_student': '一次登入限學生帳號使用，此帳號不是學生帳號。',
    'pass_one.account_disabled': '此帳號已停用，無法建立通行碼。',
    'pass_one.list_empty': '名單中沒有學生，請先點擊「Add to passOne」加入學生。',
    'pass_one.too_many': '一次最多 100 位學生，請分批建立。',
  },
  {
    'passone.col.username': 'Username',
    'passone.col.name': 'Full name',
    'passone.col.gender': 'Gender',
    'passone.col.titles': 'Titles',
    'passone.col.identity': 'Identity',
    'passone.col.created': 'Created',
    'passone.col.updated': 'Last updated',
    'passone.col.seat': 'Seat',
    'passone.col.no': 'No.',
    'passone.col.issued_at': 'Created at',
    'passone.col.expires_at': 'Valid until',
    'passone.col.status': 'Status',
    'passone.col.issued_by': 'Created by',
    'passone.gender.M': 'Male',
    'passone.gender.F': 'Female',
    'passone.gender.X': 'Other',
    'passone.add': 'Add to passOne',
    'passone.added': 'Added',
    'passone.remove': 'Remove',
    'passone.list_heading': 'passOne list',
    'passone.list_count': '{count} student(s) on the list.',
    'passone.list_none': 'No students on the list yet. Click "Add to passOne" to add them.',
    'passone.confirm_link': 'Confirm the list',
    'passone.confirm_title': 'Confirm the passOne list',
    'passone.confirm_intro': 'Check the list once more; if it is right, click "Create one-time pass codes".',
    'passone.create': 'Create one-time pass codes',
    'passone.clear': 'Clear the list',
    'passone.back': 'Back to passOne',
    'passone.flash_added': '{username} added to the passOne list.',
    'passone.flash_removed': '{username} removed from the list.',
    'passone.flash_cleared': 'The list is cleared.',
    'passone.slips_title': 'One-time pass codes',
    'passone.slips_intro':
      "The codes are shown only this once: print them now (your browser's Print command), cut along the dashed lines and hand them out. Tell students their username and the passOne address out loud; never write them on a slip.",
    'passone.slips_expires': 'Valid until {time}',
    'passone.slip_valid': 'Valid for {minutes} minutes',
    'passone.key_heading': 'Slip numbers (keep this; do not hand it out)',
    'passone.issued_heading': 'Pass codes created',
    'passone.status.unused': 'Unused',
    'passone.status.used': 'Used',
    'passone.status.expired': 'Expired',
    'passone.status.revoked': 'Replaced by a newer code',
    'passone.usage_heading': 'How to use',
    'passone.usage_title': 'passOne one-time sign-in',
    'passone.usage.1': 'Student accounts only.',
    'passone.usage.2': 'Not for the normal sign-in page.',
    'passone.usage.3':
      'By default only from education-network addresses; other networks can be added to the whitelist.',
    'passone.usage.4': 'Valid for {minutes} minutes.',
    'passone.usage.5':
      'This is the backup sign-in for students who forgot their password: once signed in, have the student set a new password right away and note it down.',
    'passone.usage.6':
      '1. Click "Add to passOne" to add the student who forgot the password to the passOne list.',
    'passone.usage.7':
      '2. Add as many students as needed, then click "Confirm the list". Do not leave the passOne page before the list is complete.',
    'passone.usage.8':
      '3. On the confirmation page, check the list again; if it is right, click "Create one-time pass codes".',
    'passone.usage.9':
      '4. Print the pass codes yourself. Keep the passOne address; tell students the address and their username out loud, cut out each pass code, hand it over, and have the students sign in within {minutes} minutes.',
    'passone.usage.10':
      '5. Never write the username or the address on a pass code, so nobody else can use it!',
    'passone.usage.url': 'The passOne address for students: {url}',
    'pass_one.not_student': 'passOne is for student accounts only; this account is not a student.',
    'pass_one.account_disabled': 'This account is disabled; no pass code can be created.',
    'pass_one.list_empty': 'There are no students on the list. Click "Add to passOne" first.',
    'pass_one.too_many': 'At most 100 students at a time; create the codes in batches.',
  },
);

const BASE = '/admin/passone';
const minutesOf = (ttl: number) => Math.max(1, Math.round(ttl / 60));
const genderLabel = (locale: Locale, g: 'M' | 'F' | 'X' | null) =>
  g ? tp(locale, `passone.gender.${g}`) : '';

export function passOneUsage(locale: Locale, p: { ttl: number; url: string }): SafeHtml {
  const minutes = minutesOf(p.ttl);
  const items = (
    [
      'passone.usage.1',
      'passone.usage.2',
      'passone.usage.3',
      'passone.usage.4',
      'passone.usage.5',
      'passone.usage.6',
      'passone.usage.7',
      'passone.usage.8',
      'passone.usage.9',
      'passone.usage.10',
    ] as const
  ).map((k) => html`<li>${tp(locale, k, { minutes })}</li>`);
  return html`<section class="admin-panel pass-one-usage no-print" aria-labelledby="pass-one-usage">
<h2 id="pass-one-usage">${tp(locale, 'passone.usage_heading')}</h2>
<p><strong>${tp(locale, 'passone.usage_title')}</strong></p>
<ul>${items}</ul>
<p>${tp(locale, 'passone.usage.url', { url: p.url })}</p>
</section>`;
}

function listPanel(locale: Locale, count: number): SafeHtml {
  return html`<section class="admin-panel pass-one-list" aria-labelledby="pass-one-list">
<h2 id="pass-one-list">${tp(locale, 'passone.list_heading')}</h2>
<p>${count > 0 ? tp(locale, 'passone.list_count', { count }) : tp(locale, 'passone.list_none')}</p>
${count > 0 && html`<p><a class="button" href="${BASE}/confirm">${tp(locale, 'passone.confirm_link')}</a></p>`}
</section>`;
}

export interface PassOneFilters {
  username?: string | undefined;
  name?: string | undefined;
}

function statusBadge(locale: Locale, r: PassOneCodeListRow): SafeHtml {
  if (r.usedAt) return html`<span class="badge badge--ok">${tp(locale, 'passone.status.used')}</span>`;
  if (r.revokedAt) return html`<span class="badge">${tp(locale, 'passone.status.revoked')}</span>`;
  if (r.expired) return html`<span class="badge badge--error">${tp(locale, 'passone.status.expired')}</span>`;
  return html`<span class="badge badge--warn">${tp(locale, 'passone.status.unused')}</span>`;
}

export function passOneListPage(
  locale: Locale,
  p: {
    csrf: string;
    rows: AccountListRow[];
    page: Page;
    query: Record<string, unknown>;
    filters: PassOneFilters;
    listed: ReadonlySet<string>;
    error?: string | undefined;
    issued: PassOneCodeListRow[];
    ttl: number;
    url: string;
  },
): SafeHtml {
  const table = dataTable(locale, {
    id: 'pass-one-students',
    columns: [
      { label: tp(locale, 'passone.col.username') },
      { label: tp(locale, 'passone.col.name') },
      { label: tp(locale, 'passone.col.gender') },
      { label: tp(locale, 'passone.col.titles') },
      { label: tp(locale, 'passone.col.identity') },
      { label: tp(locale, 'passone.col.created') },
      { label: tp(locale, 'passone.col.updated') },
      { label: '#' },
    ],
    rows: p.rows.map((r) => [
      r.username,
      r.name,
      genderLabel(locale, r.gender),
      r.titles.join('、'),
      identityLabel(locale, r.identityType),
      formatTime(r.createdAt),
      formatTime(r.updatedAt),
      p.listed.has(r.id)
        ? html`<span class="badge badge--ok">${tp(locale, 'passone.added')}</span>`
        : actionButton(p.csrf, {
            action: `${BASE}/list`,
            label: tp(locale, 'passone.add'),
            fields: { account_id: r.id },
          }),
    ]),
  });
  const issued =
    p.issued.length > 0
      ? html`<section class="admin-panel" aria-labelledby="pass-one-issued">
<h2 id="pass-one-issued">${tp(locale, 'passone.issued_heading')}</h2>
${dataTable(locale, {
  id: 'pass-one-issued-codes',
  columns: [
    { label: tp(locale, 'passone.col.username') },
    { label: tp(locale, 'passone.col.name') },
    { label: tp(locale, 'passone.col.issued_at') },
    { label: tp(locale, 'passone.col.expires_at') },
    { label: tp(locale, 'passone.col.status') },
    { label: tp(locale, 'passone.col.issued_by') },
  ],
  rows: p.issued.map((r) => [
    r.username,
    r.name,
    formatTime(r.createdAt),
    formatTime(r.expiresAt),
    statusBadge(locale, r),
    r.issuedByUsername,
  ]),
})}
</section>`
      : null;
  return html`${formError(locale, p.error)}
${listPanel(locale, p.listed.size)}
${filterBar(locale, {
  action: BASE,
  fields: [
    { name: 'username', label: tp(locale, 'passone.col.username'), value: p.filters.username },
    { name: 'name', label: tp(locale, 'passone.col.name'), value: p.filters.name },
  ],
})}
${table}
${pagination(locale, p.page, BASE, p.query)}
${issued}
${passOneUsage(locale, { ttl: p.ttl, url: p.url })}`;
}

export interface ListedStudent {
  id: string;
  username: string;
  name: string | null;
  gender: 'M' | 'F' | 'X' | null;
}

export function passOneConfirmPage(
  locale: Locale,
  p: { csrf: string; students: ListedStudent[]; error?: string | undefined; ttl: number; url: string },
): SafeHtml {
  const table = dataTable(locale, {
    id: 'pass-one-confirm',
    columns: [
      { label: tp(locale, 'passone.col.no'), numeric: true },
      { label: tp(locale, 'passone.col.username') },
      { label: tp(locale, 'passone.col.name') },
      { label: tp(locale, 'passone.col.gender') },
      { label: '#' },
    ],
    rows: p.students.map((s, i) => [
      i + 1,
      s.username,
      s.name,
      genderLabel(locale, s.gender),
      actionButton(p.csrf, {
        action: `${BASE}/list/remove`,
        label: tp(locale, 'passone.remove'),
        fields: { account_id: s.id },
      }),
    ]),
  });
  return html`${formError(locale, p.error)}
<p>${tp(locale, 'passone.confirm_intro')}</p>
${table}
${
  p.students.length > 0
    ? postForm(p.csrf, {
        action: `${BASE}/codes`,
        body: html`${p.students.map((s) => html`<input type="hidden" name="account_ids" value="${s.id}">`)}`,
        submit: tp(locale, 'passone.create'),
        className: 'admin-form pass-one-create',
      })
    : null
}
<p class="admin-form__actions"><a class="button button--secondary" href="${BASE}">${tp(locale, 'passone.back')}</a>
${p.students.length > 0 && actionButton(p.csrf, { action: `${BASE}/list/clear`, label: tp(locale, 'passone.clear'), danger: true })}</p>
${passOneUsage(locale, { ttl: p.ttl, url: p.url })}`;
}

export interface Slip {
  code: string;
  name: string | null;
}

/**
 * The slips: each holds its number, the code and how long it is valid, nothing else. The
 * numbers' key (name only) is a separate sheet the teacher keeps.
 */
export function passOneSlipsPage(
  locale: Locale,
  p: { slips: Slip[]; expiresAt: Date; ttl: number },
): SafeHtml {
  const minutes = minutesOf(p.ttl);
  const slips = p.slips.map(
    (s, i) => html`<li class="pass-one-slip">
<span class="pass-one-slip__no">${i + 1}</span>
<span class="pass-one-slip__code">${s.code}</span>
<span class="pass-one-slip__valid">${tp(locale, 'passone.slip_valid', { minutes })}</span>
</li>`,
  );
  return html`<div class="alert alert--warn no-print" role="status"><p class="alert__text">${tp(locale, 'passone.slips_intro')}</p></div>
<p class="no-print">${tp(locale, 'passone.slips_expires', { time: formatTime(p.expiresAt) })}</p>
<ol class="pass-one-slips" aria-label="${tp(locale, 'passone.slips_title')}">${slips}</ol>
<section class="pass-one-key" aria-labelledby="pass-one-key">
<h2 id="pass-one-key">${tp(locale, 'passone.key_heading')}</h2>
${dataTable(locale, {
  columns: [
    { label: tp(locale, 'passone.col.no'), numeric: true },
    { label: tp(locale, 'passone.col.name') },
  ],
  rows: p.slips.map((s, i) => [i + 1, s.name]),
})}
</section>
<p class="no-print"><a class="button button--secondary" href="${BASE}">${tp(locale, 'passone.back')}</a></p>`;
}
