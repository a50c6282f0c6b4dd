/**
 * 登入紀錄 for admins: login records within the admin's scope, with filters (account, school,
 * client, method, success, IP or CIDR, period), a capped count ("10,000+"), keyset
 * previous/next links (plain GET links, bookmarkable) and a CSV export of the same filters.
 * The CSV is made here too: UTF-8 with a BOM (Excel), every cell quoted, and cells that a
 * spreadsheet would run as a formula (= + - @ tab CR) prefixed with an apostrophe.
 */
import { safeHref } from '../fragments.js';
import { html, type SafeHtml } from '../html.js';
import { t as hostedT, isMessageKey, type Locale } from '../i18n.js';
import { formatTime } from './audit.js';
import { tc } from './common.js';
import { dataTable, formError } from './components.js';
import { defineMessages } from './messages.js';

export const tl = defineMessages(
  {
    'login_records.at': '時間',
    'login_records.account': '帳號',
    'login_records.account_hint': '帳號或帳號 ID',
    'login_records.school': '學校',
    'login_records.no_school': '（無學校／未知帳號）',
    'login_records.client': '服務',
    'login_records.method': '登入方式',
    'login_records.success': '成功',
    'login_records.success_yes': '成功',
    'login_records.success_no': '失敗',
    'login_records.failure_reason': '失敗原因',
    'login_records.ip': 'IP 位址',
    'login_records.ip_hint': '單一位址或網段（CIDR），例如 163.20.0.0/16、2001:288::/32',
    'login_records.os': '系統',
    'login_records.browser': '瀏覽器',
    'login_records.device': '設備',
    'login_records.session': '工作階段',
    'login_records.from': '起始時間',
    'login_records.to': '結束時間',
    'login_records.count': '共 {count} 筆',
    'login_records.count_capped': '超過 {count} 筆',
    'login_records.export': '匯出 CSV',
    'login_records.newer': '較新',
    'login_records.older': '較舊',
    'login_records.first': '最新',
    'login_records.ip_invalid': 'IP 位址或網段格式不正確，例如 163.20.1.2、163.20.0.0/16 或 2001:288::/32。',
    'login_records.time_invalid': '時間格式不正確，請輸入 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM（臺灣時間）。',
    'login_records.range_invalid': '起始時間不可晚於結束時間。',
    'login_records.cursor_invalid': '分頁連結已失效，請從第一頁重新查詢。',
    'login_records.filter_invalid': '篩選條件不正確，請檢查後再試一次。',
    'login_records.method.password': '帳號密碼',
    'login_records.method.passkey': '通行金鑰',
    'login_records.method.pass-one': '一次登入',
    'login_records.method.fido': '行動自然人憑證',
    'login_records.method.certificate': '自然人憑證',
  },
  {
    'login_records.at': 'Time',
    'login_records.account': 'Account',
    'login_records.account_hint': 'Username or account ID',
    'login_records.school': 'School',
    'login_records.no_school': '(no school / unknown username)',
    'login_records.client': 'Service',
    'login_records.method': 'Method',
    'login_records.success': 'Success',
    'login_records.success_yes': 'Success',
    'login_records.success_no': 'Failed',
    'login_records.failure_reason': 'Failure reason',
    'login_records.ip': 'IP address',
    'login_records.ip_hint': 'An address or a network (CIDR), e.g. 163.20.0.0/16, 2001:288::/32',
    'login_records.os': 'System',
    'login_records.browser': 'Browser',
    'login_records.device': 'Device',
    'login_records.session': 'Session',
    'login_records.from': 'From',
    'login_records.to': 'To',
    'login_records.count': '{count} records',
    'login_records.count_capped': 'More than {count} records',
    'login_records.export': 'Export CSV',
    'login_records.newer': 'Newer',
    'login_records.older': 'Older',
    'login_records.first': 'Newest',
    'login_records.ip_invalid':
      'Enter an IP address or a network in CIDR form, e.g. 163.20.1.2, 163.20.0.0/16 or 2001:288::/32.',
    'login_records.time_invalid': 'Enter times as YYYY-MM-DD or YYYY-MM-DDTHH:MM (Taiwan time).',
    'login_records.range_invalid': 'The start of the period must not be after its end.',
    'login_records.cursor_invalid': 'This page link is no longer valid. Start again from the first page.',
    'login_records.filter_invalid': 'A filter is not valid. Please check it and try again.',
    'login_records.method.password': 'Password',
    'login_records.method.passkey': 'Passkey',
    'login_records.method.pass-one': 'passOne',
    'login_records.method.fido': 'Mobile citizen certificate',
    'login_records.method.certificate': 'Citizen certificate',
  },
);

