import type { DbOrTx } from '../db.js';

export interface IpRange {
  id: string;
  orgId: string;
  cidr: string;
  label: string | null;
  createdBy: string | null;
  createdAt: Date;
}

interface Row {
  id: string;
  org_id: string;
  cidr: string;
  label: string | null;
  created_by: string | null;
  created_at: Date;
}

export const ipRangeFromRow = (r: Row): IpRange => ({
  id: r.id,
  orgId: r.org_id,
  cidr: r.cidr,
  label: r.label,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Whether any range of these organisations contains the address (GiST index on cidr). */
export async function anyRangeContains(db: DbOrTx, orgIds: readonly string[], ip: string): Promise<boolean> {
  if (orgIds.length === 0) return false;
  const row = await db('ip_ranges')
    .whereIn('org_id', [...orgIds])
    .whereRaw('cidr >>= ?::inet', [ip])
    .first('id');
  return !!row;
}

/** A range with the names a list shows. */
export interface IpRangeView extends IpRange {
  orgKind: 'county' | 'school';
  orgCode: string;
  orgName: string;
  createdByUsername: string | null;
}

type ViewRow = Row & {
  org_kind: 'county' | 'school';
  org_code: string;
  org_name: string;
  created_by_username: string | null;
};

const viewFromRow = (r: ViewRow): IpRangeView => ({
  ...ipRangeFromRow(r),
  orgKind: r.org_kind,
  orgCode: r.org_code,
  orgName: r.org_name,
  createdByUsername: r.created_by_username,
});

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function viewQuery(db: DbOrTx) {
  return db('ip_ranges as r')
    .join('organizations as o', 'o.id', 'r.org_id')
    .leftJoin('accounts as a', 'a.id', 'r.created_by')
    .select(
      'r.id',
      'r.org_id',
      db.raw('r.cidr::text AS cidr'),
      'r.label',
      'r.created_by',
      'r.created_at',
      'o.kind as org_kind',
      'o.code as org_code',
      'o.name as org_name',
      'a.username as created_by_username',
    );
}

export interface IpRangeFilter {
  /** ranges of these organisations only (the caller's scope) */
  orgIds: readonly string[];
  orgId?: string | undefined;
  offset: number;
  limit: number;
}

export async function listIpRanges(
  db: DbOrTx,
  f: IpRangeFilter,
): Promise<{ rows: IpRangeView[]; total: number }> {
  const orgIds = f.orgIds.filter(isUuid);
  if (orgIds.length === 0 || (f.orgId !== undefined && !isUuid(f.orgId))) return { rows: [], total: 0 };
  const where = (q: ReturnType<typeof db>) => {
    q.whereIn('r.org_id', orgIds);
    if (f.orgId) q.where('r.org_id', f.orgId);
    return q;
  };
  const [rows, count] = await Promise.all([
    where(viewQuery(db))
      .orderBy([{ column: 'o.kind' }, { column: 'o.code' }, { column: 'r.cidr' }])
      .limit(f.limit)
      .offset(f.offset),
    where(db('ip_ranges as r')).count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as ViewRow[]).map(viewFromRow), total: Number(count[0]?.count ?? 0) };
}

export async function findIpRangeById(db: DbOrTx, id: string): Promise<IpRangeView | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await viewQuery(db).where('r.id', id).first()) as ViewRow | undefined;
  return row && viewFromRow(row);
}

/** Inserts a range; undefined when the organisation already has it (ip_ranges__org_cidr). */
export async function insertIpRange(
  db: DbOrTx,
  r: { orgId: string; cidr: string; label: string | null; createdBy: string | null },
): Promise<IpRange | undefined> {
  const [row] = (await db('ip_ranges')
    .insert({ org_id: r.orgId, cidr: r.cidr, label: r.label, created_by: r.createdBy })
    .onConflict(['org_id', 'cidr'])
    .ignore()
    .returning(['id', 'org_id', db.raw('cidr::text AS cidr'), 'label', 'created_by', 'created_at'])) as Row[];
  return row && ipRangeFromRow(row);
}

export async function deleteIpRange(db: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return (await db('ip_ranges').where({ id }).delete()) > 0;
}
