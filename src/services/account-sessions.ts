/**
 * 資料 → active sessions: the OP sessions an account is signed in with (device, browser, IP,
 * last seen) and "sign out other sessions". A session's device comes from the login record
 * that opened it (login_records.session_id is the OP session's uid); whether it still lives
 * is asked of the session store itself (Redis, or Postgres in evaluation mode), so an
 * expired or signed-out session never shows, and no second index can drift from the store.
 */
import { listRecentAccountSessions, type RecentSessionRow } from '../adapters/db/account-logins.js';
import type { Db } from '../adapters/db.js';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { type LoginRecorder, parseUserAgent } from './login-records.js';

export interface ActiveSession extends RecentSessionRow {
  /** the session this request is signed in with */
  current: boolean;
}

export interface CurrentSession {
  uid: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export interface AccountSessionService {
  /**
   * @param current this request's session and browser: it is listed even before its login
   *   record is written (the recorder batches)
   */
  list(accountId: string, current: CurrentSession): Promise<ActiveSession[]>;
  /** Ends every OP session of the account but the current one. @returns how many ended */
  signOutOthers(accountId: string, currentSessionUid: string | undefined): Promise<number>;
}

export function createAccountSessionService(deps: {
  db: Db;
  store: PayloadStore;
  recorder: LoginRecorder;
  /** seconds an OP session lives at most (config.ttl.session) */
  sessionTtl: number;
}): AccountSessionService {
  const { db, store } = deps;
  const live = async (accountId: string) => {
    // the store extends a session each time it is used, so look back further than one TTL
    const lookback = Math.max(deps.sessionTtl * 3, 7 * 86_400);
    const since = new Date(Date.now() - lookback * 1000);
    const candidates = await listRecentAccountSessions(db, accountId, since);
    const checked = await Promise.all(
      candidates.map(async (c) => {
        const op = await store.findByUid('Session', c.sessionId);
        return op?.accountId === accountId && typeof op.jti === 'string'
          ? { row: c, jti: op.jti }
          : undefined;
      }),
    );
    return checked.filter((c): c is { row: RecentSessionRow; jti: string } => c !== undefined);
  };
  return {
    async list(accountId, current) {
      const rows = (await live(accountId)).map(({ row }) => ({
        ...row,
        current: row.sessionId === current.uid,
      }));
      if (current.uid && !rows.some((r) => r.current)) {
        const op = await store.findByUid('Session', current.uid);
        if (op?.accountId === accountId) {
          const loginTs = typeof op.loginTs === 'number' ? new Date(op.loginTs * 1000) : new Date();
          rows.unshift({
            sessionId: current.uid,
            createdAt: loginTs,
            lastActivityAt: null,
            ip: current.ip ?? null,
            ...parseUserAgent(current.userAgent),
            current: true,
          });
        }
      }
      return rows;
    },
    async signOutOthers(accountId, currentSessionUid) {
      const others = (await live(accountId)).filter(({ row }) => row.sessionId !== currentSessionUid);
      for (const { row, jti } of others) {
        await store.destroy('Session', jti);
        deps.recorder.recordSessionEvent({
          sessionId: row.sessionId,
          accountId,
          type: 'logout',
          detail: 'signed_out_by_user',
        });
      }
      return others.length;
    },
  };
}
