/**
 * The audit log of admin operations: actor, action, target, before/after, IP, time.
 * Services write the entry in the same transaction as the change it describes, so a change
 * without its entry (or an entry without its change) cannot exist.
 */
import {
  type AuditEntry,
  type AuditFilter,
  insertAuditEntry,
  queryAuditLog,
} from '../adapters/db/audit-log.js';
import { findOrganizationsByIds, type Organization } from '../adapters/db/organizations.js';
import { listSchoolIdsOfCounties } from '../adapters/db/roles.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { type Actor, authorize } from './admin/policy.js';

export type { AuditEntry, AuditFilter } from '../adapters/db/audit-log.js';

export interface AuditEvent {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** the school (or county) the target belongs to: what scopes the entry for queries */
  orgId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Keys never written to the audit log, whatever a caller passes in before/after. */
const REDACTED = /password|secret|token|hash|sealed|pass_?code|otp/i;

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, REDACTED.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

/** What a county admin can search the log by (稽核紀錄). */
export interface AuditSearch {
  actorUsername?: string | undefined;
  /** an action or its beginning: "school." finds every school operation */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  /** exclusive */
  to?: Date | undefined;
  offset: number;
  limit: number;
}

export interface AuditLog {
  /**
   * Records in `tx` (the transaction of the change) or on its own. The actor is the signed-in
   * admin, 'cli' for an operator's command, or undefined for the public side (applicants).
   */
  record(tx: DbOrTx | undefined, actor: Actor | 'cli' | undefined, event: AuditEvent): Promise<void>;
  query(filter: AuditFilter): Promise<{ rows: AuditEntry[]; total: number }>;
  /**
   * Entries of the actor's counties and their schools, and entries of no organisation,
   * newest first, with the organisations they name. @throws admin.forbidden (not a county admin)
   */
  search(
    actor: Actor,
    filter: AuditSearch,
  ): Promise<{ rows: AuditEntry[]; total: number; orgs: Map<string, Organization> }>;
}

export function createAuditLog(db: Db): AuditLog {
  return {
    async record(tx, who, e) {
      const actor = who === 'cli' ? undefined : who;
      await insertAuditEntry(tx ?? db, {
        actorId: actor?.accountId ?? null,
        actorUsername: actor?.username ?? null,
        actorIp: actor?.ip || null,
        via: who === 'cli' ? 'cli' : (actor?.via ?? 'public'),
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId ?? null,
        orgId: e.orgId ?? null,
        before: redact(e.before) ?? null,
        after: redact(e.after) ?? null,
      });
    },
    query: (filter) => queryAuditLog(db, filter),
    async search(actor, f) {
      authorize(actor, 'audit.view');
      const orgIds = [...actor.countyIds, ...(await listSchoolIdsOfCounties(db, actor.countyIds))];
      const { rows, total } = await queryAuditLog(db, {
        ...(f.actorUsername ? { actorUsername: f.actorUsername } : {}),
        ...(f.action ? { actionPrefix: f.action } : {}),
        ...(f.targetType ? { targetType: f.targetType } : {}),
        ...(f.targetId ? { targetId: f.targetId } : {}),
        ...(f.from ? { from: f.from } : {}),
        ...(f.to ? { to: f.to } : {}),
        orgIds,
        includeNoOrg: true,
        offset: f.offset,
        limit: f.limit,
      });
      const named = await findOrganizationsByIds(db, [
        ...new Set(rows.map((r) => r.orgId).filter((id): id is string => !!id)),
      ]);
      return { rows, total, orgs: new Map(named.map((o) => [o.id, o])) };
    },
  };
}
