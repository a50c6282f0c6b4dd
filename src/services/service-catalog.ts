/**
 * 服務 (issue 5): the services a user can activate in the portal (TANet roaming, Google
 * Workspace, ownCloud, …) and the activations, with their history.
 *
 *   admins     list/create/update/delete, scoped by the policy (service.manage): county-wide
 *              services are the county admins', a school's own service its admins' too;
 *              every change is audited in its transaction
 *   accounts   listForAccount (eligible by identity type, school, owner), activate, deactivate
 *              (closes the activation and revokes the client's grants and tokens)
 *   the OP     isActivationMissing: the login gate of an activation-required service's client
 *              (provider/configuration.ts, check edu_service_activation)
 */
import { findClientRow, listClientRows } from '../adapters/db/clients.js';
import {
  findOrganizationById,
  findOrganizationsByIds,
  type Organization,
} from '../adapters/db/organizations.js';
import {
  type AccountService,
  closeActivation,
  countSchools,
  deleteService,
  findOpenActivation,
  findServiceByClientId,
  findServiceById,
  insertService,
  listActivations,
  listServices,
  listServicesForAccount,
  openActivation,
  type Service,
  type ServiceActivation,
  type ServiceIcon,
  type ServiceInput,
  updateService,
} from '../adapters/db/services.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { assert, defineErrors } from '../errors.js';
import {
  type Actor,
  authorize,
  authorizeVisible,
  isCountyAdmin,
  policyErrors,
  type Target,
} from './admin/policy.js';
import type { AuditLog } from './audit.js';
import type { ConsentService } from './consents.js';

export type { AccountService, Service, ServiceActivation, ServiceIcon } from '../adapters/db/services.js';

export const SERVICE_ICONS: readonly ServiceIcon[] = ['wifi', 'google', 'cloud', 'app'];
export const SERVICE_IDENTITY_TYPES = ['student', 'teacher', 'staff', 'other'] as const;

export const serviceErrors = defineErrors('service', {
  name_required: { message: 'service.name_required' },
  too_long: { message: 'service.too_long' },
  icon_invalid: { message: 'service.icon_invalid' },
  client_invalid: { message: 'service.client_invalid' },
  client_taken: { message: 'service.client_taken' },
  go_url_invalid: { message: 'service.go_url_invalid' },
  identity_invalid: { message: 'service.identity_invalid' },
  school_invalid: { message: 'service.school_invalid' },
  owner_invalid: { message: 'service.owner_invalid' },
  sort_order_invalid: { message: 'service.sort_order_invalid' },
  // what an account may not use is reported as absent, like an unknown id
  not_available: { status: 404, message: 'service.not_available' },
});

/** What an admin form or API call sends; strings as typed, checked here. */
export interface ServiceFields {
  nameZh: string;
  nameEn?: string | undefined;
  icon: string;
  descriptionZh?: string | undefined;
  descriptionEn?: string | undefined;
  /** '' or null: no client bound */
  clientId?: string | null | undefined;
  goUrl?: string | null | undefined;
  identityTypes?: readonly string[] | undefined;
  schoolIds?: readonly string[] | undefined;
  activationRequired: boolean;
  enabled: boolean;
  sortOrder?: number | string | undefined;
  /** '' or null: county-wide; else a county or a school id */
  ownerOrgId?: string | null | undefined;
}

export interface ClientChoice {
  clientId: string;
  name: string;
}

/** An owner an actor may give a service: county-wide (id null), a county, or a school. */
export interface OwnerChoice {
  id: string | null;
  kind: 'county_wide' | 'county' | 'school';
  name: string;
}

/** What the login gate's page shows about the service behind a client. */
export interface ActivationState {
  service: Service;
  /** the account may use (and so activate) it */
  available: boolean;
  activatedAt: Date | null;
}

export interface ServiceCatalog {
  /** Services the actor manages. @throws admin.forbidden (neither county nor school admin) */
  list(actor: Actor, page: { offset: number; limit: number }): Promise<{ rows: Service[]; total: number }>;
  /** @throws admin.not_found */
  get(actor: Actor, id: string): Promise<Service>;
  /** @throws admin.*, service.* */
  create(actor: Actor, fields: ServiceFields): Promise<Service>;
  /** @throws admin.*, service.* */
  update(actor: Actor, id: string, fields: ServiceFields): Promise<Service>;
  /** @throws admin.not_found */
  remove(actor: Actor, id: string): Promise<Service>;
  /** Owners the actor may give a service, and schools it may restrict one to. */
  owners(actor: Actor): Promise<OwnerChoice[]>;
  schools(actor: Actor): Promise<Organization[]>;
  /** Registered clients a service can be bound to. */
  clients(): Promise<ClientChoice[]>;

