/**
 * The portal's 紀錄 (an account's own login history): one page of its login records with the
 * seeds' per-column filters, each session's last activity (最後更新), the distinct values the
 * filter selects offer, the operations of one session (操作紀錄), and the account's recent OP
 * sessions. Every query starts from `account_id = ?` on login_records__account_id
 * (account_id, created_at DESC), so an account only ever reads its own rows and a page costs
 * an index range scan however large the table grows.
 */
import type { Knex } from 'knex';
import type { DbOrTx } from '../db.js';
import { type LoginRecordDbRow, type LoginRecordRow, loginRecordFromRow } from './login-records.js';

export type { LoginRecordRow } from './login-records.js';

export interface AccountLoginFilter {
  success?: boolean | undefined;
  os?: string | undefined;
  browser?: string | undefined;
  device?: string | undefined;
  /** an address or a CIDR block (validated by the caller) */
  ip?: string | undefined;
}

export interface AccountLoginFacets {
  os: string[];
  browser: string[];
  device: string[];
  /** all of the account's records, unfiltered */
  total: number;
}

/** How many of the newest records the filter selects draw their values from. */
const FACET_WINDOW = 5000;

function where(accountId: string, f: AccountLoginFilter): { sql: string; params: Knex.Value[] } {
  const clauses = ['r.account_id = ?'];
  const params: Knex.Value[] = [accountId];
  if (f.success !== undefined) {
    clauses.push('r.success = ?');
    params.push(f.success);
  }
  for (const column of ['os', 'browser', 'device'] as const) {
    const value = f[column];
    if (value !== undefined) {
      clauses.push(`r.${column} = ?`);
      params.push(value);
    }
  }
  if (f.ip !== undefined) {
    clauses.push('r.ip <<= ?::inet');
    params.push(f.ip);
  }
  return { sql: clauses.join(' AND '), params };
}

/** One page of an account's login records, newest first, and how many match the filter. */
export async function listAccountLogins(
  db: DbOrTx,
  accountId: string,
  filter: AccountLoginFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: LoginRecordRow[]; total: number }> {
  const w = where(accountId, filter);
  const [list, count] = await Promise.all([
    db.raw(
      `SELECT r.id, r.created_at, r.account_id, r.username, r.client_id, r.method, r.success,
              r.failure_reason, host(r.ip) AS ip, r.os, r.browser, r.device, r.session_id,
              a.last_activity_at
         FROM (SELECT * FROM login_records r
                WHERE ${w.sql}
                ORDER BY r.created_at DESC
                LIMIT ? OFFSET ?) r
         LEFT JOIN LATERAL (
           SELECT max(e.created_at) AS last_activity_at
             FROM session_events e
            WHERE e.session_id = r.session_id AND e.created_at >= r.created_at
         ) a ON true
        ORDER BY r.created_at DESC`,
      [...w.params, page.limit, page.offset],
    ),
    db.raw(`SELECT count(*)::int AS total FROM login_records r WHERE ${w.sql}`, w.params),
  ]);
  return {
    rows: (list.rows as LoginRecordDbRow[]).map(loginRecordFromRow),
    total: (count.rows[0] as { total: number }).total,
  };
}

/** The distinct 系統/瀏覽器/設備 of the account's recent records, and its record count. */
export async function accountLoginFacets(db: DbOrTx, accountId: string): Promise<AccountLoginFacets> {
  const [values, count] = await Promise.all([
    db.raw(
      `SELECT array_remove(array_agg(DISTINCT os ORDER BY os), NULL) AS os,
              array_remove(array_agg(DISTINCT browser ORDER BY browser), NULL) AS browser,
              array_remove(array_agg(DISTINCT device ORDER BY device), NULL) AS device
         FROM (SELECT os, browser, device FROM login_records
                WHERE account_id = ?
                ORDER BY created_at DESC
                LIMIT ?) recent`,
      [accountId, FACET_WINDOW],
    ),
    db.raw('SELECT count(*)::int AS total FROM login_records WHERE account_id = ?', [accountId]),
  ]);
  const v = values.rows[0] as { os: string[] | null; browser: string[] | null; device: string[] | null };
  return {
    os: v.os ?? [],
    browser: v.browser ?? [],
    device: v.device ?? [],
    total: (count.rows[0] as { total: number }).total,
  };
}

