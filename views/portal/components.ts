/**
 * Pieces the portal pages share: Taipei-time formatting as the seeds show it
 * (2020-02-12 13:10:10), the 紀錄 table rows, and small definition lists.
 */
import { html, type SafeHtml } from '../html.js';
import type { Locale } from '../i18n.js';
import { pt } from './messages.js';

export interface LoginRowView {
  id: string;
  success: boolean;
  os: string | null;
  browser: string | null;
  device: string | null;
  ip: string | null;
  createdAt: Date;
  lastActivityAt: Date | null;
}

const FORMAT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Taipei',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 2026-11-23 14:05:09 in Taiwan time, whatever the server's zone. */
export function taipeiTime(at: Date): string {
  return FORMAT.format(at);
}

export function timeCell(at: Date | null): SafeHtml {
  return at ? html`<time datetime="${at.toISOString()}">${taipeiTime(at)}</time>` : html``;
}

const text = (locale: Locale, v: string | null) => v ?? pt(locale, 'portal.unknown');

export function loginCells(locale: Locale, r: LoginRowView): SafeHtml {
  return html`<td>${r.success ? html`<span class="badge badge--ok">${pt(locale, 'portal.yes')}</span>` : html`<span class="badge badge--error">${pt(locale, 'portal.no')}</span>`}</td>
<td>${text(locale, r.os)}</td><td>${text(locale, r.browser)}</td><td>${text(locale, r.device)}</td><td>${text(locale, r.ip)}</td>
<td>${timeCell(r.createdAt)}</td><td>${timeCell(r.lastActivityAt)}</td>`;
}

export function loginHeaderCells(locale: Locale): SafeHtml {
  return html`<th scope="col">${pt(locale, 'portal.col.success')}</th><th scope="col">${pt(locale, 'portal.col.os')}</th><th scope="col">${pt(locale, 'portal.col.browser')}</th><th scope="col">${pt(locale, 'portal.col.device')}</th><th scope="col">${pt(locale, 'portal.col.ip')}</th><th scope="col">${pt(locale, 'portal.col.time')}</th><th scope="col">${pt(locale, 'portal.col.last_activity')}</th><th scope="col">${pt(locale, 'portal.col.actions')}</th>`;
}

/** The 紀錄 table: one row per login with its 操作紀錄 link. */
export function loginTable(locale: Locale, rows: readonly LoginRowView[], caption: string): SafeHtml {
  const body = rows.length
    ? rows.map(
        (r) =>
          html`<tr>${loginCells(locale, r)}<td><a class="link" href="/account/logins/${r.id}">${pt(locale, 'portal.operations')}</a></td></tr>`,
      )
    : html`<tr><td class="data-table__empty" colspan="8">${pt(locale, 'portal.no_logins')}</td></tr>`;
  return html`<div class="table-wrap"><table class="data-table"><caption>${caption}</caption>
<thead><tr>${loginHeaderCells(locale)}</tr></thead>
<tbody>${body}</tbody></table></div>`;
}

export function definitionList(rows: ReadonlyArray<[string, SafeHtml | string]>): SafeHtml {
  return html`<dl class="record">${rows.map(([k, v]) => html`<div class="record__row"><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}
