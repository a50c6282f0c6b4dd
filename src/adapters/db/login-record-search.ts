/**
 * Admin queries over login_records at tens of millions of rows: filters, keyset pages in
 * (created_at DESC, id DESC) order, capped counts and batched export.
 *
 * Every filter that scopes by organisation becomes one branch per school, per county and one
 * for records of no school, each an ordered scan of its own (x, created_at DESC, id DESC)
 * index that stops after LIMIT rows; the branches are merged and cut to the page. A single
 * `school_id = ANY(70 ids)` could not use the index order and would sort every match.
 *
 * Cursors carry the timestamp in whole microseconds (Postgres' precision): a JavaScript Date
 * would round away microseconds and a page boundary could then skip or repeat records.
 */
import type { DbOrTx } from '../db.js';

export interface LoginRecordQuery {
  accountId?: string;
  /** the username as typed (failed attempts with unknown usernames) */
  username?: string;
  /** records of accounts whose primary school (at the login) is one of these */
  schoolIds?: readonly string[];
  /** records of accounts at a school of one of these counties */
  countyIds?: readonly string[];
  /** records of no school: unknown usernames and accounts at no school */
  unassigned?: boolean;
  clientId?: string;
  method?: string;
  success?: boolean;
  /** an address or a CIDR, v4 or v6 (validated by the caller) */
  ip?: string;
  /** inclusive */
  from?: Date;
  /** exclusive */
  to?: Date;
}

/** A position in (created_at DESC, id DESC) order; createdAtUs is microseconds since the epoch. */
export interface LoginRecordCursor {
  createdAtUs: number;
  id: string;
}

