/**
 * The portal's 紀錄: an account's own login history with the seeds' filters (成功, 系統,
 * 瀏覽器, 設備, IP 位址), page by page, and the operations of one of its sessions (操作紀錄).
 * Every read is keyed by the signed-in account: another account's record id is "not found".
 */
import { isIP } from 'node:net';
import {
  type AccountLoginFacets,
  type AccountLoginFilter,
  accountLoginFacets,
  findAccountLogin,
  type LoginRecordRow,
  listAccountLogins,
  listAccountSessionEvents,
  type SessionEventRow,
} from '../adapters/db/account-logins.js';
import type { Db } from '../adapters/db.js';
import { defineErrors } from '../errors.js';

export type { AccountLoginFacets, AccountLoginFilter, LoginRecordRow, SessionEventRow };

export const accountLoginErrors = defineErrors('portal', {
  not_found: { status: 404, message: 'portal.not_found' },
  ip_invalid: { message: 'portal.ip_invalid' },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An address or a CIDR block as Postgres inet accepts it, or undefined. */
export function normalizeIpFilter(input: string): string | undefined {
  const value = input.trim();
  const slash = value.indexOf('/');
  const address = slash >= 0 ? value.slice(0, slash) : value;
  const version = isIP(address);
  if (!version) return undefined;
  if (slash < 0) return address;
  const prefix = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (version === 4 ? 32 : 128)) return undefined;
  return `${address}/${Number(prefix)}`;
}

export interface LoginSessionDetail {
  login: LoginRecordRow;
  events: SessionEventRow[];
}

export interface AccountLoginService {
  /** @throws portal.ip_invalid when filter.ip is neither an address nor a CIDR block */
  list(
    accountId: string,
    filter: AccountLoginFilter,
    page: { offset: number; limit: number },
  ): Promise<{ rows: LoginRecordRow[]; total: number }>;
  facets(accountId: string): Promise<AccountLoginFacets>;
  /** 最近登入: the newest few */
  recent(accountId: string, limit?: number): Promise<LoginRecordRow[]>;
  /** 操作紀錄 of the session one of the account's logins opened. @throws portal.not_found */
  session(accountId: string, loginId: string): Promise<LoginSessionDetail>;
}

export function createAccountLoginService(db: Db): AccountLoginService {
  return {
    async list(accountId, filter, page) {
      let ip: string | undefined;
      if (filter.ip !== undefined) {
        ip = normalizeIpFilter(filter.ip);
        if (!ip) throw accountLoginErrors.ip_invalid();
      }
      const limit = Math.min(Math.max(Math.trunc(page.limit), 1), 100);
      const offset = Math.min(Math.max(Math.trunc(page.offset), 0), 1_000_000);
      return listAccountLogins(db, accountId, { ...filter, ip }, { offset, limit });
    },
    facets: (accountId) => accountLoginFacets(db, accountId),
    async recent(accountId, limit = 5) {
      return (await listAccountLogins(db, accountId, {}, { offset: 0, limit })).rows;
    },
    async session(accountId, loginId) {
      const login = UUID.test(loginId) ? await findAccountLogin(db, accountId, loginId) : undefined;
      if (!login) throw accountLoginErrors.not_found();
      const events = login.sessionId ? await listAccountSessionEvents(db, accountId, login.sessionId) : [];
      return { login, events };
    },
  };
}
