/**
 * Login history: every attempt (success or failure) and every operation of a session
 * (authorization, tokens issued, logout), with the device parsed from the user agent the way
 * the portal's 紀錄 table shows it (系統 / 瀏覽器 / 設備).
 */
import { randomUUID } from 'node:crypto';
import { UAParser } from 'ua-parser-js';
import { listAccountLoginRecords, listSessionEvents } from '../adapters/db/login-records.js';
import type { Db } from '../adapters/db.js';
import type { RecordWriter } from '../adapters/record-writer.js';

export interface LoginAttempt {
  accountId?: string | undefined;
  username?: string | undefined;
  clientId?: string | undefined;
  method: string;
  success: boolean;
  failureReason?: string | undefined;
  ip?: string | undefined;
  userAgent?: string | undefined;
  sessionId?: string | undefined;
  at?: Date;
}

export type SessionEventType = 'login' | 'authorize' | 'token' | 'logout';

export interface SessionEvent {
  sessionId: string;
  accountId?: string | undefined;
  type: SessionEventType;
  clientId?: string | undefined;
  detail?: string | undefined;
  at?: Date;
}

export interface DeviceInfo {
  os: string | null;
  browser: string | null;
  device: string;
}

export function parseUserAgent(ua: string | undefined): DeviceInfo {
  if (!ua) return { os: null, browser: null, device: 'unknown' };
  const r = new UAParser(ua).getResult();
  const join = (...parts: Array<string | undefined>) => parts.filter(Boolean).join(' ') || null;
  return {
    os: join(r.os.name, r.os.version),
    browser: join(r.browser.name, r.browser.major),
    // ua-parser leaves desktops without a device type
    device: r.device.type ?? 'desktop',
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LoginRecorder {
  recordAttempt(a: LoginAttempt): void;
  recordSessionEvent(e: SessionEvent): void;
}

export function createLoginRecorder(writer: RecordWriter): LoginRecorder {
  return {
    recordAttempt(a) {
      const userAgent = a.userAgent?.slice(0, 1024);
      writer.write('login_records', {
        id: randomUUID(),
        created_at: (a.at ?? new Date()).toISOString(),
        account_id: a.accountId && UUID.test(a.accountId) ? a.accountId : null,
        // what was typed, bounded: a failed attempt may contain anything
        username: a.username?.slice(0, 256) ?? null,
        client_id: a.clientId ?? null,
        method: a.method,
        success: a.success,
        failure_reason: a.failureReason ?? null,
        ip: a.ip ?? null,
        user_agent: userAgent ?? null,
        ...parseUserAgent(userAgent),
        session_id: a.sessionId ?? null,
      });
    },
    recordSessionEvent(e) {
      writer.write('session_events', {
        id: randomUUID(),
        created_at: (e.at ?? new Date()).toISOString(),
        session_id: e.sessionId,
        account_id: e.accountId && UUID.test(e.accountId) ? e.accountId : null,
        type: e.type,
        client_id: e.clientId ?? null,
        detail: e.detail ?? null,
      });
    },
  };
}

export interface LoginHistory {
  /** 紀錄: an account's recent logins with each session's last activity (最後更新) */
  recentLogins(accountId: string, limit?: number): ReturnType<typeof listAccountLoginRecords>;
  /** 操作紀錄: what happened in one session */
  sessionOperations(sessionId: string): ReturnType<typeof listSessionEvents>;
}

export function createLoginHistory(db: Db): LoginHistory {
  return {
    recentLogins: (accountId, limit = 10) =>
      listAccountLoginRecords(db, accountId, Math.min(Math.max(limit, 1), 100)),
    sessionOperations: (sessionId) => listSessionEvents(db, sessionId),
  };
}