export interface AdminLoginRecordRow {
  id: string;
  createdAt: Date;
  createdAtUs: number;
  accountId: string | null;
  username: string | null;
  accountName: string | null;
  schoolId: string | null;
  schoolName: string | null;
  countyId: string | null;
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

export interface LoginRecordPage {
  rows: AdminLoginRecordRow[];
  /** older records exist: pass as `before` */
  next: LoginRecordCursor | null;
  /** newer records exist: pass as `after` */
  prev: LoginRecordCursor | null;
}

const CURSOR = /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export function encodeLoginRecordCursor(c: LoginRecordCursor): string {
  return `${c.createdAtUs}.${c.id}`;
}

export function decodeLoginRecordCursor(value: string): LoginRecordCursor | undefined {
  const m = CURSOR.exec(value);
  return m ? { createdAtUs: Number(m[1]), id: (m[2] as string).toLowerCase() } : undefined;
}

type Binding = string | number | boolean | Date | readonly string[];

interface Where {
  sql: string[];
  bindings: Binding[];
}

const TS_OF_US = "('epoch'::timestamptz + ?::bigint * interval '1 microsecond')";

/** The conditions every branch shares (not the organisation scope). */
function commonWhere(q: LoginRecordQuery): Where {
  const w: Where = { sql: [], bindings: [] };
  const add = (sql: string, ...b: Binding[]) => {
    w.sql.push(sql);
    w.bindings.push(...b);
  };
  if (q.accountId !== undefined) add('account_id = ?', q.accountId);
  if (q.username !== undefined) add('username = ?', q.username);
  if (q.clientId !== undefined) add('client_id = ?', q.clientId);
  if (q.method !== undefined) add('method = ?', q.method);
  if (q.success !== undefined) add('success = ?', q.success);
  if (q.ip !== undefined) {
    // an address is an equality (ordered by the (ip, created_at) index); a network a range
    if (q.ip.includes('/')) add('ip <<= ?::inet', q.ip);
    else add('ip = ?::inet', q.ip);
  }
  if (q.from !== undefined) add('created_at >= ?', q.from);
  if (q.to !== undefined) add('created_at < ?', q.to);
  return w;
}

/** One WHERE per organisation branch; [''] (no extra condition) when the query is not scoped. */
function branches(q: LoginRecordQuery): Where[] {
  const schoolIds = [...new Set(q.schoolIds ?? [])];
  const countyIds = [...new Set(q.countyIds ?? [])];
  if (q.schoolIds === undefined && q.countyIds === undefined && !q.unassigned) {
    return [{ sql: [], bindings: [] }];
  }
  const out: Where[] = schoolIds.map((id) => ({ sql: ['school_id = ?'], bindings: [id] }));
  for (const id of countyIds) {
    // a school listed on its own is already a branch: never the same record twice
    out.push(
      schoolIds.length > 0
        ? { sql: ['county_id = ?', 'school_id <> ALL(?::uuid[])'], bindings: [id, schoolIds] }
        : { sql: ['county_id = ?', 'school_id IS NOT NULL'], bindings: [id] },
    );
  }
  if (q.unassigned) out.push({ sql: ['school_id IS NULL'], bindings: [] });
  return out;
}

function whereClause(parts: Where[]): { sql: string; bindings: Binding[] } {
  const sql = parts.flatMap((p) => p.sql);
  return {
    sql: sql.length ? `WHERE ${sql.join(' AND ')}` : '',
    bindings: parts.flatMap((p) => p.bindings),
  };
}

const COLUMNS = `id, created_at, (extract(epoch FROM created_at) * 1000000)::bigint AS created_at_us,
  account_id, username, school_id, county_id, client_id, method, success, failure_reason, ip,
  os, browser, device, session_id`;

interface Row {
  id: string;
  created_at: Date;
  created_at_us: number | string;
  account_id: string | null;
  username: string | null;
  account_name: string | null;
  school_id: string | null;
  school_name: string | null;
  county_id: string | null;
  client_id: string | null;
  client_name: string | null;
  method: string;
  success: boolean;
  failure_reason: string | null;
  ip: string | null;
  os: string | null;
  browser: string | null;
  device: string | null;
  session_id: string | null;
}

const fromRow = (r: Row): AdminLoginRecordRow => ({
  id: r.id,
  createdAt: r.created_at,
  createdAtUs: Number(r.created_at_us),
  accountId: r.account_id,
  username: r.username,
  accountName: r.account_name,
  schoolId: r.school_id,
  schoolName: r.school_name,
  countyId: r.county_id,
  clientId: r.client_id,
  clientName: r.client_name,
  method: r.method,
  success: r.success,
  failureReason: r.failure_reason,
  ip: r.ip,
  os: r.os,
  browser: r.browser,
  device: r.device,
  sessionId: r.session_id,
});

/**
 * The time span of login_records' monthly partitions, [from, to): read from the catalogue on
 * every query, since maintenance adds months ahead and retention drops old ones.
 */
async function monthlySpan(db: DbOrTx): Promise<{ from: Date; to: Date } | undefined> {
  const { rows } = await db.raw(
    `SELECT min((regexp_match(b, 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz) AS from_at,
            max((regexp_match(b, 'TO \\(''([^'']+)''\\)'))[1]::timestamptz) AS to_at
       FROM (SELECT pg_get_expr(c.relpartbound, c.oid) AS b
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'login_records'::regclass) p
      WHERE b <> 'DEFAULT'`,
  );
  const r = (rows as Array<{ from_at: Date | null; to_at: Date | null }>)[0];
  return r?.from_at && r.to_at ? { from: r.from_at, to: r.to_at } : undefined;
}

/**
 * The sources a branch reads. The default partition (rows no month was there for) may hold
 * any time, so while it is part of a scan PostgreSQL cannot read the months newest first and
 * stop at LIMIT: a filter that matches few rows (an IP range) would read every month to the
 * end. So the months are read bounded to their span, which prunes the default partition at
 * plan time, and the default partition (normally empty) is read on its own outside that span.
 * A gap between months keeps the default partition in the first scan: slower, still exact.
 */
function sources(span: { from: Date; to: Date } | undefined): Array<{ table: string; where: Where }> {
  if (!span) return [{ table: 'login_records', where: { sql: [], bindings: [] } }];
  return [
    {
      table: 'login_records',
      where: { sql: ['created_at >= ?', 'created_at < ?'], bindings: [span.from, span.to] },
    },
    {
      table: 'login_records_default',
      where: { sql: ['(created_at < ? OR created_at >= ?)'], bindings: [span.from, span.to] },
    },
  ];
}

/**
 * A page of records, newest first. `before` pages towards older records, `after` towards
 * newer ones (the page is still returned newest first).
 */
export async function searchLoginRecords(
  db: DbOrTx,
  q: LoginRecordQuery,
  page: { limit: number; before?: LoginRecordCursor; after?: LoginRecordCursor },
): Promise<LoginRecordPage> {
  const limit = Math.max(1, Math.floor(page.limit));
  const backwards = !page.before && !!page.after;
  const cursor = page.before ?? page.after;
  const keyset: Where = cursor
    ? {
        sql: [`(created_at, id) ${backwards ? '>' : '<'} (${TS_OF_US}, ?::uuid)`],
        bindings: [cursor.createdAtUs, cursor.id],
      }
    : { sql: [], bindings: [] };
  const order = backwards ? 'created_at ASC, id ASC' : 'created_at DESC, id DESC';
  const common = commonWhere(q);
  const from = sources(await monthlySpan(db));
  const bindings: Binding[] = [];
  const selects = branches(q).flatMap((b) =>
    from.map(({ table, where: bounds }) => {
      const where = whereClause([b, common, keyset, bounds]);
      bindings.push(...where.bindings, limit + 1);
      return `(SELECT ${COLUMNS} FROM ${table} ${where.sql} ORDER BY ${order} LIMIT ?)`;
    }),
  );
  // one branch needs no merge; several are merged and cut to the page
  const picked =
    selects.length === 1
      ? selects[0]
      : `SELECT * FROM (${selects.join(' UNION ALL ')}) b ORDER BY ${order} LIMIT ${limit + 1}`;
  const result = await db.raw(
    // names are looked up for the page's rows only, each by its primary key (as joins the
    // planner may hash a seq scan of every account for 50 rows)
    `WITH page AS MATERIALIZED (${picked})
     SELECT p.id, p.created_at, p.created_at_us, p.account_id, p.username,
            (SELECT a.name FROM accounts a WHERE a.id = p.account_id) AS account_name,
            p.school_id, (SELECT o.name FROM organizations o WHERE o.id = p.school_id) AS school_name,
            p.county_id, p.client_id,
            (SELECT c.metadata->>'client_name' FROM clients c WHERE c.client_id = p.client_id) AS client_name,
            p.method, p.success, p.failure_reason, host(p.ip) AS ip, p.os, p.browser, p.device,
            p.session_id
       FROM page p
      ORDER BY p.created_at ${backwards ? 'ASC' : 'DESC'}, p.id ${backwards ? 'ASC' : 'DESC'}`,
    bindings as never,
  );
  const fetched = (result.rows as Row[]).map(fromRow);
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (backwards) rows.reverse();
  const at = (r: AdminLoginRecordRow | undefined): LoginRecordCursor | null =>
    r ? { createdAtUs: r.createdAtUs, id: r.id } : null;
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    // forwards: older rows exist when more were fetched; backwards: we came from older rows
    next: backwards ? at(last) : more ? at(last) : null,
    prev: backwards ? (more ? at(first) : null) : cursor ? at(first) : null,
  };
}