export const LOGIN_METHODS = ['password', 'passkey', 'pass-one', 'fido', 'certificate'] as const;

function methodLabel(locale: Locale, method: string): string {
  return (LOGIN_METHODS as readonly string[]).includes(method)
    ? tl(locale, `login_records.method.${method as (typeof LOGIN_METHODS)[number]}`)
    : method;
}

/** A failure code in words when a catalogue knows it (password.invalid_credentials …). */
function reasonLabel(locale: Locale, code: string | null): string {
  if (!code) return '';
  return isMessageKey(code) ? hostedT(locale, code) : code;
}

export interface LoginRecordView {
  id: string;
  createdAt: Date;
  username: string | null;
  accountName: string | null;
  schoolName: string | null;
  clientId: string | null;
  clientName: string | null;
  method: string;
  success: boolean;
  failureReason: string | null;
  ip: string | null;
  os: string | null;
  browser: string | null;
  device: string | null;
  sessionId: string | null;
}

export interface LoginRecordFilterValues {
  account?: string | undefined;
  school?: string | undefined;
  client?: string | undefined;
  method?: string | undefined;
  success?: string | undefined;
  ip?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  size?: string | undefined;
}

export interface Choice {
  value: string;
  label: string;
}

export const PAGE_SIZES = [10, 25, 50, 100] as const;

function filterForm(
  locale: Locale,
  p: {
    values: LoginRecordFilterValues;
    schools: Choice[];
    clients: Choice[];
    noSchoolOption: boolean;
  },
): SafeHtml {
  const v = p.values;
  const input = (name: keyof LoginRecordFilterValues, label: string, type = 'search', hint?: string) => {
    const id = `filter-${name}`;
    return html`<div class="filter-bar__field"><label for="${id}">${label}</label><input id="${id}" name="${name}" type="${type}" value="${v[name] ?? ''}" autocomplete="off"${hint && html` title="${hint}" placeholder="${hint}"`}></div>`;
  };
  const select = (name: keyof LoginRecordFilterValues, label: string, options: Choice[]) => {
    const id = `filter-${name}`;
    return html`<div class="filter-bar__field"><label for="${id}">${label}</label><select id="${id}" name="${name}"><option value="">${tc(locale, 'filter.any')}</option>${options.map(
      (o) => html`<option value="${o.value}"${o.value === v[name] && html` selected`}>${o.label}</option>`,
    )}</select></div>`;
  };
  const schools = p.noSchoolOption
    ? [...p.schools, { value: 'none', label: tl(locale, 'login_records.no_school') }]
    : p.schools;
  const size = PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }));
  return html`<form class="filter-bar" method="get" action="/admin/login-records">
${input('account', tl(locale, 'login_records.account'), 'search', tl(locale, 'login_records.account_hint'))}
${select('school', tl(locale, 'login_records.school'), schools)}
${select('client', tl(locale, 'login_records.client'), p.clients)}
${select(
  'method',
  tl(locale, 'login_records.method'),
  LOGIN_METHODS.map((m) => ({ value: m, label: methodLabel(locale, m) })),
)}
${select('success', tl(locale, 'login_records.success'), [
  { value: 'true', label: tl(locale, 'login_records.success_yes') },
  { value: 'false', label: tl(locale, 'login_records.success_no') },
])}
${input('ip', tl(locale, 'login_records.ip'), 'search', tl(locale, 'login_records.ip_hint'))}
${input('from', tl(locale, 'login_records.from'), 'datetime-local')}
${input('to', tl(locale, 'login_records.to'), 'datetime-local')}
<div class="filter-bar__field"><label for="filter-size">${tc(locale, 'pagination.size')}</label><select id="filter-size" name="size">${size.map(
    (o) =>
      html`<option value="${o.value}"${o.value === (v.size ?? '25') && html` selected`}>${o.label}</option>`,
  )}</select></div>
<div class="filter-bar__actions"><button type="submit" class="button button--small">${tc(locale, 'filter.submit')}</button> <a class="filter-bar__reset" href="/admin/login-records">${tc(locale, 'filter.reset')}</a></div>
</form>`;
}

