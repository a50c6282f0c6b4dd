/**
 * ADMIN_IP_RESTRICT: the console and the admin API answer only from TANet or from a whitelist
 * range of the admin's own organisations (the counties and schools administered, the
 * account's own school, and the counties those schools belong to).
 */
import { findOrganizationsByIds } from '../adapters/db/organizations.js';
import { type Actor, policyErrors } from '../services/admin/policy.js';
import type { AdminDeps } from './deps.js';

/** @throws admin.ip_not_allowed */
export async function requireAllowedAddress(deps: AdminDeps, actor: Actor, ownSchoolId: string | null) {
  if (!deps.config.adminIpRestrict) return;
  const schoolIds = [...actor.schoolIds, ...(ownSchoolId ? [ownSchoolId] : [])];
  const counties = (await findOrganizationsByIds(deps.db, schoolIds)).flatMap((o) =>
    o.parentId ? [o.parentId] : [],
  );
  const orgIds = [...new Set([...actor.countyIds, ...schoolIds, ...counties])];
  if (!(await deps.whitelist.isAllowed(actor.ip, orgIds))) throw policyErrors.ip_not_allowed();
}
