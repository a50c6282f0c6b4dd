import type { DbOrTx } from '../db.js';

export interface LoginRecordRow {
  id: string;
  createdAt: Date;
  accountId: string | null;
  username: string | null;
  clientId: string | null;
  method: string;
  success: boolean;
  failureReason: string | null;
  ip: string | null;
  os: string | null;
  browser: string | null;
  device: string | null;
  sessionId: string | null;
  /** 最後更新: the latest operation of the session this login opened */
  lastActivityAt: Date | null;
}

/** A login_records row as the queries of this file and account-logins.ts select it. */
export interface LoginRecordDbRow {
  id: string;
  created_at: Date;
  account_id: string | null;
  username: string | null;
  client_id: string | null;
  method: string;
  success: boolean;
  failure_reason: string | null;
  ip: string | null;
  os: string | null;
  browser: string | null;
  device: string | null;
  session_id: string | null;
  last_activity_at: Date | null;
}

export const loginRecordFromRow = (r: LoginRecordDbRow): LoginRecordRow => ({
  id: r.id,
  createdAt: r.created_at,
  accountId: r.account_id,
  username: r.username,
  clientId: r.client_id,
  method: r.method,
  success: r.success,
  failureReason: r.failure_reason,
  ip: r.ip,
  os: r.os,
  browser: r.browser,
  device: r.device,
  sessionId: r.session_id,
  lastActivityAt: r.last_activity_at,
});

/** An account's login attempts, newest first, with each session's last activity. */
export async function listAccountLoginRecords(
  db: DbOrTx,
  accountId: string,
  limit: number,
): Promise<LoginRecordRow[]> {
  const result = await db.raw(
    `SELECT r.id, r.created_at, r.account_id, r.username, r.client_id, r.method, r.success,
            r.failure_reason, host(r.ip) AS ip, r.os, r.browser, r.device, r.session_id,
            a.last_activity_at
       FROM login_records r
       LEFT JOIN LATERAL (
         SELECT max(e.created_at) AS last_activity_at
           FROM session_events e
          WHERE e.session_id = r.session_id AND e.created_at >= r.created_at
       ) a ON true
      WHERE r.account_id = ?
      ORDER BY r.created_at DESC
      LIMIT ?`,
    [accountId, limit],
  );
  return (result.rows as LoginRecordDbRow[]).map(loginRecordFromRow);
}

/** The operations of one session (操作紀錄), oldest first. */
export async function listSessionEvents(db: DbOrTx, sessionId: string) {
  const rows = (await db('session_events')
    .where({ session_id: sessionId })
    .orderBy('created_at', 'asc')) as Array<{
    created_at: Date;
    type: string;
    client_id: string | null;
    detail: string | null;
  }>;
  return rows.map((r) => ({ at: r.created_at, type: r.type, clientId: r.client_id, detail: r.detail }));
}
