/**
 * Loads an Actor (the signed-in admin, teacher or API caller) with the scope the policy
 * checks: roles, the schools under administered counties, and the classes taught. Loaded per
 * request, so a role granted or revoked takes effect at the next click.
 */
import type { Account } from '../../adapters/db/accounts.js';
import { listRoleAssignments, listSchoolIdsOfCounties, listTaughtClassIds } from '../../adapters/db/roles.js';
import type { Db } from '../../adapters/db.js';
import type { Actor, AdminVia } from './policy.js';

export async function loadActor(
  db: Db,
  account: Account,
  context: { ip: string; via: AdminVia },
): Promise<Actor> {
  const [roles, teacherClassIds] = await Promise.all([
    listRoleAssignments(db, account.id),
    listTaughtClassIds(db, account.id),
  ]);
  const countyIds = roles.filter((r) => r.role === 'county_admin').map((r) => r.orgId);
  const adminSchoolIds = roles.filter((r) => r.role === 'school_admin').map((r) => r.orgId);
  const countySchools = await listSchoolIdsOfCounties(db, countyIds);
  return {
    accountId: account.id,
    username: account.username,
    name: account.name,
    ip: context.ip,
    via: context.via,
    countyIds,
    adminSchoolIds,
    countySchoolIds: countySchools,
    schoolIds: [...new Set([...adminSchoolIds, ...countySchools])],
    teacherClassIds,
  };
}
