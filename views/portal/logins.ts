/**
 * 紀錄 (/account/logins): the seeds' table (成功 系統 瀏覽器 設備 IP 位址 時間 最後更新 #)
 * with a filter per column in one GET form, "Reset filters", the page size and "1 - 10 / 23
 * (23)" with page links; and 操作紀錄 (/account/logins/:id). Everything is a link or a GET
 * form, so it is bookmarkable and works without JavaScript.
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { definitionList, type LoginRowView, loginTable, taipeiTime, timeCell } from './components.js';
import { type PortalLayoutProps, portalLayout } from './layout.js';
import { pt } from './messages.js';

export const LOGINS_PATH = '/account/logins';
export const PAGE_SIZES = [10, 25, 50] as const;

/** The filter as typed (strings from the query). */
export interface LoginsQuery {
  success: string;
  os: string;
  browser: string;
  device: string;
  ip: string;
  size: number;
  page: number;
}

export interface PortalLoginsProps extends Omit<PortalLayoutProps, 'section' | 'title' | 'body'> {
  query: LoginsQuery;
  facets: { os: string[]; browser: string[]; device: string[]; total: number };
  rows: LoginRowView[];
  /** records matching the filter */
  total: number;
}

/** The query string of a page of this listing (empty values left out). */
export function loginsHref(q: LoginsQuery, changes: Partial<LoginsQuery> = {}): string {
  const next = { ...q, ...changes };
  const params = new URLSearchParams();
  for (const key of ['success', 'os', 'browser', 'device', 'ip'] as const) {
    if (next[key]) params.set(key, next[key]);
  }
  if (next.size !== PAGE_SIZES[0]) params.set('size', String(next.size));
  if (next.page > 1) params.set('page', String(next.page));
  const s = params.toString();
  return s ? `${LOGINS_PATH}?${s}` : LOGINS_PATH;
}

function select(
  id: string,
  label: string,
  value: string,
  options: ReadonlyArray<{ value: string; label: string }>,
  anyLabel: string,
): SafeHtml {
  // a value typed into the URL that is not among the options still shows as selected
  const all =
    options.some((o) => o.value === value) || !value ? options : [...options, { value, label: value }];
  return html`<div class="filter-bar__field"><label for="${id}">${label}</label><select id="${id}" name="${id.replace('filter-', '')}"><option value="">${anyLabel}</option>${all.map(
    (o) => html`<option value="${o.value}"${o.value === value && html` selected`}>${o.label}</option>`,
  )}</select></div>`;
}

function filterForm(p: PortalLoginsProps): SafeHtml {
  const { locale, query: q, facets } = p;
  const any = pt(locale, 'portal.any');
  const opts = (values: string[]) => values.map((v) => ({ value: v, label: v }));
  const ipInvalid = p.error === 'portal.ip_invalid';
  return html`<form class="filter-bar" method="get" action="${LOGINS_PATH}" aria-label="${pt(locale, 'portal.filter_label')}">
${select(
  'filter-success',
  pt(locale, 'portal.col.success'),
  q.success,
  [
    { value: 'yes', label: pt(locale, 'portal.yes') },
    { value: 'no', label: pt(locale, 'portal.no') },
  ],
  any,
)}
${select('filter-os', pt(locale, 'portal.col.os'), q.os, opts(facets.os), any)}
${select('filter-browser', pt(locale, 'portal.col.browser'), q.browser, opts(facets.browser), any)}
${select('filter-device', pt(locale, 'portal.col.device'), q.device, opts(facets.device), any)}
<div class="filter-bar__field"><label for="filter-ip">${pt(locale, 'portal.col.ip')}</label><input id="filter-ip" name="ip" type="search" value="${q.ip}" maxlength="64" autocomplete="off" placeholder="203.0.113.0/24" aria-describedby="filter-ip-hint${ipInvalid ? ' form-error' : ''}"${ipInvalid && html` aria-invalid="true"`}><span class="field__hint" id="filter-ip-hint">${pt(locale, 'portal.ip_hint')}</span></div>
${select(
  'filter-size',
  pt(locale, 'portal.page_size'),
  String(q.size),
  PAGE_SIZES.map((s) => ({ value: String(s), label: String(s) })),
  String(PAGE_SIZES[0]),
)}
<div class="filter-bar__actions"><button type="submit" class="button button--primary">${pt(locale, 'portal.filter')}</button> <a class="filter-bar__reset link" href="${LOGINS_PATH}">${pt(locale, 'portal.reset_filters')}</a></div>
</form>`;
}

