/**
 * passOne (一次登入): the backup sign-in of a student who forgot the password.
 *
 *   list     a teacher (own classes' students) or a school admin (the school's students)
 *            adds students to the passOne list ("Add to passOne"); the list lives per issuer
 *            in the short-lived store until it is confirmed (名單確認)
 *   issue    建立一次性登入通行碼: one random code per student (50 bits from randomBytes,
 *            10 characters of an unambiguous alphabet, ABCD-EFGH-JK), stored only as a keyed
 *            hash (secret box, context 'pass-one'), valid PASS_ONE_TTL (40 minutes); new codes
 *            revoke the student's older unused ones; one audit entry per student, no code
 *   redeem   username + code at the passOne form, only from the education network (TANet)
 *            or the whitelist (白名單) of the student's school or county; the code is looked up
 *            by its keyed hash and checked again in constant time, then consumed with one
 *            conditional UPDATE, which also sets must_change_password in the same transaction
 *            (the student sets a new password before the login completes)
 *
 * Only student accounts (identity_type student) get codes; the policy action is passone.issue.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AccountListRow,
  listClassIdsOfAccount,
  searchAccounts,
} from '../adapters/db/account-directory.js';
import {
  type Account,
  findAccountById,
  findAccountByUsername,
  updateAccount,
} from '../adapters/db/accounts.js';
import { findOrganizationById } from '../adapters/db/organizations.js';
import {
  consumePassOneCode,
  findPassOneCode,
  insertPassOneCodes,
  listPassOneCodes,
  type PassOneCodeListRow,
  revokeUnusedPassOneCodes,
} from '../adapters/db/pass-one-codes.js';
import type { Db } from '../adapters/db.js';
import type { PayloadStore } from '../adapters/oidc/payload-store.js';
import { assert, defineErrors } from '../errors.js';
import { normalizeUsername } from './accounts.js';
import { type Actor, accountScope, authorizeVisible } from './admin/policy.js';
import type { AuditLog } from './audit.js';
import type { SecretBox } from './secret-box.js';
import type { Whitelist } from './whitelist.js';

export type { AccountListRow } from '../adapters/db/account-directory.js';
export type { PassOneCodeListRow } from '../adapters/db/pass-one-codes.js';

export const passOneErrors = defineErrors('pass_one', {
  // the sign-in side: wrong username or code get the same message
  invalid_code: { status: 401, message: 'pass_one.invalid_code' },
  expired: { status: 401, message: 'pass_one.expired' },
  used: { status: 401, message: 'pass_one.used' },
  revoked: { status: 401, message: 'pass_one.revoked' },
  ip_not_allowed: { status: 403, message: 'pass_one.ip_not_allowed' },
  // the issuing side
  not_student: { status: 409, message: 'pass_one.not_student' },
  account_disabled: { status: 409, message: 'pass_one.account_disabled' },
  list_empty: { message: 'pass_one.list_empty' },
  too_many: { message: 'pass_one.too_many' },
});

const HASH_CONTEXT = 'pass-one';
/** 32 symbols, none that look alike (no 0/O, 1/I): 5 bits each, 10 symbols = 50 bits */
export const PASS_ONE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;
const CODE_PATTERN = /^[A-HJ-NP-Z2-9]{10}$/;
/** the most students one batch (and one list) takes: a class and then some */
export const PASS_ONE_MAX_BATCH = 100;
const LIST_MODEL = 'PassOneList';
/** an unconfirmed list is kept for a working day */
const LIST_TTL = 12 * 3600;

/** A new code, formatted for the slip: ABCD-EFGH-JK. */
export function generatePassOneCode(): string {
  // 256 is a multiple of 32, so masking each byte keeps every symbol equally likely
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += PASS_ONE_ALPHABET[b & 31];
  return formatPassOneCode(code);
}

export function formatPassOneCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** What a student typed → the bare code (ABCDEFGHJK), or undefined if it cannot be one. */
export function normalizePassOneCode(input: string): string | undefined {
  const bare = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-‐-―ー]/g, '');
  return CODE_PATTERN.test(bare) ? bare : undefined;
}

export interface IssuedCode {
  accountId: string;
  username: string;
  name: string | null;
  /** shown once, never stored */
  code: string;
  expiresAt: Date;
}