export function loginRecordsPage(
  locale: Locale,
  p: {
    rows: LoginRecordView[];
    values: LoginRecordFilterValues;
    schools: Choice[];
    clients: Choice[];
    noSchoolOption: boolean;
    count?: { count: number; capped: boolean } | undefined;
    /** hrefs of the keyset links, when such pages exist */
    newerHref?: string | undefined;
    olderHref?: string | undefined;
    firstHref?: string | undefined;
    exportHref?: string | undefined;
    error?: string | undefined;
  },
): SafeHtml {
  const table = dataTable(locale, {
    id: 'login-records',
    columns: [
      { label: tl(locale, 'login_records.at') },
      { label: tl(locale, 'login_records.account') },
      { label: tl(locale, 'login_records.school') },
      { label: tl(locale, 'login_records.client') },
      { label: tl(locale, 'login_records.method') },
      { label: tl(locale, 'login_records.success') },
      { label: tl(locale, 'login_records.ip') },
      { label: tl(locale, 'login_records.os') },
      { label: tl(locale, 'login_records.browser') },
      { label: tl(locale, 'login_records.device') },
      { label: tl(locale, 'login_records.session') },
    ],
    rows: p.rows.map((r) => [
      html`<span class="nowrap">${formatTime(r.createdAt)}</span>`,
      r.username &&
        html`<span class="nowrap">${r.username}</span>${r.accountName && r.accountName !== r.username ? html`<br>${r.accountName}` : null}`,
      r.schoolName,
      r.clientName ?? r.clientId,
      methodLabel(locale, r.method),
      r.success
        ? html`<span class="badge badge--ok">${tl(locale, 'login_records.success_yes')}</span>`
        : html`<span class="badge badge--error">${tl(locale, 'login_records.success_no')}</span>${r.failureReason && html`<br><span title="${r.failureReason}">${reasonLabel(locale, r.failureReason)}</span>`}`,
      r.ip && html`<code>${r.ip}</code>`,
      r.os,
      r.browser,
      r.device,
      r.sessionId && html`<code class="audit-id">${r.sessionId.slice(0, 8)}</code>`,
    ]),
  });
  const count =
    p.count &&
    tl(locale, p.count.capped ? 'login_records.count_capped' : 'login_records.count', {
      count: p.count.count.toLocaleString('en-US'),
    });
  const link = (href: string | undefined, rel: string, label: string) =>
    href ? html`<a class="pagination__link" rel="${rel}" href="${safeHref(href) ?? '#'}">${label}</a>` : null;
  const nav = html`<nav class="pagination" aria-label="${tc(locale, 'pagination.label')}">
<span class="pagination__range" id="login-records-count">${count ?? ''}</span>
${link(p.firstHref, 'first', tl(locale, 'login_records.first'))}
${link(p.newerHref, 'prev', `${tc(locale, 'pagination.prev')}（${tl(locale, 'login_records.newer')}）`)}
${link(p.olderHref, 'next', `${tc(locale, 'pagination.next')}（${tl(locale, 'login_records.older')}）`)}
${p.exportHref ? html`<a class="button button--small button--secondary" id="login-records-export" href="${safeHref(p.exportHref) ?? '#'}" download>${tl(locale, 'login_records.export')}</a>` : null}
</nav>`;
  return html`${formError(locale, p.error)}
${filterForm(locale, p)}
${nav}
${table}`;
}

// --- CSV ---

/** A cell a spreadsheet will not run: formulas neutralised, quotes doubled, always quoted. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const csvLine = (cells: Array<string | number | boolean | null | undefined>) =>
  `${cells.map(csvCell).join(',')}\r\n`;

export interface LoginRecordCsvRow extends LoginRecordView {
  accountId: string | null;
  schoolId: string | null;
}

/** The CSV, line by line: a BOM and the header first, then one line per record. */
export async function* loginRecordsCsv(
  locale: Locale,
  batches: AsyncIterable<LoginRecordCsvRow[]>,
): AsyncGenerator<string> {
  yield `\uFEFF${csvLine([
    tl(locale, 'login_records.at'),
    tl(locale, 'login_records.account'),
    'account_id',
    tl(locale, 'login_records.school'),
    tl(locale, 'login_records.client'),
    tl(locale, 'login_records.method'),
    tl(locale, 'login_records.success'),
    tl(locale, 'login_records.failure_reason'),
    tl(locale, 'login_records.ip'),
    tl(locale, 'login_records.os'),
    tl(locale, 'login_records.browser'),
    tl(locale, 'login_records.device'),
    tl(locale, 'login_records.session'),
  ])}`;
  for await (const batch of batches) {
    yield batch
      .map((r) =>
        csvLine([
          formatTime(r.createdAt),
          r.username,
          r.accountId,
          r.schoolName,
          r.clientId,
          r.method,
          r.success ? 'true' : 'false',
          r.failureReason,
          r.ip,
          r.os,
          r.browser,
          r.device,
          r.sessionId,
        ]),
      )
      .join('');
  }
}