  /** The enabled services the account may use, with the open activation's time. */
  listForAccount(accountId: string): Promise<AccountService[]>;
  /** Idempotent. @throws service.not_available (unknown, disabled or not for this account) */
  activate(accountId: string, serviceId: string): Promise<ServiceActivation>;
  /**
   * Closes the open activation and revokes the grants and tokens of the service's client.
   * @returns the closed activation, undefined when none was open. @throws service.not_available
   */
  deactivate(accountId: string, serviceId: string): Promise<ServiceActivation | undefined>;
  /** The activations of an account and service, newest first. */
  history(accountId: string, serviceId: string): Promise<ServiceActivation[]>;
  /** Whether a code for this client must wait until the account activates its service. */
  isActivationMissing(accountId: string, clientId: string): Promise<boolean>;
  /** The service behind a client, as this account sees it; undefined when no service is bound. */
  activationFor(accountId: string, clientId: string): Promise<ActivationState | undefined>;
}

const MAX_NAME = 100;
const MAX_DESCRIPTION = 500;
const MAX_URL = 2000;

const blank = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

function checkedUrl(value: string | null | undefined): string | null {
  const url = blank(value);
  if (url === null) return null;
  assert(url.length <= MAX_URL, serviceErrors.go_url_invalid);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw serviceErrors.go_url_invalid();
  }
  assert(parsed.protocol === 'https:' || parsed.protocol === 'http:', serviceErrors.go_url_invalid);
  return parsed.href;
}

function checkedSortOrder(value: number | string | undefined): number {
  if (value === undefined || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value.trim());
  assert(Number.isInteger(n) && Math.abs(n) <= 1_000_000, serviceErrors.sort_order_invalid);
  return n;
}

/** The policy target of a service owned by this organisation (null: county-wide). */
function targetOf(owner: Organization | null): Target {
  if (!owner) return { schoolId: null };
  return owner.kind === 'county' ? { countyId: owner.id } : { schoolId: owner.id };
}

const snapshot = (s: Service) => ({
  name_zh: s.nameZh,
  name_en: s.nameEn,
  icon: s.icon,
  client_id: s.clientId,
  go_url: s.goUrl,
  identity_types: s.identityTypes,
  school_ids: s.schoolIds,
  activation_required: s.activationRequired,
  enabled: s.enabled,
  sort_order: s.sortOrder,
  owner_org_id: s.ownerOrgId,
});

const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