export interface IssuedBatch {
  batchId: string;
  expiresAt: Date;
  codes: IssuedCode[];
}

export interface PassOneService {
  /** seconds a code is valid */
  readonly ttl: number;
  /** The students the actor may issue codes for (teacher: own classes; admin: the school). */
  students(
    actor: Actor,
    query: { username?: string | undefined; name?: string | undefined; offset: number; limit: number },
  ): Promise<{ rows: AccountListRow[]; total: number }>;
  /** The actor's unconfirmed list, in the order added (students no longer in scope drop out). */
  list(actor: Actor): Promise<Account[]>;
  /** @throws admin.not_found, pass_one.not_student, pass_one.account_disabled, pass_one.too_many */
  addToList(actor: Actor, accountId: string): Promise<Account>;
  removeFromList(actor: Actor, accountId: string): Promise<void>;
  clearList(actor: Actor): Promise<void>;
  /**
   * 建立一次性登入通行碼 for these students: older unused codes are revoked, one audit entry each.
   * @throws pass_one.list_empty, pass_one.too_many, admin.not_found, pass_one.not_student,
   *         pass_one.account_disabled
   */
  issue(actor: Actor, accountIds: readonly string[]): Promise<IssuedBatch>;
  /** Issued codes of the students in the actor's scope, without the codes. */
  issued(
    actor: Actor,
    query: { accountId?: string | undefined; offset: number; limit: number },
  ): Promise<{ rows: PassOneCodeListRow[]; total: number }>;
  /**
   * Signs a student in with a code: checks the address, the code, consumes it and requires a
   * new password, in one transaction.
   * @throws pass_one.ip_not_allowed, pass_one.invalid_code, pass_one.expired, pass_one.used,
   *         pass_one.revoked
   */
  redeem(input: { username: string; code: string; ip: string }): Promise<Account>;
  /** Whether typed is an unused, unexpired code of this user (the password form refuses it). */
  isUnusedCode(username: string, typed: string): Promise<boolean>;
}

export interface PassOneDeps {
  db: Db;
  box: SecretBox;
  audit: AuditLog;
  whitelist: Whitelist;
  store: PayloadStore;
  ttl: number;
}

