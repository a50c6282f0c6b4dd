/**
 * 學校異動 (the seeds' 問題三: a teacher registered at school A moves to school B).
 *
 *   B's admin   looks the account up by exact username or full national ID (sees username,
 *               name, masked ID and current school only), requests the move with the titles
 *               it will hold at B                                    → pending (待審核)
 *   A's admin   approves (or the county does), or rejects with a reason
 *   B's admin   may cancel while it is pending
 *
 * Approval, in one transaction: titles at A end (their rows stay: history), titles at B are
 * set in order with the identity title first, the account's school becomes B, and its class
 * seats, taught classes and school-admin roles at A are removed (recorded in the audit entry).
 * One pending request per account (database index school_transfers__one_pending).
 */
import {
  findLiveAccountByNationalIdHash,
  listCurrentTitlesAt,
  listSchoolRefs,
  lockAccount,
  removeClassMembershipsAt,
  removeSchoolAdminRolesAt,
  removeTaughtClassesAt,
  replaceCurrentTitles,
} from '../adapters/db/account-directory.js';
import {
  type Account,
  findAccountByIdIncludingDeleted,
  findAccountByUsername,
  updateAccount,
} from '../adapters/db/accounts.js';
import {
  closeTransfer,
  findTransferById,
  insertTransfer,
  listTransfers,
  type Transfer,
  type TransferStatus,
} from '../adapters/db/transfers.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { defineErrors } from '../errors.js';
import { normalizeTitles, orderTitles } from './account-admin.js';
import { normalizeUsername } from './accounts.js';
import { type Actor, authorize, can, policyErrors } from './admin/policy.js';
import type { AuditLog } from './audit.js';
import { hashNationalId, isValidNationalId, nationalIdErrors } from './national-id.js';
import type { SecretBox } from './secret-box.js';

export type { Transfer, TransferStatus };

export const transferErrors = defineErrors('transfer', {
  lookup_required: { message: 'transfer.lookup_required' },
  account_not_found: { status: 404, message: 'transfer.account_not_found' },
  no_school: { status: 409, message: 'transfer.no_school' },
  same_school: { status: 409, message: 'transfer.same_school' },
  already_pending: { status: 409, message: 'transfer.already_pending' },
  not_pending: { status: 409, message: 'transfer.not_pending' },
  stale: { status: 409, message: 'transfer.stale' },
  reason_required: { message: 'transfer.reason_required' },
  reason_too_long: { message: 'transfer.reason_too_long' },
});

/** All another school's admin learns about an account before asking for it. */
export interface TransferCandidate {
  id: string;
  username: string;
  name: string | null;
  nationalIdMasked: string | null;
  schoolId: string | null;
  schoolName: string | null;
}

export type TransferDirection = 'incoming' | 'outgoing' | 'all';

export interface TransferView {
  transfer: Transfer;
  can: { decide: boolean; cancel: boolean };
}

export interface TransferService {
  /** @throws admin.forbidden, transfer.lookup_required | account_not_found, national_id.invalid */
  lookup(
    actor: Actor,
    by: { username?: string | undefined; nationalId?: string | undefined; accountId?: string | undefined },
  ): Promise<TransferCandidate>;
  /**
   * @throws admin.forbidden (destination not administered), transfer.account_not_found | no_school |
   *   same_school | already_pending, account_admin.titles_invalid
   */
  request(
    actor: Actor,
    input: { accountId: string; toSchoolId: string; titles: string[] },
  ): Promise<TransferView>;
  /**
   * incoming: requests to release accounts of the actor's schools (待審核 when pending);
   * outgoing: the actor's schools' own requests; all: both.
   */
  list(
    actor: Actor,
    filter: {
      direction: TransferDirection;
      status?: TransferStatus | undefined;
      offset: number;
      limit: number;
    },
  ): Promise<{ rows: Transfer[]; total: number }>;
  /** @throws admin.not_found */
  get(actor: Actor, id: string): Promise<TransferView>;
  /** @throws admin.not_found, admin.forbidden, transfer.not_pending | stale */
  approve(actor: Actor, id: string): Promise<TransferView>;
  /** @throws admin.not_found, admin.forbidden, transfer.not_pending | reason_required | reason_too_long */
  reject(actor: Actor, id: string, reason: string): Promise<TransferView>;
  /** @throws admin.not_found, admin.forbidden, transfer.not_pending */
  cancel(actor: Actor, id: string): Promise<TransferView>;
  /** Schools the actor may request transfers into. */
  destinations(actor: Actor): ReturnType<typeof listSchoolRefs>;
}

