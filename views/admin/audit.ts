/**
 * 稽核紀錄: the audit log of admin operations for county admins, with filters (actor, action,
 * target, dates), pagination, and each entry's before/after as indented JSON (escaped).
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { tc } from './common.js';
import { dataTable, formError, type Page, pagination } from './components.js';
import { defineMessages } from './messages.js';

export const ta = defineMessages(
  {
    'audit.at': '時間',
    'audit.actor': '操作者',
    'audit.ip': 'IP 位址',
    'audit.via': '途徑',
    'audit.action': '動作',
    'audit.action_hint': '可只填開頭，例如 school.',
    'audit.target_type': '目標類型',
    'audit.target_id': '目標 ID',
    'audit.org': '單位',
    'audit.change': '變更內容',
    'audit.before': '變更前',
    'audit.after': '變更後',
    'audit.show': '顯示',
    'audit.from': '起日',
    'audit.to': '迄日',
    'audit.date_invalid': '日期格式不正確，請輸入 YYYY-MM-DD（例如 2026-09-01）。',
    'audit.via.console': '管理後台',
    'audit.via.api': 'API',
    'audit.via.cli': '命令列',
    'audit.via.public': '公開頁面',
  },
  {
    'audit.at': 'Time',
    'audit.actor': 'Actor',
    'audit.ip': 'IP address',
    'audit.via': 'Via',
    'audit.action': 'Action',
    'audit.action_hint': 'Or its beginning, e.g. school.',
    'audit.target_type': 'Target type',
    'audit.target_id': 'Target ID',
    'audit.org': 'Organisation',
    'audit.change': 'Change',
    'audit.before': 'Before',
    'audit.after': 'After',
    'audit.show': 'Show',
    'audit.from': 'From',
    'audit.to': 'To',
    'audit.date_invalid': 'Enter dates as YYYY-MM-DD (e.g. 2026-09-01).',
    'audit.via.console': 'Console',
    'audit.via.api': 'API',
    'audit.via.cli': 'Command line',
    'audit.via.public': 'Public page',
  },
);

const timeFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Taipei',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 2026-09-01 08:30:05 in Taiwan time, as the seeds' tables show times. */
export function formatTime(d: Date): string {
  return timeFormat.format(d);
}

export interface AuditRow {
  id: number;
  at: Date;
  actorUsername: string | null;
  actorIp: string | null;
  via: 'console' | 'api' | 'cli' | 'public';
  action: string;
  targetType: string;
  targetId: string | null;
  orgName: string | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilterValues {
  actor?: string | undefined;
  action?: string | undefined;
  target_type?: string | undefined;
  target_id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

function change(locale: Locale, r: AuditRow): SafeHtml | string {
  if (r.before == null && r.after == null) return '—';
  const block = (label: string, value: unknown) =>
    value == null
      ? null
      : html`<p class="audit-change__label">${label}</p><pre class="audit-change__json">${JSON.stringify(value, null, 2)}</pre>`;
  return html`<details class="audit-change"><summary>${ta(locale, 'audit.show')}</summary>${block(ta(locale, 'audit.before'), r.before)}${block(ta(locale, 'audit.after'), r.after)}</details>`;
}

/** The filter row, like filterBar() but with date inputs for the period. */
function filterForm(locale: Locale, values: AuditFilterValues): SafeHtml {
  const input = (name: keyof AuditFilterValues, label: string, type = 'search', hint?: string) => {
    const id = `filter-${name}`;
    return html`<div class="filter-bar__field"><label for="${id}">${label}</label><input id="${id}" name="${name}" type="${type}" value="${values[name] ?? ''}" autocomplete="off"${type === 'date' && html` placeholder="YYYY-MM-DD"`}${hint && html` title="${hint}"`}></div>`;
  };
  return html`<form class="filter-bar" method="get" action="/admin/audit">
${input('actor', ta(locale, 'audit.actor'))}
${input('action', ta(locale, 'audit.action'), 'search', ta(locale, 'audit.action_hint'))}
${input('target_type', ta(locale, 'audit.target_type'))}
${input('target_id', ta(locale, 'audit.target_id'))}
${input('from', ta(locale, 'audit.from'), 'date')}
${input('to', ta(locale, 'audit.to'), 'date')}
<div class="filter-bar__actions"><button type="submit" class="button button--small">${tc(locale, 'filter.submit')}</button> <a class="filter-bar__reset" href="/admin/audit">${tc(locale, 'filter.reset')}</a></div>
</form>`;
}

export function auditPage(
  locale: Locale,
  p: {
    rows: AuditRow[];
    page: Page;
    query: Record<string, unknown>;
    filter: AuditFilterValues;
    error?: string;
  },
): SafeHtml {
  const table = dataTable(locale, {
    id: 'audit',
    columns: [
      { label: ta(locale, 'audit.at') },
      { label: ta(locale, 'audit.actor') },
      { label: ta(locale, 'audit.ip') },
      { label: ta(locale, 'audit.via') },
      { label: ta(locale, 'audit.action') },
      { label: ta(locale, 'audit.target_type') },
      { label: ta(locale, 'audit.target_id') },
      { label: ta(locale, 'audit.org') },
      { label: ta(locale, 'audit.change') },
    ],
    rows: p.rows.map((r) => [
      html`<span class="nowrap">${formatTime(r.at)}</span>`,
      r.actorUsername,
      r.actorIp,
      ta(locale, `audit.via.${r.via}`),
      html`<code>${r.action}</code>`,
      r.targetType,
      r.targetId && html`<code class="audit-id">${r.targetId}</code>`,
      r.orgName,
      change(locale, r),
    ]),
  });
  return html`${formError(locale, p.error)}
${filterForm(locale, p.filter)}
${table}
${pagination(locale, p.page, '/admin/audit', p.query)}`;
}
