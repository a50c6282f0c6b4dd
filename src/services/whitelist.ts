/**
 * 白名單: address ranges per county and per school, with the education-network (TANet)
 * ranges from configuration as defaults. passOne (issue 4) and, when ADMIN_IP_RESTRICT is
 * set, the admin console ask isAllowed(). County admins manage the ranges of their county
 * and its schools, school admins those of their school (policy: whitelist.manage); every
 * change is audited.
 */
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  anyRangeContains,
  deleteIpRange,
  findIpRangeById,
  type IpRangeView,
  insertIpRange,
  listIpRanges,
} from '../adapters/db/ip-ranges.js';
import {
  findOrganizationById,
  findOrganizationsByIds,
  type Organization,
} from '../adapters/db/organizations.js';
import type { Db } from '../adapters/db.js';
import { AppError, assert, defineErrors } from '../errors.js';
import { type Actor, authorizeVisible, type Target } from './admin/policy.js';
import { type AuditLog, createAuditLog } from './audit.js';

export type { IpRangeView } from '../adapters/db/ip-ranges.js';

export const whitelistErrors = defineErrors('whitelist', {
  cidr_invalid: { message: 'whitelist.cidr_invalid' },
  host_bits: { message: 'whitelist.host_bits' },
  too_broad: { message: 'whitelist.too_broad' },
  label_too_long: { message: 'whitelist.label_too_long' },
  org_invalid: { message: 'whitelist.org_invalid' },
  duplicate: { status: 409, message: 'whitelist.duplicate' },
});

export const WHITELIST_LABEL_MAX = 100;
/** a whitelist entry wider than this would open the console or passOne to a whole region */
const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

/** A range whose host bits are set; `network` is what the admin probably meant. */
export class HostBitsError extends AppError {
  constructor(readonly network: string) {
    super('whitelist.host_bits', `host bits are set: did you mean ${network}?`, 400);
  }
}

/**
 * A range as typed by an admin → its canonical CIDR: a host address without /len becomes /32
 * or /128, an IPv4-mapped IPv6 address or range becomes IPv4, IPv6 is written compactly.
 * @throws whitelist.cidr_invalid, whitelist.too_broad, whitelist.host_bits (HostBitsError)
 */
export function normalizeCidr(input: string): string {
  const text = input.normalize('NFKC').trim();
  const [address = '', bits, ...rest] = text.split('/');
  assert(rest.length === 0 && isIP(address) !== 0, whitelistErrors.cidr_invalid);
  let addr = ipaddr.parse(address);
  let prefix = addr.kind() === 'ipv4' ? 32 : 128;
  if (bits !== undefined) {
    assert(/^\d{1,3}$/.test(bits) && Number(bits) <= prefix, whitelistErrors.cidr_invalid);
    prefix = Number(bits);
  }
  if (addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() && prefix >= 96) {
    addr = addr.toIPv4Address();
    prefix -= 96;
  }
  const kind = addr.kind();
  assert(prefix >= MIN_PREFIX[kind], whitelistErrors.too_broad);
  const network =
    addr instanceof ipaddr.IPv4
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
  if (network.toString() !== addr.toString()) throw new HostBitsError(`${network.toString()}/${prefix}`);
  return `${addr.toString()}/${prefix}`;
}

/** 1.2.3.4, ::ffff:1.2.3.4 → 1.2.3.4; anything unparsable → undefined. */
export function normalizeIp(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  return ipaddr.process(ip).toString();
}

export function createTanetMatcher(ranges: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', bits = ''] = range.split('/');
    list.addSubnet(address, Number(bits), address.includes(':') ? 'ipv6' : 'ipv4');
  }
  return (ip) => {
    const normalized = normalizeIp(ip);
    if (!normalized) return false;
    return list.check(normalized, normalized.includes(':') ? 'ipv6' : 'ipv4');
  };
}

export interface WhitelistListFilter {
  orgId?: string | undefined;
  offset: number;
  limit: number;
}