const REASON_MAX = 500;

export function createTransferService(deps: { db: Db; audit: AuditLog; box: SecretBox }): TransferService {
  const { db, audit } = deps;

  const mayDecide = (actor: Actor, t: Transfer) =>
    can(actor, 'transfer.decide', { schoolId: t.fromSchoolId });
  const mayRequest = (actor: Actor, t: Transfer) =>
    can(actor, 'transfer.request', { schoolId: t.toSchoolId });

  function viewOf(actor: Actor, t: Transfer): TransferView {
    return {
      transfer: t,
      can: {
        decide: t.status === 'pending' && mayDecide(actor, t),
        cancel: t.status === 'pending' && mayRequest(actor, t),
      },
    };
  }

  /** A request either side may see; anyone else is told it does not exist. */
  async function visible(conn: DbOrTx, actor: Actor, id: string, lock = false): Promise<Transfer> {
    const t = await findTransferById(conn, id, { lock });
    if (!t || !(mayDecide(actor, t) || mayRequest(actor, t))) throw policyErrors.not_found();
    return t;
  }

  async function get(actor: Actor, id: string) {
    return viewOf(actor, await visible(db, actor, id));
  }

  /** Closes a pending request with its audit entry, after `check` and `extra` ran. */
  async function close(
    actor: Actor,
    id: string,
    status: 'approved' | 'rejected' | 'cancelled',
    check: (t: Transfer) => void,
    extra?: (tx: DbOrTx, t: Transfer) => Promise<void>,
    reason: string | null = null,
  ) {
    await db.transaction(async (tx) => {
      const t = await visible(tx, actor, id, true);
      check(t);
      if (t.status !== 'pending') throw transferErrors.not_pending();
      await extra?.(tx, t);
      if (!(await closeTransfer(tx, id, { status, decidedBy: actor.accountId, reason }))) {
        throw transferErrors.not_pending();
      }
      await audit.record(tx, actor, {
        action: `transfer.${status === 'approved' ? 'approve' : status === 'rejected' ? 'reject' : 'cancel'}`,
        targetType: 'transfer',
        targetId: id,
        orgId: status === 'cancelled' ? t.toSchoolId : t.fromSchoolId,
        before: { status: 'pending' },
        after: { status, reason, accountId: t.accountId, from: t.fromSchoolId, to: t.toSchoolId },
      });
    });
    return get(actor, id);
  }

  return {
    async lookup(actor, by) {
      if (actor.schoolIds.length === 0) throw policyErrors.forbidden();
      const username = by.username ? normalizeUsername(by.username) : '';
      const nationalId = by.nationalId?.trim() ?? '';
      if (!username && !nationalId && !by.accountId) throw transferErrors.lookup_required();
      let account: Account | undefined;
      if (by.accountId) {
        // the request form, shown again after an error: the account found a moment ago
        account = await findAccountByIdIncludingDeleted(db, by.accountId);
        if (account?.deletedAt) account = undefined;
      } else if (nationalId) {
        if (!isValidNationalId(nationalId)) throw nationalIdErrors.invalid();
        account = await findLiveAccountByNationalIdHash(db, hashNationalId(deps.box, nationalId));
        if (account && username && account.username !== username) account = undefined;
      } else {
        account = await findAccountByUsername(db, username);
      }
      if (!account) throw transferErrors.account_not_found();
      const [school] = account.schoolId ? await listSchoolRefs(db, [account.schoolId]) : [];
      return {
        id: account.id,
        username: account.username,
        name: account.name,
        nationalIdMasked: account.nationalIdMasked,
        schoolId: account.schoolId,
        schoolName: school?.name ?? null,
      };
    },

    async request(actor, input) {
      authorize(actor, 'transfer.request', { schoolId: input.toSchoolId });
      const requested = normalizeTitles(input.titles);
      const id = await db.transaction(async (tx) => {
        const account = await lockAccount(tx, input.accountId);
        if (!account || account.deletedAt) throw transferErrors.account_not_found();
        if (!account.schoolId) throw transferErrors.no_school();
        if (account.schoolId === input.toSchoolId) throw transferErrors.same_school();
        const titles = orderTitles(account.identityType, requested);
        const created = await insertTransfer(tx, {
          accountId: account.id,
          fromSchoolId: account.schoolId,
          toSchoolId: input.toSchoolId,
          titles,
          requestedBy: actor.accountId,
        });
        if (!created) throw transferErrors.already_pending();
        await audit.record(tx, actor, {
          action: 'transfer.request',
          targetType: 'transfer',
          targetId: created,
          orgId: input.toSchoolId,
          after: {
            status: 'pending',
            accountId: account.id,
            username: account.username,
            from: account.schoolId,
            to: input.toSchoolId,
            titles,
          },
        });
        return created;
      });
      return get(actor, id);
    },

    async list(actor, filter) {
      if (actor.schoolIds.length === 0) throw policyErrors.forbidden();
      const mine = actor.schoolIds;
      return listTransfers(db, {
        fromSchoolIds: filter.direction !== 'outgoing' ? mine : undefined,
        toSchoolIds: filter.direction !== 'incoming' ? mine : undefined,
        status: filter.status,
        offset: filter.offset,
        limit: Math.min(Math.max(filter.limit, 1), 200),
      });
    },

    get,

    approve(actor, id) {
      return close(
        actor,
        id,
        'approved',
        (t) => authorize(actor, 'transfer.decide', { schoolId: t.fromSchoolId }),
        async (tx, t) => {
          const account = await lockAccount(tx, t.accountId);
          // moved or deleted since the request: the request no longer describes the account
          if (!account || account.deletedAt || account.schoolId !== t.fromSchoolId)
            throw transferErrors.stale();
          const before = {
            schoolId: t.fromSchoolId,
            titles: {
              [t.fromSchoolId]: await listCurrentTitlesAt(tx, account.id, t.fromSchoolId),
              [t.toSchoolId]: await listCurrentTitlesAt(tx, account.id, t.toSchoolId),
            },
          };
          const titles = orderTitles(account.identityType, t.titles);
          await replaceCurrentTitles(tx, account.id, t.fromSchoolId, []);
          await replaceCurrentTitles(tx, account.id, t.toSchoolId, titles);
          const seats = await removeClassMembershipsAt(tx, account.id, t.fromSchoolId);
          const taught = await removeTaughtClassesAt(tx, account.id, t.fromSchoolId);
          const roles = await removeSchoolAdminRolesAt(tx, account.id, t.fromSchoolId);
          await updateAccount(tx, account.id, { schoolId: t.toSchoolId });
          await audit.record(tx, actor, {
            action: 'account.transfer',
            targetType: 'account',
            targetId: account.id,
            orgId: t.toSchoolId,
            before: {
              ...before,
              classes: seats.map((s) => ({
                classId: s.classId,
                schoolYear: s.schoolYear,
                semester: s.semester,
                title: s.title,
                seatNo: s.seatNo,
              })),
              taughtClassIds: taught,
              schoolAdmin: roles > 0,
            },
            after: {
              schoolId: t.toSchoolId,
              titles: { [t.fromSchoolId]: [], [t.toSchoolId]: titles },
              classes: [],
              transferId: t.id,
            },
          });
        },
      );
    },

    async reject(actor, id, reason) {
      const text = reason.normalize('NFKC').trim();
      if (!text) throw transferErrors.reason_required();
      if ([...text].length > REASON_MAX) throw transferErrors.reason_too_long();
      return close(
        actor,
        id,
        'rejected',
        (t) => authorize(actor, 'transfer.decide', { schoolId: t.fromSchoolId }),
        undefined,
        text,
      );
    },

    cancel(actor, id) {
      return close(actor, id, 'cancelled', (t) =>
        authorize(actor, 'transfer.request', { schoolId: t.toSchoolId }),
      );
    },

    destinations: (actor) => listSchoolRefs(db, actor.schoolIds),
  };
}
