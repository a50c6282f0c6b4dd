/**
 * Queries of services (服務) and service_activations. No rules here: who may manage or use a
 * service is decided in services/service-catalog.ts and services/admin/policy.ts.
 */
import type { DbOrTx } from '../db.js';

export type ServiceIcon = 'wifi' | 'google' | 'cloud' | 'app';

/** A row of services. Empty identityTypes / schoolIds = everyone. ownerOrgId null = county-wide. */
export interface Service {
  id: string;
  nameZh: string;
  nameEn: string;
  icon: ServiceIcon;
  descriptionZh: string;
  descriptionEn: string;
  clientId: string | null;
  goUrl: string | null;
  identityTypes: string[];
  schoolIds: string[];
  activationRequired: boolean;
  enabled: boolean;
  sortOrder: number;
  ownerOrgId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ServiceInput = Omit<Service, 'id' | 'createdAt' | 'updatedAt'>;

/** A service as one account sees it: with its open activation, if any. */
export interface AccountService extends Service {
  activatedAt: Date | null;
}

export interface ServiceActivation {
  id: string;
  accountId: string;
  serviceId: string;
  activatedAt: Date;
  deactivatedAt: Date | null;
}

interface Row {
  id: string;
  name_zh: string;
  name_en: string;
  icon: ServiceIcon;
  description_zh: string;
  description_en: string;
  client_id: string | null;
  go_url: string | null;
  identity_types: string[] | null;
  school_ids: string[] | null;
  activation_required: boolean;
  enabled: boolean;
  sort_order: number;
  owner_org_id: string | null;
  created_at: Date;
  updated_at: Date;
  activated_at?: Date | null;
}

const fromRow = (r: Row): Service => ({
  id: r.id,
  nameZh: r.name_zh,
  nameEn: r.name_en,
  icon: r.icon,
  descriptionZh: r.description_zh,
  descriptionEn: r.description_en,
  clientId: r.client_id,
  goUrl: r.go_url,
  identityTypes: r.identity_types ?? [],
  schoolIds: r.school_ids ?? [],
  activationRequired: r.activation_required,
  enabled: r.enabled,
  sortOrder: r.sort_order,
  ownerOrgId: r.owner_org_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (s: ServiceInput) => ({
  name_zh: s.nameZh,
  name_en: s.nameEn,
  icon: s.icon,
  description_zh: s.descriptionZh,
  description_en: s.descriptionEn,
  client_id: s.clientId,
  go_url: s.goUrl,
  identity_types: s.identityTypes,
  school_ids: s.schoolIds,
  activation_required: s.activationRequired,
  enabled: s.enabled,
  sort_order: s.sortOrder,
  owner_org_id: s.ownerOrgId,
});

interface ActivationRow {
  id: string;
  account_id: string;
  service_id: string;
  activated_at: Date;
  deactivated_at: Date | null;
}

const activationFromRow = (r: ActivationRow): ServiceActivation => ({
  id: r.id,
  accountId: r.account_id,
  serviceId: r.service_id,
  activatedAt: r.activated_at,
  deactivatedAt: r.deactivated_at,
});

export const isUuid = (id: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Which services a list shows: owned by these organisations, and county-wide ones if asked. */
export interface ServiceScope {
  ownerOrgIds: readonly string[];
  includeCountyWide: boolean;
}

export async function listServices(
  db: DbOrTx,
  scope: ServiceScope,
  page: { offset: number; limit: number },
): Promise<{ rows: Service[]; total: number }> {
  const ids = scope.ownerOrgIds.filter(isUuid);
  if (ids.length === 0 && !scope.includeCountyWide) return { rows: [], total: 0 };
  const where = (q: ReturnType<DbOrTx>) =>
    q.where((w) => {
      if (ids.length) w.whereIn('owner_org_id', ids);
      if (scope.includeCountyWide) w.orWhereNull('owner_org_id');
    });
  const [rows, count] = await Promise.all([
    where(db('services'))
      .orderBy([{ column: 'sort_order' }, { column: 'name_zh' }, { column: 'id' }])
      .limit(page.limit)
      .offset(page.offset),
    where(db('services')).count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as Row[]).map(fromRow), total: Number(count[0]?.count ?? 0) };
}

export async function findServiceById(db: DbOrTx, id: string): Promise<Service | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await db('services').where({ id }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function findServiceByClientId(db: DbOrTx, clientId: string): Promise<Service | undefined> {
  const row = (await db('services').where({ client_id: clientId }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function insertService(db: DbOrTx, s: ServiceInput): Promise<Service> {
  const [row] = (await db('services').insert(toRow(s)).returning('*')) as Row[];
  return fromRow(row!);
}

export async function updateService(db: DbOrTx, id: string, s: ServiceInput): Promise<Service | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = (await db('services')
    .where({ id })
    .update({ ...toRow(s), updated_at: db.fn.now() })
    .returning('*')) as Row[];
  return row && fromRow(row);
}

export async function deleteService(db: DbOrTx, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  return (await db('services').where({ id }).delete()) > 0;
}

/**
 * The enabled services this account may use: identity type and school match (empty = any),
 * and a county's own service only for accounts at that county's schools. With the open
 * activation's time. In the portal's order.
 */
export async function listServicesForAccount(db: DbOrTx, accountId: string): Promise<AccountService[]> {
  if (!isUuid(accountId)) return [];
  const result = await db.raw(
    `SELECT s.*, act.activated_at
       FROM accounts a
       LEFT JOIN organizations school ON school.id = a.school_id
       JOIN services s ON s.enabled
        AND (cardinality(s.identity_types) = 0 OR a.identity_type = ANY (s.identity_types))
        AND (cardinality(s.school_ids) = 0 OR a.school_id = ANY (s.school_ids))
        AND (s.owner_org_id IS NULL OR s.owner_org_id = a.school_id OR s.owner_org_id = school.parent_id)
       LEFT JOIN service_activations act
         ON act.service_id = s.id AND act.account_id = a.id AND act.deactivated_at IS NULL
      WHERE a.id = ? AND a.deleted_at IS NULL
      ORDER BY s.sort_order, s.name_zh, s.id`,
    [accountId],
  );
  return (result.rows as Row[]).map((r) => ({ ...fromRow(r), activatedAt: r.activated_at ?? null }));
}

export async function findOpenActivation(
  db: DbOrTx,
  accountId: string,
  serviceId: string,
): Promise<ServiceActivation | undefined> {
  if (!isUuid(accountId) || !isUuid(serviceId)) return undefined;
  const row = (await db('service_activations')
    .where({ account_id: accountId, service_id: serviceId })
    .whereNull('deactivated_at')
    .first()) as ActivationRow | undefined;
  return row && activationFromRow(row);
}

/** Opens an activation; the open one if there is one already (a double click, two tabs). */
export async function openActivation(
  db: DbOrTx,
  accountId: string,
  serviceId: string,
): Promise<ServiceActivation> {
  const result = await db.raw(
    `INSERT INTO service_activations (account_id, service_id) VALUES (?, ?)
     ON CONFLICT (account_id, service_id) WHERE deactivated_at IS NULL DO NOTHING
     RETURNING *`,
    [accountId, serviceId],
  );
  const inserted = (result.rows as ActivationRow[])[0];
  if (inserted) return activationFromRow(inserted);
  return (await findOpenActivation(db, accountId, serviceId))!;
}

/** Closes the open activation; undefined when there was none. */
export async function closeActivation(
  db: DbOrTx,
  accountId: string,
  serviceId: string,
): Promise<ServiceActivation | undefined> {
  if (!isUuid(accountId) || !isUuid(serviceId)) return undefined;
  const [row] = (await db('service_activations')
    .where({ account_id: accountId, service_id: serviceId })
    .whereNull('deactivated_at')
    .update({ deactivated_at: db.fn.now() })
    .returning('*')) as ActivationRow[];
  return row && activationFromRow(row);
}

/** Every activation of an account and service, newest first (the history). */
export async function listActivations(
  db: DbOrTx,
  accountId: string,
  serviceId: string,
): Promise<ServiceActivation[]> {
  if (!isUuid(accountId) || !isUuid(serviceId)) return [];
  const rows = (await db('service_activations')
    .where({ account_id: accountId, service_id: serviceId })
    .orderBy('activated_at', 'desc')) as ActivationRow[];
  return rows.map(activationFromRow);
}

/** Whether these ids are all schools (organizations of kind school). */
export async function countSchools(db: DbOrTx, ids: readonly string[]): Promise<number> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return 0;
  const [row] = await db('organizations')
    .whereIn('id', valid)
    .where({ kind: 'school' })
    .count<{ count: number }[]>({ count: '*' });
  return Number(row?.count ?? 0);
}
