/**
 * 登入紀錄 for admins: login records searched within the actor's scope, with filters validated
 * at the edge (zod) so a bad CIDR or a reversed period is the admin's to fix, never a 500.
 *
 * Who sees what (the scope comes from the Actor the policy built, services/admin/policy.ts):
 *   county admin   records of every school of their counties, and records of no school:
 *                  failed attempts with unknown usernames and accounts at no school (they
 *                  belong to the county, as such accounts do in the policy)
 *   school admin   records of accounts whose primary school at the login was theirs; never
 *                  unknown usernames (anyone can type anything: they are nobody's school's)
 *   teacher        none (a class list is not worth a per-student scan of 50M rows)
 * Each record carries the school and county of its account at the time of the login, so a
 * transfer does not move old records to the new school.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { findAccountByIdIncludingDeleted, findAccountByUsername } from '../adapters/db/accounts.js';
import {
  type AdminLoginRecordRow,
  countLoginRecords,
  decodeLoginRecordCursor,
  type LoginRecordPage,
  type LoginRecordQuery,
  listCountyIds,
  listSchoolChoices,
  searchLoginRecords,
  streamLoginRecords,
} from '../adapters/db/login-record-search.js';
import type { Db } from '../adapters/db.js';
import { defineErrors } from '../errors.js';
import { normalizeUsername } from './accounts.js';
import { type Actor, can, isCountyAdmin, isSchoolAdmin, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';

export type { AdminLoginRecordRow, LoginRecordCursor } from '../adapters/db/login-record-search.js';
export { encodeLoginRecordCursor } from '../adapters/db/login-record-search.js';

export const loginRecordErrors = defineErrors('login_records', {
  ip_invalid: { message: 'login_records.ip_invalid' },
  time_invalid: { message: 'login_records.time_invalid' },
  range_invalid: { message: 'login_records.range_invalid' },
  cursor_invalid: { message: 'login_records.cursor_invalid' },
  filter_invalid: { message: 'login_records.filter_invalid' },
});

/** Counting stops here: "10,000+" is as useful as an exact figure that takes seconds. */
export const COUNT_CAP = 10_000;
/** Rows per batch of a CSV export. */
export const EXPORT_BATCH = 1_000;
/** The school select's value for records of no school (county admins). */
export const NO_SCHOOL = 'none';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// datetime-local (minutes, optional seconds) or a date; both in Taiwan time (UTC+8, no DST)
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?$/;