function pager(p: PortalLoginsProps): SafeHtml {
  const { locale, query: q, total } = p;
  const from = total === 0 ? 0 : (q.page - 1) * q.size + 1;
  const to = Math.min(q.page * q.size, total);
  const pages = Math.max(1, Math.ceil(total / q.size));
  // the first, the last and two either side of the current page
  const shown = [...new Set([1, q.page - 2, q.page - 1, q.page, q.page + 1, q.page + 2, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const links = shown.map((n, i) => {
    const gap = i > 0 && n - (shown[i - 1] ?? n) > 1 ? html`<span aria-hidden="true">…</span>` : null;
    return n === q.page
      ? html`${gap}<span class="pagination__current" aria-current="page">${n}</span>`
      : html`${gap}<a class="pagination__link" href="${loginsHref(q, { page: n })}">${n}</a>`;
  });
  const sizes = PAGE_SIZES.map((s) =>
    s === q.size
      ? html`<span class="pagination__current" aria-current="true">${s}</span>`
      : html`<a class="pagination__link" href="${loginsHref(q, { size: s, page: 1 })}">${s}</a>`,
  );
  return html`<nav class="pagination" aria-label="${pt(locale, 'portal.pages')}">
<span class="pagination__range">${from} - ${to} / ${total} (${p.facets.total})</span>
<span class="pagination__sizes">${pt(locale, 'portal.page_size')}: ${sizes}</span>
${q.page > 1 ? html`<a class="pagination__link" rel="prev" href="${loginsHref(q, { page: q.page - 1 })}">${pt(locale, 'portal.prev')}</a>` : null}
${links}
${q.page < pages ? html`<a class="pagination__link" rel="next" href="${loginsHref(q, { page: q.page + 1 })}">${pt(locale, 'portal.next')}</a>` : null}
</nav>`;
}

export function portalLoginsPage(p: PortalLoginsProps): string {
  const { locale } = p;
  const body = html`${filterForm(p)}
${pager(p)}
${loginTable(locale, p.rows, pt(locale, 'portal.table_caption'))}
${pager(p)}`;
  return portalLayout({ ...p, section: 'logins', title: pt(locale, 'portal.logins_title'), body });
}

export interface SessionEventView {
  at: Date;
  type: string;
  clientName: string | null;
  detail: string | null;
}

export interface PortalLoginDetailProps extends Omit<PortalLayoutProps, 'section' | 'title' | 'body'> {
  login: LoginRowView & { method: string; clientName: string | null };
  events: SessionEventView[];
}

function eventLabel(locale: Locale, type: string): string {
  return type === 'login' || type === 'authorize' || type === 'token' || type === 'logout'
    ? pt(locale, `portal.event.${type}`)
    : type;
}

export function portalLoginDetailPage(p: PortalLoginDetailProps): string {
  const { locale, login } = p;
  const yesNo = pt(locale, login.success ? 'portal.yes' : 'portal.no');
  const events = p.events.length
    ? html`<div class="table-wrap"><table class="data-table"><caption>${pt(locale, 'portal.detail_events')}</caption>
<thead><tr><th scope="col">${pt(locale, 'portal.col.time')}</th><th scope="col">${pt(locale, 'portal.col.event')}</th><th scope="col">${pt(locale, 'portal.col.client')}</th><th scope="col">${pt(locale, 'portal.col.detail')}</th></tr></thead>
<tbody>${p.events.map((e) => html`<tr><td>${timeCell(e.at)}</td><td>${eventLabel(locale, e.type)}</td><td>${e.clientName ?? pt(locale, 'portal.unknown')}</td><td>${e.detail === 'signed_out_by_user' ? pt(locale, 'portal.detail.signed_out_by_user') : (e.detail ?? '')}</td></tr>`)}</tbody></table></div>`
    : html`<p class="help">${pt(locale, 'portal.detail_no_events')}</p>`;
  const body = html`<p class="help">${pt(locale, 'portal.operations_of', { time: taipeiTime(login.createdAt) })}</p>
<section class="portal__section" aria-labelledby="this-login"><h2 id="this-login">${pt(locale, 'portal.detail_login')}</h2>
${definitionList([
  [pt(locale, 'portal.col.success'), yesNo],
  [pt(locale, 'portal.col.method'), login.method],
  [pt(locale, 'portal.col.client'), login.clientName ?? pt(locale, 'portal.unknown')],
  [pt(locale, 'portal.col.os'), login.os ?? pt(locale, 'portal.unknown')],
  [pt(locale, 'portal.col.browser'), login.browser ?? pt(locale, 'portal.unknown')],
  [pt(locale, 'portal.col.device'), login.device ?? pt(locale, 'portal.unknown')],
  [pt(locale, 'portal.col.ip'), login.ip ?? pt(locale, 'portal.unknown')],
  [pt(locale, 'portal.col.time'), timeCell(login.createdAt)],
  [pt(locale, 'portal.col.last_activity'), timeCell(login.lastActivityAt)],
])}</section>
<section class="portal__section" aria-labelledby="events"><h2 id="events">${pt(locale, 'portal.detail_events')}</h2>
${events}</section>
<p><a class="link" href="${LOGINS_PATH}">${pt(locale, 'portal.back_to_logins')}</a></p>`;
  return portalLayout({ ...p, section: 'logins', title: pt(locale, 'portal.detail_title'), body });
}