/**
 * How many records match, counting at most `cap` + 1 (an exact count over tens of millions of
 * rows takes seconds): { count: cap, capped: true } reads "10,000+".
 */
export async function countLoginRecords(
  db: DbOrTx,
  q: LoginRecordQuery,
  cap: number,
): Promise<{ count: number; capped: boolean }> {
  const common = commonWhere(q);
  const from = sources(await monthlySpan(db));
  const bindings: Binding[] = [];
  const selects = branches(q).flatMap((b) =>
    from.map(({ table, where: bounds }) => {
      const where = whereClause([b, common, bounds]);
      bindings.push(...where.bindings, cap + 1);
      return `(SELECT 1 FROM ${table} ${where.sql} LIMIT ?)`;
    }),
  );
  const result = await db.raw(
    `SELECT count(*)::int AS n FROM (${selects.join(' UNION ALL ')}) c`,
    bindings as never,
  );
  const n = Number((result.rows as Array<{ n: number }>)[0]?.n ?? 0);
  return n > cap ? { count: cap, capped: true } : { count: n, capped: false };
}

/**
 * Every matching record, newest first, in keyset batches of `batch` rows: memory stays one
 * batch however many rows match (CSV export).
 */
export async function* streamLoginRecords(
  db: DbOrTx,
  q: LoginRecordQuery,
  batch: number,
): AsyncGenerator<AdminLoginRecordRow[]> {
  let before: LoginRecordCursor | undefined;
  for (;;) {
    const page = await searchLoginRecords(db, q, before ? { limit: batch, before } : { limit: batch });
    if (page.rows.length > 0) yield page.rows;
    if (!page.next) return;
    before = page.next;
  }
}

/** Every county's id (a county admin of all of them needs no organisation filter). */
export async function listCountyIds(db: DbOrTx): Promise<string[]> {
  const rows = (await db('organizations').where({ kind: 'county' }).select('id')) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

/** Organisation names for the filter pickers: schools of these ids, by code. */
export async function listSchoolChoices(
  db: DbOrTx,
  schoolIds: readonly string[],
): Promise<Array<{ id: string; name: string; code: string }>> {
  if (schoolIds.length === 0) return [];
  return (await db('organizations')
    .whereIn('id', [...schoolIds])
    .where({ kind: 'school' })
    .orderBy('code')
    .select('id', 'name', 'code')) as Array<{ id: string; name: string; code: string }>;
}
