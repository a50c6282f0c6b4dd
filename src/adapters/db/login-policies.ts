import type { DbOrTx } from '../db.js';

/** A row of login_policies (啟用登入機制); null client/identity = every one. */
export interface LoginPolicyRule {
  id: string;
  countyId: string;
  clientId: string | null;
  identityType: string | null;
  /** MethodIds; empty = every method */
  allowedMethods: string[];
  requiredAcr: string | null;
  updatedBy: string | null;
  updatedAt: Date;
}

/** A rule with the name of who last changed it, for lists. */
export interface LoginPolicyView extends LoginPolicyRule {
  updatedByUsername: string | null;
}

interface Row {
  id: string;
  county_id: string;
  client_id: string | null;
  identity_type: string | null;
  allowed_methods: string[];
  required_acr: string | null;
  updated_by: string | null;
  updated_at: Date;
  updated_by_username?: string | null;
}

const fromRow = (r: Row): LoginPolicyView => ({
  id: r.id,
  countyId: r.county_id,
  clientId: r.client_id,
  identityType: r.identity_type,
  allowedMethods: r.allowed_methods ?? [],
  requiredAcr: r.required_acr,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
  updatedByUsername: r.updated_by_username ?? null,
});

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

function viewQuery(db: DbOrTx) {
  return db('login_policies as p')
    .leftJoin('accounts as a', 'a.id', 'p.updated_by')
    .select('p.*', 'a.username as updated_by_username');
}

/** The rules of these counties, county-wide ones first, then by client and identity. */
export async function listLoginPolicies(
  db: DbOrTx,
  f: { countyIds: readonly string[]; offset: number; limit: number },
): Promise<{ rows: LoginPolicyView[]; total: number }> {
  const countyIds = f.countyIds.filter(isUuid);
  if (countyIds.length === 0) return { rows: [], total: 0 };
  const [rows, count] = await Promise.all([
    viewQuery(db)
      .whereIn('p.county_id', countyIds)
      .orderByRaw("p.county_id, COALESCE(p.client_id, ''), COALESCE(p.identity_type, '')")
      .limit(f.limit)
      .offset(f.offset),
    db('login_policies').whereIn('county_id', countyIds).count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as Row[]).map(fromRow), total: Number(count[0]?.count ?? 0) };
}

export async function findLoginPolicyById(db: DbOrTx, id: string): Promise<LoginPolicyView | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await viewQuery(db).where('p.id', id).first()) as Row | undefined;
  return row && fromRow(row);
}

/** The rules of a county that can apply to this client and identity (at most four). */
export async function findApplicableLoginPolicies(
  db: DbOrTx,
  q: { countyId: string; clientId: string; identityType: string | null },
): Promise<LoginPolicyRule[]> {
  if (!isUuid(q.countyId)) return [];
  const rows = (await db('login_policies')
    .where('county_id', q.countyId)
    .where((w) => w.whereNull('client_id').orWhere('client_id', q.clientId))
    .where((w) => {
      w.whereNull('identity_type');
      if (q.identityType) w.orWhere('identity_type', q.identityType);
    })) as Row[];
  return rows.map(fromRow);
}

export interface LoginPolicyInput {
  countyId: string;
  clientId: string | null;
  identityType: string | null;
  allowedMethods: string[];
  requiredAcr: string | null;
  updatedBy: string | null;
}

/** Inserts the rule of (county, client, identity), or replaces the one there is. */
export async function upsertLoginPolicy(db: DbOrTx, p: LoginPolicyInput): Promise<LoginPolicyRule> {
  const result = await db.raw(
    `INSERT INTO login_policies (county_id, client_id, identity_type, allowed_methods, required_acr, updated_by)
     VALUES (?, ?, ?, ?::text[], ?, ?)
     ON CONFLICT (county_id, COALESCE(client_id, ''), COALESCE(identity_type, ''))
     DO UPDATE SET allowed_methods = EXCLUDED.allowed_methods, required_acr = EXCLUDED.required_acr,
       updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING *`,
    [p.countyId, p.clientId, p.identityType, p.allowedMethods, p.requiredAcr, p.updatedBy],
  );
  return fromRow((result.rows as Row[])[0]!);
}

/** The rule of (county, client, identity) as it is now (before an upsert replaces it). */
export async function findLoginPolicyByKey(
  db: DbOrTx,
  k: { countyId: string; clientId: string | null; identityType: string | null },
): Promise<LoginPolicyRule | undefined> {
  const row = (await db('login_policies')
    .where('county_id', k.countyId)
    .whereRaw("COALESCE(client_id, '') = ?", [k.clientId ?? ''])
    .whereRaw("COALESCE(identity_type, '') = ?", [k.identityType ?? ''])
    .first()) as Row | undefined;
  return row && fromRow(row);
}

export async function deleteLoginPolicy(db: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return (await db('login_policies').where({ id }).delete()) > 0;
}

/** Whether the account holds any admin role (role_assignments). */
export async function hasAdminRole(db: DbOrTx, accountId: string): Promise<boolean> {
  if (!isUuid(accountId)) return false;
  return !!(await db('role_assignments').where({ account_id: accountId }).first('id'));
}
