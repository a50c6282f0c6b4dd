import type { DbOrTx } from '../db.js';

export interface AuditEntry {
  id: number;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  actorIp: string | null;
  via: 'console' | 'api' | 'cli' | 'public';
  action: string;
  targetType: string;
  targetId: string | null;
  orgId: string | null;
  before: unknown;
  after: unknown;
}

export type AuditInput = Omit<AuditEntry, 'id' | 'at'>;

interface Row {
  id: number;
  at: Date;
  actor_id: string | null;
  actor_username: string | null;
  actor_ip: string | null;
  via: AuditEntry['via'];
  action: string;
  target_type: string;
  target_id: string | null;
  org_id: string | null;
  before: unknown;
  after: unknown;
}

const fromRow = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  actorUsername: r.actor_username,
  actorIp: r.actor_ip,
  via: r.via,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  orgId: r.org_id,
  before: r.before,
  after: r.after,
});

export async function insertAuditEntry(db: DbOrTx, e: AuditInput): Promise<void> {
  await db('audit_log').insert({
    actor_id: e.actorId,
    actor_username: e.actorUsername,
    actor_ip: e.actorIp,
    via: e.via,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    org_id: e.orgId,
    // jsonb: knex passes objects as JSON text
    before: e.before === undefined || e.before === null ? null : JSON.stringify(e.before),
    after: e.after === undefined || e.after === null ? null : JSON.stringify(e.after),
  });
}

export interface AuditFilter {
  actorId?: string;
  /** the actor's username as recorded (exact, case-insensitive) */
  actorUsername?: string;
  action?: string;
  /** actions starting with this (e.g. "school." for every school operation) */
  actionPrefix?: string;
  targetType?: string;
  targetId?: string;
  orgIds?: readonly string[];
  /** with orgIds: also entries that belong to no organisation */
  includeNoOrg?: boolean;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function queryAuditLog(
  db: DbOrTx,
  f: AuditFilter,
): Promise<{ rows: AuditEntry[]; total: number }> {
  const q = db('audit_log').where((w) => {
    if (f.actorId) w.where('actor_id', f.actorId);
    if (f.action) w.where('action', f.action);
    if (f.actionPrefix) w.whereLike('action', `${f.actionPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (f.targetType) w.where('target_type', f.targetType);
    if (f.targetId) w.where('target_id', f.targetId);
    if (f.actorUsername) w.whereRaw('lower(actor_username) = lower(?)', [f.actorUsername]);
    if (f.orgIds && f.includeNoOrg) {
      const orgIds = [...f.orgIds];
      w.where((o) => o.whereIn('org_id', orgIds).orWhereNull('org_id'));
    } else if (f.orgIds) w.whereIn('org_id', [...f.orgIds]);
    if (f.from) w.where('at', '>=', f.from);
    if (f.to) w.where('at', '<', f.to);
  });
  const [rows, count] = await Promise.all([
    q
      .clone()
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(f.limit)
      .offset(f.offset),
    q.clone().count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as Row[]).map(fromRow), total: Number(count[0]?.count ?? 0) };
}
