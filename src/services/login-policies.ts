/**
 * 啟用登入機制 (issue 4): county admins keep per-client, per-identity login rules (allowed
 * methods, required assurance); provider/policy.ts applies them at every sign-in. This
 * service is both sides: the audited admin operations (policy action login_policy.manage)
 * and the policy's source of accounts and rules.
 */
import { findAccountById } from '../adapters/db/accounts.js';
import { listClientRows } from '../adapters/db/clients.js';
import {
  deleteLoginPolicy,
  findApplicableLoginPolicies,
  findLoginPolicyById,
  findLoginPolicyByKey,
  hasAdminRole,
  type LoginPolicyRule,
  type LoginPolicyView,
  listLoginPolicies,
  upsertLoginPolicy,
} from '../adapters/db/login-policies.js';
import {
  findOrganizationById,
  findOrganizationsByIds,
  type Organization,
} from '../adapters/db/organizations.js';
import type { Db } from '../adapters/db.js';
import { assert, defineErrors } from '../errors.js';
import { isKnownAcr, type LoginPolicySource, METHOD_IDS } from '../provider/policy.js';
import { type Actor, authorize, authorizeVisible, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';

export type { LoginPolicyView } from '../adapters/db/login-policies.js';

export const IDENTITY_TYPES = ['student', 'teacher', 'staff', 'other'] as const;

export const loginPolicyErrors = defineErrors('login_policy', {
  county_invalid: { message: 'login_policy.county_invalid' },
  client_invalid: { message: 'login_policy.client_invalid' },
  identity_invalid: { message: 'login_policy.identity_invalid' },
  method_invalid: { message: 'login_policy.method_invalid' },
  acr_invalid: { message: 'login_policy.acr_invalid' },
  empty_rule: { message: 'login_policy.empty_rule' },
});

export interface ClientChoice {
  clientId: string;
  name: string;
}

export interface LoginPolicyInput {
  countyId: string;
  /** null or '' = every client */
  clientId: string | null;
  /** null or '' = every identity */
  identityType: string | null;
  allowedMethods: readonly string[];
  requiredAcr: string | null;
}

export interface LoginPolicies extends LoginPolicySource {
  /** The rules of the actor's counties. @throws admin.forbidden (not a county admin) */
  list(
    actor: Actor,
    page: { countyId?: string | undefined; offset: number; limit: number },
  ): Promise<{ rows: LoginPolicyView[]; total: number }>;
  /** The counties whose rules the actor keeps. */
  counties(actor: Actor): Promise<Organization[]>;
  /** The clients a rule can name: the registered ones and the IdP's own pages. */
  clients(): Promise<ClientChoice[]>;
  /** Creates the rule of (county, client, identity) or replaces it. @throws admin.*, login_policy.* */
  save(actor: Actor, input: LoginPolicyInput): Promise<LoginPolicyView>;
  /** @throws admin.not_found */
  remove(actor: Actor, id: string): Promise<LoginPolicyView>;
}

const snapshot = (r: LoginPolicyRule) => ({
  county_id: r.countyId,
  client_id: r.clientId,
  identity_type: r.identityType,
  allowed_methods: r.allowedMethods,
  required_acr: r.requiredAcr,
});

const blankToNull = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

export function createLoginPolicies(
  db: Db,
  audit: AuditLog,
  options: { staticClients: readonly ClientChoice[] },
): LoginPolicies {
  async function clients(): Promise<ClientChoice[]> {
    const rows = await listClientRows(db);
    return [
      ...options.staticClients,
      ...rows.map((r) => ({
        clientId: r.clientId,
        name: typeof r.metadata.client_name === 'string' ? r.metadata.client_name : r.clientId,
      })),
    ];
  }

  return {
    async policyAccount(accountId) {
      const account = await findAccountById(db, accountId);
      if (!account) return undefined;
      const org = account.schoolId ? await findOrganizationById(db, account.schoolId) : undefined;
      const countyId = org ? (org.kind === 'county' ? org.id : org.parentId) : null;
      return {
        identityType: account.identityType,
        countyId,
        isAdmin: await hasAdminRole(db, accountId),
      };
    },

    rulesFor: (q) => findApplicableLoginPolicies(db, q),

    async list(actor, page) {
      assert(actor.countyIds.length > 0, policyErrors.forbidden);
      const countyIds = page.countyId
        ? actor.countyIds.filter((id) => id === page.countyId)
        : actor.countyIds;
      return listLoginPolicies(db, { countyIds, offset: page.offset, limit: page.limit });
    },

    counties: (actor) => findOrganizationsByIds(db, actor.countyIds),

    clients,

    async save(actor, input) {
      const county = await findOrganizationById(db, input.countyId.trim());
      assert(county?.kind === 'county', loginPolicyErrors.county_invalid);
      authorize(actor, 'login_policy.manage', { countyId: county.id });
      const clientId = blankToNull(input.clientId);
      const identityType = blankToNull(input.identityType);
      assert(
        clientId === null || (await clients()).some((c) => c.clientId === clientId),
        loginPolicyErrors.client_invalid,
      );
      assert(
        identityType === null || (IDENTITY_TYPES as readonly string[]).includes(identityType),
        loginPolicyErrors.identity_invalid,
      );
      const methods = [...new Set(input.allowedMethods)];
      assert(
        methods.every((m) => (METHOD_IDS as readonly string[]).includes(m)),
        loginPolicyErrors.method_invalid,
      );
      const requiredAcr = blankToNull(input.requiredAcr);
      assert(requiredAcr === null || isKnownAcr(requiredAcr), loginPolicyErrors.acr_invalid);
      // a rule that allows everything and requires nothing is no rule: delete it instead
      assert(methods.length > 0 || requiredAcr !== null, loginPolicyErrors.empty_rule);
      const allowedMethods = METHOD_IDS.filter((m) => methods.includes(m));
      return db.transaction(async (trx) => {
        const key = { countyId: county.id, clientId, identityType };
        const before = await findLoginPolicyByKey(trx, key);
        const saved = await upsertLoginPolicy(trx, {
          ...key,
          allowedMethods,
          requiredAcr,
          updatedBy: actor.accountId,
        });
        await audit.record(trx, actor, {
          action: 'login_policy.save',
          targetType: 'login_policy',
          targetId: saved.id,
          orgId: county.id,
          before: before ? snapshot(before) : null,
          after: snapshot(saved),
        });
        return { ...saved, updatedByUsername: actor.username };
      });
    },

    async remove(actor, id) {
      const found = await findLoginPolicyById(db, id);
      authorizeVisible(actor, 'login_policy.manage', found && { countyId: found.countyId });
      return db.transaction(async (trx) => {
        const deleted = await deleteLoginPolicy(trx, id);
        authorizeVisible(actor, 'login_policy.manage', deleted ? { countyId: found!.countyId } : undefined);
        await audit.record(trx, actor, {
          action: 'login_policy.delete',
          targetType: 'login_policy',
          targetId: id,
          orgId: found!.countyId,
          before: snapshot(found!),
        });
        return found!;
      });
    },
  };
}