export function createPassOneService(deps: PassOneDeps): PassOneService {
  const { db, box, audit, whitelist, store, ttl } = deps;
  const hashOf = (bare: string) => box.hash(bare, HASH_CONTEXT);

  /**
   * A student the actor may issue for; another school's account is reported as absent.
   * @throws admin.not_found, pass_one.not_student, pass_one.account_disabled
   */
  async function issuable(actor: Actor, accountId: string): Promise<Account> {
    const account = await findAccountById(db, accountId);
    const classIds = account ? await listClassIdsOfAccount(db, account.id) : [];
    authorizeVisible(actor, 'passone.issue', account && { schoolId: account.schoolId, classIds });
    assert(account?.identityType === 'student', passOneErrors.not_student);
    assert(account.status === 'active', passOneErrors.account_disabled);
    return account;
  }

  async function storedList(actor: Actor): Promise<string[]> {
    const payload = await store.find(LIST_MODEL, actor.accountId);
    const ids = payload?.accountIds;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
  }

  const saveList = (actor: Actor, ids: readonly string[]) =>
    ids.length === 0
      ? store.destroy(LIST_MODEL, actor.accountId)
      : store.upsert(LIST_MODEL, actor.accountId, { accountIds: [...ids] }, LIST_TTL);

  return {
    ttl,

    students: (actor, q) =>
      searchAccounts(db, {
        scope: accountScope(actor),
        identityType: 'student',
        username: q.username ? normalizeUsername(q.username) : undefined,
        name: q.name,
        offset: q.offset,
        limit: q.limit,
      }),

    async list(actor) {
      const out: Account[] = [];
      for (const id of await storedList(actor)) {
        const account = await issuable(actor, id).catch(() => undefined);
        if (account) out.push(account);
      }
      return out;
    },

    async addToList(actor, accountId) {
      const account = await issuable(actor, accountId);
      const ids = await storedList(actor);
      if (!ids.includes(account.id)) {
        assert(ids.length < PASS_ONE_MAX_BATCH, passOneErrors.too_many);
        await saveList(actor, [...ids, account.id]);
      }
      return account;
    },

    async removeFromList(actor, accountId) {
      const ids = await storedList(actor);
      await saveList(
        actor,
        ids.filter((id) => id !== accountId),
      );
    },

    clearList: (actor) => store.destroy(LIST_MODEL, actor.accountId),

    async issue(actor, accountIds) {
      const unique = [...new Set(accountIds)];
      assert(unique.length > 0, passOneErrors.list_empty);
      assert(unique.length <= PASS_ONE_MAX_BATCH, passOneErrors.too_many);
      const accounts: Account[] = [];
      for (const id of unique) accounts.push(await issuable(actor, id));
      const batchId = randomUUID();
      const codes = accounts.map((a) => ({ account: a, code: generatePassOneCode() }));
      return db.transaction(async (trx) => {
        const revoked = new Map<string, number>();
        for (const a of accounts) revoked.set(a.id, await revokeUnusedPassOneCodes(trx, [a.id]));
        const rows = await insertPassOneCodes(
          trx,
          codes.map(({ account, code }) => ({
            accountId: account.id,
            schoolId: account.schoolId,
            issuedBy: actor.accountId,
            codeHash: hashOf(normalizePassOneCode(code)!),
            batchId,
            ttl,
          })),
        );
        const byAccount = new Map(rows.map((r) => [r.accountId, r]));
        for (const a of accounts) {
          const row = byAccount.get(a.id)!;
          await audit.record(trx, actor, {
            action: 'passone.issue',
            targetType: 'account',
            targetId: a.id,
            orgId: a.schoolId,
            after: {
              username: a.username,
              batch_id: batchId,
              code_id: row.id,
              expires_at: row.expiresAt.toISOString(),
              revoked_unused: revoked.get(a.id) ?? 0,
            },
          });
        }
        const expiresAt = rows[0]!.expiresAt;
        return {
          batchId,
          expiresAt,
          codes: codes.map(({ account, code }) => ({
            accountId: account.id,
            username: account.username,
            name: account.name,
            code,
            expiresAt: byAccount.get(account.id)!.expiresAt,
          })),
        };
      });
    },

    issued: (actor, q) =>
      listPassOneCodes(db, {
        scope: accountScope(actor),
        accountId: q.accountId,
        offset: q.offset,
        limit: q.limit,
      }),

    async redeem({ username, code, ip }) {
      const normalized = normalizeUsername(username);
      const account = normalized ? await findAccountByUsername(db, normalized) : undefined;
      const bare = normalizePassOneCode(code);
      // an unknown user, a non-student and a wrong code get the same answer after the same work
      const hash = hashOf(bare ?? code);
      assert(bare && account?.identityType === 'student', passOneErrors.invalid_code);
      const found = await findPassOneCode(db, account.id, hash);
      assert(found && box.verifyHash(bare, found.codeHash, HASH_CONTEXT), passOneErrors.invalid_code);
      assert(account.status === 'active', passOneErrors.invalid_code);
      assert(!found.usedAt, passOneErrors.used);
      assert(!found.revokedAt, passOneErrors.revoked);
      // the address rule once the code is known to be right: checked first, it would tell
      // anyone on one school's network which usernames belong to another school
      const school = account.schoolId ? await findOrganizationById(db, account.schoolId) : undefined;
      const orgIds = [school?.id, school?.parentId].filter((id): id is string => !!id);
      assert(await whitelist.isAllowed(ip, orgIds), passOneErrors.ip_not_allowed);
      const consumed = await db.transaction(async (trx) => {
        const row = await consumePassOneCode(trx, found.id, ip);
        if (row) await updateAccount(trx, account.id, { mustChangePassword: true });
        return row;
      });
      // lost the race to another request with the same code, or past its time
      assert(consumed, found.expiresAt.getTime() > Date.now() ? passOneErrors.used : passOneErrors.expired);
      return { ...account, mustChangePassword: true };
    },

    async isUnusedCode(username, typed) {
      const bare = normalizePassOneCode(typed);
      if (!bare) return false;
      const account = await findAccountByUsername(db, normalizeUsername(username));
      if (!account) return false;
      const found = await findPassOneCode(db, account.id, hashOf(bare));
      return (
        !!found &&
        box.verifyHash(bare, found.codeHash, HASH_CONTEXT) &&
        !found.usedAt &&
        !found.revokedAt &&
        found.expiresAt.getTime() > Date.now()
      );
    },
  };
}
