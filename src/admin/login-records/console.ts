/** Console pages of 登入紀錄: /admin/login-records and its CSV export /admin/login-records.csv. */
import { Readable } from 'node:stream';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { tc } from '../../../views/admin/common.js';
import {
  type Choice,
  type LoginRecordFilterValues,
  loginRecordsCsv,
  loginRecordsPage,
  PAGE_SIZES,
} from '../../../views/admin/login-records.js';
import { isAppError } from '../../errors.js';
import { isCountyAdmin } from '../../services/admin/policy.js';
import {
  encodeLoginRecordCursor,
  type LoginRecordSearch,
  parseLoginRecordFilter,
  parseLoginRecordPage,
} from '../../services/login-record-search.js';
import { actorOf, localeOf, sendAdminPage } from '../console.js';
import { queryText } from '../schools/form.js';

const FILTERS = ['account', 'school', 'client', 'method', 'success', 'ip', 'from', 'to'] as const;

function filterValues(ctx: Context): LoginRecordFilterValues {
  const values: LoginRecordFilterValues = {};
  for (const name of FILTERS) values[name] = queryText(ctx, name);
  const size = queryText(ctx, 'size');
  values.size = PAGE_SIZES.some((n) => String(n) === size) ? size : '25';
  return values;
}

/** The filters as query parameters (empty ones left out), plus extras. */
function hrefWith(path: string, values: LoginRecordFilterValues, extra: Record<string, string> = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) params.set(k, v);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

/** Content-Disposition for a download: an ASCII name (RFC 6266). */
function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}

export function exportFileName(now = new Date()): string {
  return `login-records-${now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.csv`;
}

/** Streams the CSV of these batches: text/csv with a BOM, never held in memory whole. */
export function sendCsv(ctx: Context, batches: Parameters<typeof loginRecordsCsv>[1]): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Content-Disposition', attachment(exportFileName()));
  ctx.type = 'text/csv; charset=utf-8';
  ctx.body = Readable.from(loginRecordsCsv(localeOf(ctx), batches));
}

export function mountLoginRecordsConsole(
  router: Router,
  search: LoginRecordSearch,
  clients: () => Promise<Array<{ clientId: string; name: string }>>,
): void {
  router.get('/admin/login-records', async (ctx) => {
    const actor = actorOf(ctx);
    const locale = localeOf(ctx);
    const values = filterValues(ctx);
    const [schools, clientList] = await Promise.all([search.schoolChoices(actor), clients()]);
    const base = {
      values,
      schools: schools.map((s): Choice => ({ value: s.id, label: `${s.code} ${s.name}` })),
      clients: clientList.map((c): Choice => ({ value: c.clientId, label: c.name })),
      noSchoolOption: isCountyAdmin(actor),
    };
    const send = (body: Parameters<typeof loginRecordsPage>[1], status = 200) =>
      sendAdminPage(ctx, {
        title: tc(locale, 'menu.login_records'),
        status,
        body: loginRecordsPage(locale, body),
      });
    try {
      const filter = parseLoginRecordFilter(ctx.query);
      const page = parseLoginRecordPage({
        before: ctx.query.before,
        after: ctx.query.after,
        limit: Number(values.size),
      });
      const [result, count] = await Promise.all([
        search.search(actor, filter, page),
        search.count(actor, filter),
      ]);
      const paged = !!(page.before || page.after);
      // the OP's own clients (console, account pages) are not in the clients table
      const clientNames = new Map(clientList.map((c) => [c.clientId, c.name]));
      send({
        ...base,
        rows: result.rows.map((r) => ({
          ...r,
          clientName: r.clientName ?? (r.clientId ? (clientNames.get(r.clientId) ?? null) : null),
        })),
        count,
        newerHref: result.prev
          ? hrefWith('/admin/login-records', values, { after: encodeLoginRecordCursor(result.prev) })
          : undefined,
        olderHref: result.next
          ? hrefWith('/admin/login-records', values, { before: encodeLoginRecordCursor(result.next) })
          : undefined,
        firstHref: paged ? hrefWith('/admin/login-records', values) : undefined,
        exportHref: hrefWith('/admin/login-records.csv', { ...values, size: undefined }),
      });
    } catch (err) {
      // a filter the admin can fix (bad CIDR, reversed period, a school or account out of
      // scope) re-renders the form with what was typed and the message
      if (!isAppError(err) || !err.expose) throw err;
      send({ ...base, rows: [], error: err.code }, err.status);
    }
  });

  router.get('/admin/login-records.csv', async (ctx) => {
    const actor = actorOf(ctx);
    const filter = parseLoginRecordFilter(ctx.query);
    sendCsv(ctx, await search.export(actor, filter));
  });
}