/** The account's login record with this id, or undefined (another account's id included). */
export async function findAccountLogin(
  db: DbOrTx,
  accountId: string,
  id: string,
): Promise<LoginRecordRow | undefined> {
  const { rows } = await db.raw(
    `SELECT r.id, r.created_at, r.account_id, r.username, r.client_id, r.method, r.success,
            r.failure_reason, host(r.ip) AS ip, r.os, r.browser, r.device, r.session_id,
            a.last_activity_at
       FROM login_records r
       LEFT JOIN LATERAL (
         SELECT max(e.created_at) AS last_activity_at
           FROM session_events e
          WHERE e.session_id = r.session_id AND e.created_at >= r.created_at
       ) a ON true
      WHERE r.account_id = ? AND r.id = ?
      LIMIT 1`,
    [accountId, id],
  );
  const row = (rows as LoginRecordDbRow[])[0];
  return row ? loginRecordFromRow(row) : undefined;
}

export interface SessionEventRow {
  at: Date;
  type: string;
  clientId: string | null;
  clientName: string | null;
  detail: string | null;
}

/** The account's operations in one session (操作紀錄), oldest first, with client names. */
export async function listAccountSessionEvents(
  db: DbOrTx,
  accountId: string,
  sessionId: string,
  limit = 500,
): Promise<SessionEventRow[]> {
  const { rows } = await db.raw(
    `SELECT e.created_at, e.type, e.client_id, c.metadata->>'client_name' AS client_name, e.detail
       FROM session_events e
       LEFT JOIN clients c ON c.client_id = e.client_id
      WHERE e.session_id = ? AND (e.account_id = ? OR e.account_id IS NULL)
      ORDER BY e.created_at ASC
      LIMIT ?`,
    [sessionId, accountId, limit],
  );
  return (
    rows as Array<{
      created_at: Date;
      type: string;
      client_id: string | null;
      client_name: string | null;
      detail: string | null;
    }>
  ).map((r) => ({
    at: r.created_at,
    type: r.type,
    clientId: r.client_id,
    clientName: r.client_name,
    detail: r.detail,
  }));
}

export interface RecentSessionRow {
  sessionId: string;
  createdAt: Date;
  ip: string | null;
  os: string | null;
  browser: string | null;
  device: string | null;
  lastActivityAt: Date | null;
}

/** The sessions the account's successful logins opened since `since`, newest first. */
export async function listRecentAccountSessions(
  db: DbOrTx,
  accountId: string,
  since: Date,
  limit = 50,
): Promise<RecentSessionRow[]> {
  const { rows } = await db.raw(
    `SELECT r.session_id, r.created_at, host(r.ip) AS ip, r.os, r.browser, r.device, a.last_activity_at
       FROM (SELECT DISTINCT ON (session_id) session_id, created_at, ip, os, browser, device
               FROM (SELECT session_id, created_at, ip, os, browser, device FROM login_records
                      WHERE account_id = ? AND created_at >= ? AND success AND session_id IS NOT NULL
                      ORDER BY created_at DESC
                      LIMIT ?) newest
              ORDER BY session_id, created_at DESC) r
       LEFT JOIN LATERAL (
         SELECT max(e.created_at) AS last_activity_at
           FROM session_events e
          WHERE e.session_id = r.session_id AND e.created_at >= r.created_at
       ) a ON true
      ORDER BY r.created_at DESC`,
    [accountId, since, limit * 4],
  );
  return (
    rows as Array<{
      session_id: string;
      created_at: Date;
      ip: string | null;
      os: string | null;
      browser: string | null;
      device: string | null;
      last_activity_at: Date | null;
    }>
  )
    .slice(0, limit)
    .map((r) => ({
      sessionId: r.session_id,
      createdAt: r.created_at,
      ip: r.ip,
      os: r.os,
      browser: r.browser,
      device: r.device,
      lastActivityAt: r.last_activity_at,
    }));
}