export function createServiceCatalog(deps: {
  db: Db;
  audit: AuditLog;
  consents: ConsentService;
}): ServiceCatalog {
  const { db, audit, consents } = deps;

  async function ownerOf(service: Service): Promise<Organization | null> {
    return service.ownerOrgId ? ((await findOrganizationById(db, service.ownerOrgId)) ?? null) : null;
  }

  /** The service of this id if the actor manages it. @throws admin.not_found */
  async function visible(actor: Actor, id: string): Promise<Service> {
    const service = await findServiceById(db, id);
    authorizeVisible(actor, 'service.manage', service && targetOf(await ownerOf(service)));
    return service!;
  }

  /** Checks the fields against the actor's reach; the row to write. */
  async function validate(actor: Actor, f: ServiceFields): Promise<ServiceInput> {
    const nameZh = f.nameZh.trim();
    assert(nameZh !== '', serviceErrors.name_required);
    const nameEn = f.nameEn?.trim() ?? '';
    const descriptionZh = f.descriptionZh?.trim() ?? '';
    const descriptionEn = f.descriptionEn?.trim() ?? '';
    assert(nameZh.length <= MAX_NAME && nameEn.length <= MAX_NAME, serviceErrors.too_long);
    assert(
      descriptionZh.length <= MAX_DESCRIPTION && descriptionEn.length <= MAX_DESCRIPTION,
      serviceErrors.too_long,
    );
    assert((SERVICE_ICONS as readonly string[]).includes(f.icon), serviceErrors.icon_invalid);

    const ownerId = blank(f.ownerOrgId);
    const owner = ownerId ? await findOrganizationById(db, ownerId) : null;
    assert(owner !== undefined, serviceErrors.owner_invalid);
    authorize(actor, 'service.manage', targetOf(owner));

    const clientId = blank(f.clientId);
    assert(clientId === null || (await findClientRow(db, clientId)), serviceErrors.client_invalid);

    const identityTypes = [...new Set(f.identityTypes ?? [])];
    assert(
      identityTypes.every((t) => (SERVICE_IDENTITY_TYPES as readonly string[]).includes(t)),
      serviceErrors.identity_invalid,
    );

    // a school's own service is for that school; others may be restricted to schools the
    // actor administers
    let schoolIds = [...new Set((f.schoolIds ?? []).map((s) => s.trim()).filter(Boolean))];
    if (owner?.kind === 'school') schoolIds = [owner.id];
    assert(
      schoolIds.every((id) => actor.schoolIds.includes(id)) &&
        (await countSchools(db, schoolIds)) === schoolIds.length,
      serviceErrors.school_invalid,
    );
    return {
      nameZh,
      nameEn,
      icon: f.icon as ServiceIcon,
      descriptionZh,
      descriptionEn,
      clientId,
      goUrl: checkedUrl(f.goUrl),
      identityTypes: SERVICE_IDENTITY_TYPES.filter((t) => identityTypes.includes(t)),
      schoolIds,
      activationRequired: f.activationRequired,
      enabled: f.enabled,
      sortOrder: checkedSortOrder(f.sortOrder),
      ownerOrgId: owner?.id ?? null,
    };
  }

  /** Runs a write; a client already bound to another service becomes service.client_taken. */
  async function writing<T>(work: (trx: DbOrTx) => Promise<T>): Promise<T> {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (isUniqueViolation(err)) throw serviceErrors.client_taken();
      throw err;
    }
  }

  async function eligible(accountId: string, serviceId: string): Promise<AccountService | undefined> {
    return (await listServicesForAccount(db, accountId)).find((s) => s.id === serviceId);
  }

  return {
    async list(actor, page) {
      assert(actor.countyIds.length > 0 || actor.schoolIds.length > 0, policyErrors.forbidden);
      return listServices(
        db,
        { ownerOrgIds: [...actor.countyIds, ...actor.schoolIds], includeCountyWide: isCountyAdmin(actor) },
        page,
      );
    },

    get: visible,

    async create(actor, fields) {
      const input = await validate(actor, fields);
      return writing(async (trx) => {
        const created = await insertService(trx, input);
        await audit.record(trx, actor, {
          action: 'service.create',
          targetType: 'service',
          targetId: created.id,
          orgId: created.ownerOrgId,
          after: snapshot(created),
        });
        return created;
      });
    },

    async update(actor, id, fields) {
      const before = await visible(actor, id);
      const input = await validate(actor, fields);
      return writing(async (trx) => {
        const updated = await updateService(trx, before.id, input);
        if (!updated) throw policyErrors.not_found();
        await audit.record(trx, actor, {
          action: 'service.update',
          targetType: 'service',
          targetId: updated.id,
          orgId: updated.ownerOrgId,
          before: snapshot(before),
          after: snapshot(updated),
        });
        return updated;
      });
    },

    async remove(actor, id) {
      const found = await visible(actor, id);
      return db.transaction(async (trx) => {
        if (!(await deleteService(trx, found.id))) throw policyErrors.not_found();
        await audit.record(trx, actor, {
          action: 'service.delete',
          targetType: 'service',
          targetId: found.id,
          orgId: found.ownerOrgId,
          before: snapshot(found),
        });
        return found;
      });
    },

    async owners(actor) {
      const orgs = await findOrganizationsByIds(db, [...actor.countyIds, ...actor.schoolIds]);
      const counties = orgs.filter((o) => o.kind === 'county');
      const schools = orgs.filter((o) => o.kind === 'school');
      return [
        ...(isCountyAdmin(actor) ? [{ id: null, kind: 'county_wide' as const, name: '' }] : []),
        ...counties.map((o) => ({ id: o.id, kind: 'county' as const, name: o.name })),
        ...schools.map((o) => ({ id: o.id, kind: 'school' as const, name: o.name })),
      ];
    },

    async schools(actor) {
      return (await findOrganizationsByIds(db, actor.schoolIds)).filter((o) => o.kind === 'school');
    },

    async clients() {
      return (await listClientRows(db)).map((r) => ({
        clientId: r.clientId,
        name: typeof r.metadata.client_name === 'string' ? r.metadata.client_name : r.clientId,
      }));
    },

    listForAccount: (accountId) => listServicesForAccount(db, accountId),

    async activate(accountId, serviceId) {
      const service = await eligible(accountId, serviceId);
      assert(service, serviceErrors.not_available);
      return openActivation(db, accountId, service.id);
    },

    async deactivate(accountId, serviceId) {
      const service = await findServiceById(db, serviceId);
      assert(service, serviceErrors.not_available);
      const closed = await closeActivation(db, accountId, service.id);
      // after the row is closed no new code is issued (the login gate); the tokens already
      // issued under the client's grants go with the grants
      if (service.clientId) await consents.revoke(accountId, service.clientId);
      return closed;
    },

    history: (accountId, serviceId) => listActivations(db, accountId, serviceId),

    async isActivationMissing(accountId, clientId) {
      const service = await findServiceByClientId(db, clientId);
      if (!service?.activationRequired) return false;
      return !(await findOpenActivation(db, accountId, service.id));
    },

    async activationFor(accountId, clientId) {
      const service = await findServiceByClientId(db, clientId);
      if (!service) return undefined;
      const mine = await eligible(accountId, service.id);
      const open = await findOpenActivation(db, accountId, service.id);
      return { service, available: !!mine, activatedAt: open?.activatedAt ?? null };
    },
  };
}
