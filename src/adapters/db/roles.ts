import type { DbOrTx } from '../db.js';

export type AdminRole = 'county_admin' | 'school_admin';

export interface RoleAssignment {
  id: string;
  accountId: string;
  role: AdminRole;
  orgId: string;
  grantedBy: string | null;
  createdAt: Date;
}

interface Row {
  id: string;
  account_id: string;
  role: AdminRole;
  org_id: string;
  granted_by: string | null;
  created_at: Date;
}

const fromRow = (r: Row): RoleAssignment => ({
  id: r.id,
  accountId: r.account_id,
  role: r.role,
  orgId: r.org_id,
  grantedBy: r.granted_by,
  createdAt: r.created_at,
});

export async function listRoleAssignments(db: DbOrTx, accountId: string): Promise<RoleAssignment[]> {
  const rows = (await db('role_assignments').where({ account_id: accountId })) as Row[];
  return rows.map(fromRow);
}

/** Schools whose county is one of countyIds. */
export async function listSchoolIdsOfCounties(db: DbOrTx, countyIds: readonly string[]): Promise<string[]> {
  if (countyIds.length === 0) return [];
  return db('organizations')
    .where({ kind: 'school' })
    .whereIn('parent_id', [...countyIds])
    .pluck('id');
}

export async function listTaughtClassIds(db: DbOrTx, accountId: string): Promise<string[]> {
  return db('class_teachers').where({ account_id: accountId }).pluck('class_id');
}

export async function insertRoleAssignment(
  db: DbOrTx,
  input: { accountId: string; role: AdminRole; orgId: string; grantedBy: string | null },
): Promise<RoleAssignment | undefined> {
  const [row] = (await db('role_assignments')
    .insert({
      account_id: input.accountId,
      role: input.role,
      org_id: input.orgId,
      granted_by: input.grantedBy,
    })
    .onConflict(['account_id', 'role', 'org_id'])
    .ignore()
    .returning('*')) as Row[];
  return row && fromRow(row);
}

export async function deleteRoleAssignment(db: DbOrTx, id: string): Promise<RoleAssignment | undefined> {
  const [row] = (await db('role_assignments').where({ id }).delete().returning('*')) as Row[];
  return row && fromRow(row);
}

/** A role assignment with the names a list shows. */
export interface RoleAssignmentView extends RoleAssignment {
  username: string;
  name: string | null;
  orgCode: string;
  orgName: string;
  grantedByUsername: string | null;
}

export interface RoleFilter {
  /** assignments of these organisations only (the caller's scope) */
  orgIds: readonly string[];
  role?: AdminRole | undefined;
  orgId?: string | undefined;
  /** prefix of the username */
  username?: string | undefined;
  offset: number;
  limit: number;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

const viewColumns = [
  'r.*',
  'a.username',
  'a.name',
  'o.code as org_code',
  'o.name as org_name',
  'g.username as granted_by_username',
] as const;

type ViewRow = Row & {
  username: string;
  name: string | null;
  org_code: string;
  org_name: string;
  granted_by_username: string | null;
};

const viewFromRow = (r: ViewRow): RoleAssignmentView => ({
  ...fromRow(r),
  username: r.username,
  name: r.name,
  orgCode: r.org_code,
  orgName: r.org_name,
  grantedByUsername: r.granted_by_username,
});

function viewQuery(db: DbOrTx) {
  return db('role_assignments as r')
    .join('accounts as a', 'a.id', 'r.account_id')
    .join('organizations as o', 'o.id', 'r.org_id')
    .leftJoin('accounts as g', 'g.id', 'r.granted_by');
}

export async function listRoleAssignmentsInScope(
  db: DbOrTx,
  f: RoleFilter,
): Promise<{ rows: RoleAssignmentView[]; total: number }> {
  const orgIds = f.orgIds.filter(isUuid);
  if (orgIds.length === 0 || (f.orgId !== undefined && !isUuid(f.orgId))) return { rows: [], total: 0 };
  const q = viewQuery(db)
    .whereIn('r.org_id', orgIds)
    .where((w) => {
      if (f.role) w.where('r.role', f.role);
      if (f.orgId) w.where('r.org_id', f.orgId);
      if (f.username) w.whereILike('a.username', `${f.username.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    });
  const [rows, count] = await Promise.all([
    q
      .clone()
      .orderBy([{ column: 'r.role' }, { column: 'o.code' }, { column: 'a.username' }])
      .limit(f.limit)
      .offset(f.offset)
      .select(...viewColumns),
    q.clone().count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as ViewRow[]).map(viewFromRow), total: Number(count[0]?.count ?? 0) };
}

export async function findRoleAssignmentById(
  db: DbOrTx,
  id: string,
): Promise<RoleAssignmentView | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await viewQuery(db)
    .where('r.id', id)
    .first(...viewColumns)) as ViewRow | undefined;
  return row && viewFromRow(row);
}

/** The account's county-admin assignments, locked until the transaction ends. */
export async function lockCountyAdminRoles(db: DbOrTx, accountId: string): Promise<RoleAssignment[]> {
  const rows = (await db('role_assignments')
    .where({ account_id: accountId, role: 'county_admin' })
    .forUpdate()) as Row[];
  return rows.map(fromRow);
}