export interface Whitelist {
  /** the configured education-network defaults (TANET_IP_RANGES) */
  readonly tanetRanges: readonly string[];
  isTanet(ip: string): boolean;
  /** In TANet, or in a range of one of these organisations (a school and its county). */
  isAllowed(ip: string, orgIds: readonly string[], options?: { tanet?: boolean }): Promise<boolean>;
  /** Ranges of the counties and schools the actor administers. */
  list(actor: Actor, filter: WhitelistListFilter): Promise<{ rows: IpRangeView[]; total: number }>;
  /** The counties and schools the actor may keep ranges for. */
  organizations(actor: Actor): Promise<Organization[]>;
  /** @throws admin.not_found, admin.forbidden, whitelist.* */
  add(
    actor: Actor,
    input: { orgId: string; cidr: string; label?: string | null | undefined },
  ): Promise<IpRangeView>;
  /** @throws admin.not_found, admin.forbidden */
  remove(actor: Actor, id: string): Promise<IpRangeView>;
}

const targetOf = (org: { kind: 'county' | 'school'; id: string }): Target =>
  org.kind === 'county' ? { countyId: org.id } : { schoolId: org.id };

const snapshot = (r: Pick<IpRangeView, 'orgId' | 'cidr' | 'label'>) => ({
  org_id: r.orgId,
  cidr: r.cidr,
  label: r.label,
});

export function createWhitelist(
  db: Db,
  tanetRanges: readonly string[],
  audit: AuditLog = createAuditLog(db),
): Whitelist {
  const isTanet = createTanetMatcher(tanetRanges);
  return {
    tanetRanges: Object.freeze([...tanetRanges]),
    isTanet,
    async isAllowed(ip, orgIds, options = {}) {
      const normalized = normalizeIp(ip);
      if (!normalized) return false;
      if (options.tanet !== false && isTanet(normalized)) return true;
      return anyRangeContains(db, orgIds, normalized);
    },

    list: (actor, f) => listIpRanges(db, { ...f, orgIds: [...actor.countyIds, ...actor.schoolIds] }),

    organizations: (actor) => findOrganizationsByIds(db, [...actor.countyIds, ...actor.schoolIds]),

    async add(actor, input) {
      const org = await findOrganizationById(db, input.orgId.trim());
      assert(org, whitelistErrors.org_invalid);
      authorizeVisible(actor, 'whitelist.manage', targetOf(org));
      const cidr = normalizeCidr(input.cidr);
      const label = (input.label ?? '').normalize('NFC').trim().replace(/\s+/g, ' ') || null;
      assert(!label || label.length <= WHITELIST_LABEL_MAX, whitelistErrors.label_too_long);
      return db.transaction(async (trx) => {
        const created = await insertIpRange(trx, { orgId: org.id, cidr, label, createdBy: actor.accountId });
        assert(created, whitelistErrors.duplicate);
        await audit.record(trx, actor, {
          action: 'whitelist.add',
          targetType: 'ip_range',
          targetId: created.id,
          orgId: org.id,
          after: snapshot(created),
        });
        const view = await findIpRangeById(trx, created.id);
        assert(view, whitelistErrors.duplicate);
        return view;
      });
    },

    async remove(actor, id) {
      const found = await findIpRangeById(db, id);
      authorizeVisible(
        actor,
        'whitelist.manage',
        found && targetOf({ kind: found.orgKind, id: found.orgId }),
      );
      return db.transaction(async (trx) => {
        const deleted = await deleteIpRange(trx, id);
        authorizeVisible(
          actor,
          'whitelist.manage',
          deleted ? targetOf({ kind: found!.orgKind, id: found!.orgId }) : undefined,
        );
        await audit.record(trx, actor, {
          action: 'whitelist.delete',
          targetType: 'ip_range',
          targetId: id,
          orgId: found!.orgId,
          before: snapshot(found!),
        });
        return found!;
      });
    },
  };
}