/** "2026-09-01T08:30" or "2026-09-01" in Taiwan time → the instant; undefined when not one. */
export function parseLocalTime(value: string): Date | undefined {
  const m = LOCAL_TIME.exec(value.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? ':00'}+08:00`);
  if (Number.isNaN(d.getTime())) return undefined;
  // 2026-02-30 rolls over into March: only a time that reads back the same is one
  const back = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return back.slice(0, 10) === m[1] && (!m[2] || back.slice(11, 16) === m[2]) ? d : undefined;
}

/** An address, or a network in CIDR notation (host bits are ignored), v4 or v6. */
export function normalizeIpFilter(value: string): string | undefined {
  const v = value.trim();
  const [addr, prefix, ...rest] = v.split('/');
  if (!addr || rest.length > 0) return undefined;
  const family = isIP(addr);
  if (family === 0) return undefined;
  if (prefix === undefined) return addr.toLowerCase();
  if (!/^\d{1,3}$/.test(prefix)) return undefined;
  const bits = Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return undefined;
  return `${addr.toLowerCase()}/${bits}`;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

/**
 * The filters as the console form and the API send them (strings). Messages are error codes,
 * so the console shows them in the admin's language.
 */
export const loginRecordFilterSchema = z.object({
  /** an account's username or id */
  account: text(256),
  /** a school id, or "none" for records of no school */
  school: text(64),
  client: text(256),
  method: text(64),
  success: z
    .enum(['', 'true', 'false', '1', '0'], { message: 'login_records.filter_invalid' })
    .optional()
    .transform((v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined)),
  ip: text(64).refine((v) => v === undefined || normalizeIpFilter(v) !== undefined, {
    message: 'login_records.ip_invalid',
  }),
  from: text(32).refine((v) => v === undefined || parseLocalTime(v) !== undefined, {
    message: 'login_records.time_invalid',
  }),
  to: text(32).refine((v) => v === undefined || parseLocalTime(v) !== undefined, {
    message: 'login_records.time_invalid',
  }),
});

export type LoginRecordFilterInput = z.input<typeof loginRecordFilterSchema>;
export type LoginRecordFilter = z.output<typeof loginRecordFilterSchema>;

/**
 * Validates raw filters. @throws login_records.ip_invalid | time_invalid | range_invalid |
 * filter_invalid (the first problem found)
 */
export function parseLoginRecordFilter(input: Record<string, unknown>): LoginRecordFilter {
  const picked = Object.fromEntries(
    Object.keys(loginRecordFilterSchema.shape).map((k) => {
      const v = input[k];
      return [k, Array.isArray(v) ? v[0] : v];
    }),
  );
  const result = loginRecordFilterSchema.safeParse(picked);
  if (!result.success) {
    const code = result.error.issues[0]?.message ?? '';
    const known = Object.keys(loginRecordErrors).map((k) => `login_records.${k}`);
    const name = (known.includes(code) ? code : 'login_records.filter_invalid').slice(
      'login_records.'.length,
    ) as keyof typeof loginRecordErrors;
    throw loginRecordErrors[name]();
  }
  const f = result.data;
  if (f.from && f.to && (parseLocalTime(f.from) as Date) > (parseLocalTime(f.to) as Date)) {
    throw loginRecordErrors.range_invalid();
  }
  return f;
}

/** "before" / "after" cursors of a page link. @throws login_records.cursor_invalid */
export function parseLoginRecordPage(input: { before?: unknown; after?: unknown; limit: number }) {
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const before = one(input.before);
  const after = one(input.after);
  const decode = (v: unknown) => {
    if (v === undefined || v === '') return undefined;
    const c = typeof v === 'string' ? decodeLoginRecordCursor(v) : undefined;
    if (!c) throw loginRecordErrors.cursor_invalid();
    return c;
  };
  const b = decode(before);
  const a = b ? undefined : decode(after);
  return { limit: input.limit, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
}

export interface LoginRecordPageRequest {
  limit: number;
  before?: { createdAtUs: number; id: string };
  after?: { createdAtUs: number; id: string };
}

export interface LoginRecordSearch {
  /** May this actor see login records at all (the menu entry)? */
  mayView(actor: Actor): boolean;
  /** Schools the actor may pick in the school filter. */
  schoolChoices(actor: Actor): Promise<Array<{ id: string; name: string; code: string }>>;
  /** @throws admin.forbidden | admin.not_found (an account or school outside the scope) */
  search(actor: Actor, filter: LoginRecordFilter, page: LoginRecordPageRequest): Promise<LoginRecordPage>;
  count(actor: Actor, filter: LoginRecordFilter): Promise<{ count: number; capped: boolean }>;
  /**
   * Every matching record in batches, after auditing the export (who, which filters).
   * @throws admin.forbidden | admin.not_found
   */
  export(actor: Actor, filter: LoginRecordFilter): Promise<AsyncGenerator<AdminLoginRecordRow[]>>;
}

export function createLoginRecordSearch(db: Db, audit: AuditLog): LoginRecordSearch {
  const mayView = (actor: Actor) => isCountyAdmin(actor) || isSchoolAdmin(actor);

  /** The filters within the actor's scope, as one query. */
  async function scopedQuery(actor: Actor, f: LoginRecordFilter): Promise<LoginRecordQuery> {
    if (!mayView(actor)) throw policyErrors.forbidden();
    const q: LoginRecordQuery = {};
    const county = isCountyAdmin(actor);
    // the organisation scope: the widest the actor has, narrowed by the school filter
    if (f.school === NO_SCHOOL) {
      if (!county) throw policyErrors.not_found();
      q.unassigned = true;
    } else if (f.school) {
      if (!UUID.test(f.school) || !actor.schoolIds.includes(f.school)) throw policyErrors.not_found();
      q.schoolIds = [f.school];
    } else if (county) {
      const all = await listCountyIds(db);
      const everyCounty = all.every((id) => actor.countyIds.includes(id));
      // an admin of every county sees every record: no organisation filter at all
      if (!everyCounty) {
        q.countyIds = actor.countyIds;
        q.unassigned = true;
        const elsewhere = actor.adminSchoolIds.filter((id) => !actor.countySchoolIds.includes(id));
        if (elsewhere.length) q.schoolIds = elsewhere;
      }
    } else {
      q.schoolIds = actor.schoolIds;
    }
    if (f.account) {
      const account = UUID.test(f.account)
        ? await findAccountByIdIncludingDeleted(db, f.account)
        : await findAccountByUsername(db, normalizeUsername(f.account));
      if (account) {
        // an account outside the scope does not exist for this actor
        if (!can(actor, 'account.view', { schoolId: account.schoolId }) || !mayView(actor)) {
          throw policyErrors.not_found();
        }
        q.accountId = account.id;
      } else if (county && !UUID.test(f.account)) {
        // what was typed at a failed login with an unknown username: records of no school
        q.username = f.account;
        q.unassigned = true;
        delete q.countyIds;
        delete q.schoolIds;
        if (f.school && f.school !== NO_SCHOOL) throw policyErrors.not_found();
      } else {
        throw policyErrors.not_found();
      }
    }
    if (f.client) q.clientId = f.client;
    if (f.method) q.method = f.method;
    if (f.success !== undefined) q.success = f.success;
    if (f.ip) q.ip = normalizeIpFilter(f.ip) as string;
    if (f.from) q.from = parseLocalTime(f.from) as Date;
    // "to" is inclusive to the minute (or the day) the admin typed
    if (f.to) {
      const to = parseLocalTime(f.to) as Date;
      const [, , hm, sec] = LOCAL_TIME.exec(f.to) ?? [];
      q.to = new Date(to.getTime() + (!hm ? 24 * 3600_000 : sec ? 1000 : 60_000));
    }
    return q;
  }

  return {
    mayView,
    async schoolChoices(actor) {
      return listSchoolChoices(db, actor.schoolIds);
    },
    async search(actor, filter, page) {
      return searchLoginRecords(db, await scopedQuery(actor, filter), page);
    },
    async count(actor, filter) {
      return countLoginRecords(db, await scopedQuery(actor, filter), COUNT_CAP);
    },
    async export(actor, filter) {
      const q = await scopedQuery(actor, filter);
      await audit.record(undefined, actor, {
        action: 'login_records.export',
        targetType: 'login_records',
        orgId:
          filter.school && filter.school !== NO_SCHOOL
            ? filter.school
            : (actor.countyIds[0] ?? actor.adminSchoolIds[0] ?? null),
        after: { filters: Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) },
      });
      return streamLoginRecords(db, q, EXPORT_BATCH);
    },
  };
}
