/**
 * The directory part of `edu-idp import FILE.json`: the county and its schools, and for users
 * their school, identity, titles, admin roles, legacy OpenID identifiers and national ID. This
 * is how an operator bootstraps a new installation (the first county admin) before anyone can
 * sign in to the admin console. One transaction: a file with an error writes nothing.
 */

import { replaceCurrentTitles } from '../adapters/db/account-directory.js';
import { updateAccount } from '../adapters/db/accounts.js';
import { findOrganizationIdsByCodes, upsertOrganizationByCode } from '../adapters/db/directory-import.js';
import type { SchoolLevel } from '../adapters/db/organizations.js';
import { insertRoleAssignment } from '../adapters/db/roles.js';
import type { Db } from '../adapters/db.js';
import type { AuditLog } from './audit.js';
import { hashNationalId, sealNationalId } from './national-id.js';
import type { SecretBox } from './secret-box.js';

export interface OrganizationImport {
  kind: 'county' | 'school';
  code: string;
  name: string;
  short_name?: string | undefined;
  level?: SchoolLevel | undefined;
  /** a school's county, by code */
  county?: string | undefined;
}

export interface UserDirectoryImport {
  accountId: string;
  username: string;
  school?: string | undefined;
  identity_type?: 'student' | 'teacher' | 'staff' | 'other' | undefined;
  titles?: string[] | undefined;
  roles?: Array<{ role: 'county_admin' | 'school_admin'; org: string }> | undefined;
  openid2_ids?: string[] | undefined;
  national_id?: string | undefined;
}

export async function importDirectory(
  deps: { db: Db; box: SecretBox; audit: AuditLog },
  input: { organizations: OrganizationImport[]; users: UserDirectoryImport[] },
  out: (line: string) => void,
): Promise<void> {
  const { db, box, audit } = deps;
  await db.transaction(async (tx) => {
    const counties = input.organizations.filter((o) => o.kind === 'county');
    const schools = input.organizations.filter((o) => o.kind === 'school');
    for (const o of [...counties, ...schools]) {
      let parentId: string | null = null;
      if (o.kind === 'school') {
        const county = (await findOrganizationIdsByCodes(tx, [o.county ?? ''])).get(o.county ?? '');
        if (county?.kind !== 'county')
          throw new Error(`school ${o.code}: county "${o.county ?? ''}" not found`);
        parentId = county.id;
      }
      const { id, created } = await upsertOrganizationByCode(tx, {
        kind: o.kind,
        code: o.code,
        name: o.name,
        shortName: o.short_name ?? null,
        level: o.kind === 'school' ? (o.level ?? 'other') : null,
        parentId,
      });
      await audit.record(tx, 'cli', {
        action: created ? 'organization.create' : 'organization.update',
        targetType: 'organization',
        targetId: id,
        orgId: id,
        after: { kind: o.kind, code: o.code, name: o.name },
      });
      out(`${o.kind} ${o.code}: ${created ? 'created' : 'updated'}`);
    }

    const codes = input.users
      .flatMap((u) => [u.school ?? '', ...(u.roles ?? []).map((r) => r.org)])
      .filter(Boolean);
    const orgs = await findOrganizationIdsByCodes(tx, codes);
    for (const u of input.users) {
      const school = u.school ? orgs.get(u.school) : undefined;
      if (u.school && school?.kind !== 'school')
        throw new Error(`user ${u.username}: school "${u.school}" not found`);
      if (u.titles?.length && !school) throw new Error(`user ${u.username}: titles need a school`);
      let sealed: ReturnType<typeof sealNationalId> | undefined;
      if (u.national_id) {
        try {
          sealed = sealNationalId(box, u.national_id);
        } catch {
          throw new Error(`user ${u.username}: national_id is not a valid national ID or resident number`);
        }
        const holder = await tx('accounts')
          .where({ national_id_hash: hashNationalId(box, u.national_id) })
          .first('id');
        if (holder && holder.id !== u.accountId) {
          throw new Error(`user ${u.username}: national_id already belongs to another account`);
        }
      }
      await updateAccount(tx, u.accountId, {
        ...(u.identity_type ? { identityType: u.identity_type } : {}),
        ...(school ? { schoolId: school.id } : {}),
        ...(u.openid2_ids ? { openid2Ids: u.openid2_ids } : {}),
        ...(sealed
          ? { nationalIdSealed: sealed.sealed, nationalIdHash: sealed.hash, nationalIdMasked: sealed.masked }
          : {}),
      });
      if (school && u.titles) await replaceCurrentTitles(tx, u.accountId, school.id, u.titles);
      for (const r of u.roles ?? []) {
        const org = orgs.get(r.org);
        const wanted = r.role === 'county_admin' ? 'county' : 'school';
        if (org?.kind !== wanted)
          throw new Error(`user ${u.username}: role ${r.role} needs a ${wanted} code, got "${r.org}"`);
        const granted = await insertRoleAssignment(tx, {
          accountId: u.accountId,
          role: r.role,
          orgId: org.id,
          grantedBy: null,
        });
        if (granted) {
          await audit.record(tx, 'cli', {
            action: 'role.grant',
            targetType: 'account',
            targetId: u.accountId,
            orgId: org.id,
            after: { role: r.role, org: r.org, username: u.username },
          });
          out(`user ${u.username}: ${r.role} of ${r.org}`);
        }
      }
    }
  });
}
