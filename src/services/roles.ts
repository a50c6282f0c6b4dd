/**
 * 權限管理 (role management): who administers what. County admins grant and revoke the
 * school-admin roles of their county's schools and the county-admin roles of their county
 * (policy: role.manage_school_admin, role.manage_county_admin); school admins see their
 * school's admins, read-only. A county admin cannot revoke their own last county-admin role,
 * so a county is never left without the admin who could repair it. Every change is audited.
 */
import { findAccountByUsername } from '../adapters/db/accounts.js';
import {
  findOrganizationById,
  findOrganizationsByIds,
  listSchoolsOfCounties,
  type Organization,
} from '../adapters/db/organizations.js';
import {
  type AdminRole,
  deleteRoleAssignment,
  findRoleAssignmentById,
  insertRoleAssignment,
  listRoleAssignmentsInScope,
  lockCountyAdminRoles,
  type RoleAssignmentView,
} from '../adapters/db/roles.js';
import type { Db } from '../adapters/db.js';
import { assert, defineErrors } from '../errors.js';
import { normalizeUsername } from './accounts.js';
import {
  type Actor,
  type AdminAction,
  authorize,
  authorizeVisible,
  can,
  type Target,
} from './admin/policy.js';
import type { AuditLog } from './audit.js';

export type { AdminRole, RoleAssignmentView } from '../adapters/db/roles.js';

export const ADMIN_ROLES = ['county_admin', 'school_admin'] as const satisfies readonly AdminRole[];

export const roleErrors = defineErrors('role', {
  role_invalid: { message: 'role.role_invalid' },
  org_invalid: { message: 'role.org_invalid' },
  account_not_found: { message: 'role.account_not_found' },
  exists: { status: 409, message: 'role.exists' },
  last_county_admin: { status: 409, message: 'role.last_county_admin' },
});

export interface RoleListFilter {
  role?: AdminRole | undefined;
  orgId?: string | undefined;
  username?: string | undefined;
  offset: number;
  limit: number;
}

export interface GrantInput {
  username: string;
  role: string;
  orgId: string;
}

/** The policy action and target that managing this role at this organisation needs. */
function manageCheck(role: AdminRole, orgId: string): { action: AdminAction; target: Target } {
  return role === 'county_admin'
    ? { action: 'role.manage_county_admin', target: { countyId: orgId } }
    : { action: 'role.manage_school_admin', target: { schoolId: orgId } };
}

const viewTarget = (role: AdminRole, orgId: string): Target =>
  role === 'county_admin' ? { countyId: orgId } : { schoolId: orgId };

const isRole = (v: string): v is AdminRole => (ADMIN_ROLES as readonly string[]).includes(v);

const snapshot = (r: RoleAssignmentView | (GrantInput & { accountId: string })) => ({
  account_id: r.accountId,
  username: r.username,
  role: r.role,
  org_id: r.orgId,
});

export interface RoleService {
  /** Assignments of the organisations the actor administers. */
  list(actor: Actor, filter: RoleListFilter): Promise<{ rows: RoleAssignmentView[]; total: number }>;
  /** Whether the actor may revoke (or grant) this assignment. */
  canManage(actor: Actor, assignment: Pick<RoleAssignmentView, 'role' | 'orgId'>): boolean;
  /** The organisations whose assignments the actor sees (for filters). */
  organizations(actor: Actor): Promise<Organization[]>;
  /** Where the actor may grant roles: their counties, and the schools of those counties. */
  grantable(actor: Actor): Promise<{ counties: Organization[]; schools: Organization[] }>;
  /** @throws admin.not_found, admin.forbidden, role.* */
  grant(actor: Actor, input: GrantInput): Promise<RoleAssignmentView>;
  /** @throws admin.not_found, admin.forbidden, role.last_county_admin */
  revoke(actor: Actor, id: string): Promise<RoleAssignmentView>;
}

export function createRoleService(db: Db, audit: AuditLog): RoleService {
  const canManage: RoleService['canManage'] = (actor, r) => {
    const { action, target } = manageCheck(r.role, r.orgId);
    return can(actor, action, target);
  };

  return {
    list: (actor, f) =>
      listRoleAssignmentsInScope(db, { ...f, orgIds: [...actor.countyIds, ...actor.schoolIds] }),

    canManage,

    organizations: (actor) => findOrganizationsByIds(db, [...actor.countyIds, ...actor.schoolIds]),

    async grantable(actor) {
      const [counties, schools] = await Promise.all([
        Promise.all(actor.countyIds.map((id) => findOrganizationById(db, id))),
        listSchoolsOfCounties(db, actor.countyIds),
      ]);
      return {
        counties: counties.filter(
          (c): c is Organization => !!c && canManage(actor, { role: 'county_admin', orgId: c.id }),
        ),
        schools: schools.filter((s) => canManage(actor, { role: 'school_admin', orgId: s.id })),
      };
    },

    async grant(actor, input) {
      const role = input.role.trim();
      assert(isRole(role), roleErrors.role_invalid);
      const org = await findOrganizationById(db, input.orgId.trim());
      assert(org && org.kind === (role === 'county_admin' ? 'county' : 'school'), roleErrors.org_invalid);
      authorizeVisible(actor, 'school.view', viewTarget(role, org.id));
      const { action, target } = manageCheck(role, org.id);
      authorize(actor, action, target);
      const username = normalizeUsername(input.username);
      const account = username ? await findAccountByUsername(db, username) : undefined;
      // an account the actor may not see is reported like an unknown one
      assert(
        account && !account.deletedAt && can(actor, 'account.view', { schoolId: account.schoolId }),
        roleErrors.account_not_found,
      );
      return db.transaction(async (trx) => {
        const created = await insertRoleAssignment(trx, {
          accountId: account.id,
          role,
          orgId: org.id,
          grantedBy: actor.accountId,
        });
        assert(created, roleErrors.exists);
        await audit.record(trx, actor, {
          action: 'role.grant',
          targetType: 'role_assignment',
          targetId: created.id,
          orgId: org.id,
          after: snapshot({
            ...input,
            role,
            orgId: org.id,
            accountId: account.id,
            username: account.username,
          }),
        });
        const view = await findRoleAssignmentById(trx, created.id);
        assert(view, roleErrors.exists);
        return view;
      });
    },

    async revoke(actor, id) {
      const found = await findRoleAssignmentById(db, id);
      authorizeVisible(actor, 'school.view', found && viewTarget(found.role, found.orgId));
      const assignment = found!;
      const { action, target } = manageCheck(assignment.role, assignment.orgId);
      authorize(actor, action, target);
      return db.transaction(async (trx) => {
        if (assignment.role === 'county_admin' && assignment.accountId === actor.accountId) {
          const own = await lockCountyAdminRoles(trx, actor.accountId);
          assert(own.length > 1, roleErrors.last_county_admin);
        }
        const deleted = await deleteRoleAssignment(trx, id);
        authorizeVisible(actor, 'school.view', deleted && viewTarget(deleted.role, deleted.orgId));
        await audit.record(trx, actor, {
          action: 'role.revoke',
          targetType: 'role_assignment',
          targetId: id,
          orgId: assignment.orgId,
          before: snapshot(assignment),
        });
        return assignment;
      });
    },
  };
}
