/**
 * 登入防護 for admins: the throttle's counters and blocks of an account (looked up by
 * username within the actor's reach), of an address, and of the pair; county admins lift a
 * block, with an audit entry. The counters themselves live in services/throttle.ts.
 */
import { isIP } from 'node:net';
import { defineErrors } from '../errors.js';
import type { AccountService } from './accounts.js';
import { normalizeUsername } from './accounts.js';
import { type Actor, authorize, authorizeVisible, isCountyAdmin, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';
import { normaliseIp, type ScopeState, type Throttle } from './throttle.js';

export const throttleAdminErrors = defineErrors('throttle', {
  query_required: { message: 'throttle.query_required' },
  ip_invalid: { message: 'throttle.ip_invalid' },
});

export interface ThrottleQuery {
  username?: string | undefined;
  ip?: string | undefined;
}

export interface ThrottleReport {
  /** the account the username names, when it exists and the actor may see it */
  account: { id: string; username: string; name: string | null; schoolId: string | null } | null;
  username: string | null;
  ip: string | null;
  /** counters of every kind and scope asked for; a scope never used shows 0 failures */
  states: ScopeState[];
  /** 'redis' (shared by all nodes) or 'memory' (evaluation mode, this process only) */
  store: string;
}

export interface ThrottleAdmin {
  /** @throws throttle.query_required | ip_invalid, admin.forbidden, admin.not_found */
  lookup(actor: Actor, query: ThrottleQuery): Promise<ThrottleReport>;
  /** Clears what lookup shows. @throws as lookup, admin.forbidden (not a county admin) */
  clear(actor: Actor, query: ThrottleQuery): Promise<ThrottleReport>;
}

export function createThrottleAdmin(deps: {
  throttle: Throttle;
  accounts: AccountService;
  audit: AuditLog;
}): ThrottleAdmin {
  const { throttle } = deps;

  /** Validates the query and checks the actor may look at it (action: view or clear). */
  async function resolve(actor: Actor, query: ThrottleQuery, action: 'throttle.view' | 'throttle.clear') {
    const username = query.username ? normalizeUsername(query.username) : '';
    const typedIp = query.ip?.trim() ?? '';
    if (!username && !typedIp) throw throttleAdminErrors.query_required();
    if (typedIp && isIP(typedIp) === 0) throw throttleAdminErrors.ip_invalid();
    const ip = typedIp ? normaliseIp(typedIp) : null;
    authorize(actor, 'throttle.view');
    let account: ThrottleReport['account'] = null;
    if (username) {
      const found = await deps.accounts.findByUsername(username);
      if (found) {
        authorizeVisible(actor, 'throttle.view', { schoolId: found.schoolId });
        account = { id: found.id, username: found.username, name: found.name, schoolId: found.schoolId };
      } else if (!isCountyAdmin(actor)) {
        // a username nobody has is sprayed too; its counters are county business
        throw policyErrors.not_found();
      }
    }
    if (action === 'throttle.clear') {
      authorize(actor, 'throttle.clear', account ? { schoolId: account.schoolId } : {});
    }
    return { username: username || null, ip, account };
  }

  async function report(r: Awaited<ReturnType<typeof resolve>>): Promise<ThrottleReport> {
    const states = await throttle.inspect({ account: r.username ?? undefined, ip: r.ip ?? undefined });
    return { ...r, states, store: throttle.store };
  }

  return {
    async lookup(actor, query) {
      return report(await resolve(actor, query, 'throttle.view'));
    },

    async clear(actor, query) {
      const r = await resolve(actor, query, 'throttle.clear');
      const before = await report(r);
      await throttle.clear({ account: r.username ?? undefined, ip: r.ip ?? undefined });
      const blocked = before.states.filter((s) => s.failures > 0 || s.blockedUntil);
      await deps.audit.record(undefined, actor, {
        action: 'throttle.clear',
        targetType: r.account ? 'account' : r.username ? 'username' : 'ip',
        targetId: r.account?.id ?? r.username ?? r.ip,
        orgId: r.account?.schoolId ?? null,
        before: {
          username: r.username,
          ip: r.ip,
          counters: blocked.map((s) => ({
            kind: s.kind,
            scope: s.scope,
            failures: s.failures,
            blocked_until: s.blockedUntil?.toISOString() ?? null,
          })),
        },
        after: { cleared: true },
      });
      return report(r);
    },
  };
}
