/**
 * 帳號管理: search, view and change accounts under the policy (services/admin/policy.ts).
 *
 *   search       username prefix, name, school, class (year/semester/grade/class), identity,
 *                status, national ID (full → keyed hash; masked A12****789 → masked column)
 *   view         directory data with the national ID masked only, titles with their history,
 *                class seats, transfers; recent login records
 *   change       disable / enable, identity and titles (the identity title stays first: RPs
 *                read titles[0] as 學生/教師/職員/其他), name, e-mail, mobile, OpenID 2.0 ids
 *   credentials  one-time reset link (account-tokens.ts), or a temporary password that must
 *                be changed at the next login
 *   delete       soft delete (deleted_at, disabled; gone from sign-in); the county restores
 *
 * Every write runs in one transaction with its audit entry (before/after, never a secret).
 * Records another school's admin may not see are reported as absent (admin.not_found).
 * Existing OP sessions are not ended by a password reset: nothing indexes sessions by
 * account. A disabled or deleted account gets no more tokens (provider/find-account.ts).
 */
import { randomInt } from 'node:crypto';
import {
  type AccountListRow,
  type AccountSearch,
  type AccountStatusFilter,
  type ClassMembership,
  listClassIdsOfAccount,
  listClassMemberships,
  listCurrentTitleSchoolIds,
  listCurrentTitlesAt,
  listSchoolRefs,
  listTitleHistory,
  lockAccount,
  replaceCurrentTitles,
  type SchoolRef,
  searchAccounts,
  type TitleRecord,
} from '../adapters/db/account-directory.js';
import {
  type Account,
  findAccountByIdIncludingDeleted,
  type IdentityType,
  updateAccount,
} from '../adapters/db/accounts.js';
import { cancelPendingTransfersOf, listTransfersOfAccount, type Transfer } from '../adapters/db/transfers.js';
import type { Db, DbOrTx } from '../adapters/db.js';
import { defineErrors } from '../errors.js';
import { type Actor, accountScope, authorize, authorizeVisible, can, type Target } from './admin/policy.js';
import type { AuditLog } from './audit.js';
import type { LoginHistory } from './login-records.js';
import { hashNationalId, isValidNationalId, normalizeNationalId } from './national-id.js';
import { checkPasswordPolicy, type PasswordHasher } from './passwords.js';
import type { SecretBox } from './secret-box.js';

export type { AccountListRow, AccountStatusFilter, ClassMembership, IdentityType, SchoolRef, TitleRecord };

export const accountAdminErrors = defineErrors('account_admin', {
  self: { status: 409, message: 'account_admin.self' },
  deleted: { status: 409, message: 'account_admin.deleted' },
  not_deleted: { status: 409, message: 'account_admin.not_deleted' },
  titles_invalid: { message: 'account_admin.titles_invalid' },
  no_school: { message: 'account_admin.no_school' },
  name_invalid: { message: 'account_admin.name_invalid' },
  email_invalid: { message: 'account_admin.email_invalid' },
  mobile_invalid: { message: 'account_admin.mobile_invalid' },
  openid2_invalid: { message: 'account_admin.openid2_invalid' },
  national_id_query: { message: 'account_admin.national_id_query' },
  full_id_in_url: { message: 'account_admin.full_id_in_url' },
});

export const IDENTITY_TYPES = [
  'student',
  'teacher',
  'staff',
  'other',
] as const satisfies readonly IdentityType[];

/** The title RPs read first (titles[0]) for each identity type. */
export const IDENTITY_TITLE: Readonly<Record<IdentityType, string>> = {
  student: '學生',
  teacher: '教師',
  staff: '職員',
  other: '其他',
};

export const MAX_TITLES = 10;
export const MAX_TITLE_LENGTH = 30;

/**
 * Cleans a typed list of titles: NFKC, trimmed, empty lines dropped, duplicates removed.
 * @throws account_admin.titles_invalid
 */
export function normalizeTitles(input: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of input) {
    const title = raw.normalize('NFKC').trim();
    if (!title) continue;
    if ([...title].length > MAX_TITLE_LENGTH || /[\p{Cc}\p{Cf}]/u.test(title)) {
      throw accountAdminErrors.titles_invalid();
    }
    if (!out.includes(title)) out.push(title);
  }
  if (out.length > MAX_TITLES) throw accountAdminErrors.titles_invalid();
  return out;
}

/**
 * The identity title first (學生/教師/職員/其他), then the others in the order given. The title
 * of a previous identity type is dropped, so a change of identity leaves one identity title.
 */
export function orderTitles(
  identityType: IdentityType | null,
  titles: readonly string[],
  previousIdentity?: IdentityType | null,
): string[] {
  const identity = identityType ? IDENTITY_TITLE[identityType] : undefined;
  const previous = previousIdentity ? IDENTITY_TITLE[previousIdentity] : undefined;
  const rest = titles.filter((t) => t !== identity && t !== previous);
  return identity ? [identity, ...rest] : rest;
}

const MASKED_ID = /^[A-Z][A-Z0-9]{2}\*{4}\d{3}$/;

export function isMaskedNationalId(input: string): boolean {
  return MASKED_ID.test(normalizeNationalId(input));
}

/** A full, checksum-valid number: it must never travel in a URL. */
export function isFullNationalId(input: string): boolean {
  return isValidNationalId(input);
}

/** What pages and APIs may show of an account: no password hash, no sealed or hashed ID. */
export type AccountView = Omit<Account, 'passwordHash' | 'nationalIdSealed' | 'nationalIdHash'> & {
  hasPassword: boolean;
};

function viewOf(a: Account): AccountView {
  const { passwordHash, nationalIdSealed: _s, nationalIdHash: _h, ...rest } = a;
  return { ...rest, hasPassword: !!passwordHash };
}

export interface AccountDetail {
  account: AccountView;
  school: SchoolRef | null;
  /** current and ended titles */
  titles: TitleRecord[];
  classes: ClassMembership[];
  transfers: Transfer[];
  /** what the viewing actor may do with it */
  can: { manage: boolean; restore: boolean };
}

/** What an admin searches by: the adapter's search without the scope (the policy adds it). */
export type AccountQuery = Omit<AccountSearch, 'scope' | 'nationalIdHash' | 'nationalIdMasked'> & {
  /** full (looked up by keyed hash) or masked (A12****789) */
  nationalId?: string | undefined;
};

export interface AccountPatch {
  identityType?: IdentityType | undefined;
  /** the ordered titles at titlesSchoolId (default: the account's school) */
  titles?: string[] | undefined;
  titlesSchoolId?: string | undefined;
  name?: string | undefined;
  familyName?: string | null | undefined;
  givenName?: string | null | undefined;
  /** empty or null clears it */
  email?: string | null | undefined;
  mobile?: string | null | undefined;
  openid2Ids?: string[] | undefined;
}

export interface ResetLinkResult {
  url: string;
  /** the masked address the link was also sent to, when the account has a verified one */
  emailedTo: string | null;
}

export interface AccountAdminDeps {
  db: Db;
  box: SecretBox;
  hasher: PasswordHasher;
  audit: AuditLog;
  history: LoginHistory;
  tokens: { createResetLink(accountId: string, actorId: string): Promise<string> };
}

export interface AccountAdmin {
  search(actor: Actor, query: AccountQuery): Promise<{ rows: AccountListRow[]; total: number }>;
  /** @throws admin.not_found */
  get(actor: Actor, id: string): Promise<AccountDetail>;
  /** @throws admin.not_found */
  logins(actor: Actor, id: string, limit?: number): ReturnType<LoginHistory['recentLogins']>;
  /** Schools the actor may filter by and assign titles at. */
  schools(actor: Actor): Promise<SchoolRef[]>;
  /** @throws admin.not_found, admin.forbidden, account_admin.* */
  update(actor: Actor, id: string, patch: AccountPatch): Promise<AccountDetail>;
  /** @throws admin.not_found, admin.forbidden, account_admin.self | deleted */
  setStatus(actor: Actor, id: string, status: 'active' | 'disabled'): Promise<AccountDetail>;
  /** @throws admin.not_found, admin.forbidden, account_admin.deleted, messaging.send_failed */
  resetLink(actor: Actor, id: string): Promise<ResetLinkResult>;
  /** @throws admin.not_found, admin.forbidden, account_admin.deleted */
  temporaryPassword(actor: Actor, id: string): Promise<{ password: string }>;
  /** @throws admin.not_found, admin.forbidden, account_admin.self | deleted */
  softDelete(actor: Actor, id: string): Promise<AccountDetail>;
  /** @throws admin.not_found, admin.forbidden, account_admin.not_deleted */
  restore(actor: Actor, id: string): Promise<AccountDetail>;
}

const NAME_MAX = 60;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const MOBILE = /^09\d{8}$/;
const MAX_OPENID2 = 20;

/** Readable: no 0/o, 1/l/i. Twelve of 31 symbols ≈ 59 bits, grouped in fours. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export function generateTemporaryPassword(): string {
  const chars = Array.from({ length: 12 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]);
  return [0, 4, 8].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return `${email.slice(0, Math.min(2, at))}***${email.slice(at)}`;
}

function cleanText(value: string | null | undefined, error: () => Error): string | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  const text = value.normalize('NFKC').trim();
  if ([...text].length > NAME_MAX || /[\p{Cc}\p{Cf}]/u.test(text)) throw error();
  return text || null;
}

/** @throws account_admin.openid2_invalid */
export function normalizeOpenId2Ids(input: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of input) {
    const value = raw.trim();
    if (!value) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw accountAdminErrors.openid2_invalid();
    }
    if (!['http:', 'https:'].includes(url.protocol) || value.length > 512) {
      throw accountAdminErrors.openid2_invalid();
    }
    if (!out.includes(value)) out.push(value);
  }
  if (out.length > MAX_OPENID2) throw accountAdminErrors.openid2_invalid();
  return out;
}

export function createAccountAdmin(deps: AccountAdminDeps): AccountAdmin {
  const { db, audit } = deps;

  async function targetOf(conn: DbOrTx, account: Account): Promise<Target> {
    return { schoolId: account.schoolId, classIds: await listClassIdsOfAccount(conn, account.id) };
  }

  /** Titles per school for audit snapshots. */
  async function titlesBySchool(conn: DbOrTx, accountId: string): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const schoolId of await listCurrentTitleSchoolIds(conn, accountId)) {
      out[schoolId] = await listCurrentTitlesAt(conn, accountId, schoolId);
    }
    return out;
  }

  async function snapshot(conn: DbOrTx, a: Account) {
    return {
      username: a.username,
      name: a.name,
      familyName: a.familyName,
      givenName: a.givenName,
      email: a.email,
      emailVerified: a.emailVerified,
      mobile: a.mobile,
      identityType: a.identityType,
      schoolId: a.schoolId,
      status: a.status,
      mustChange: a.mustChangePassword,
      credentialChangedAt: a.passwordChangedAt,
      deletedAt: a.deletedAt,
      openid2Ids: a.openid2Ids,
      titles: await titlesBySchool(conn, a.id),
    };
  }

  /**
   * The account for a write: visible (else 404), manageable (else 403), live unless allowed.
   * In a transaction the row is locked so two admins' changes do not interleave.
   */
  async function loadForWrite(
    conn: DbOrTx,
    actor: Actor,
    id: string,
    opts: { lock: boolean; allowDeleted?: boolean },
  ): Promise<Account> {
    const account = opts.lock ? await lockAccount(conn, id) : await findAccountByIdIncludingDeleted(conn, id);
    const target = account && (await targetOf(conn, account));
    authorizeVisible(actor, 'account.view', target);
    // a deleted account is seen only by those who could restore or delete it
    if (account!.deletedAt) authorizeVisible(actor, 'account.manage', target);
    authorize(actor, 'account.manage', target);
    if (account!.deletedAt && !opts.allowDeleted) throw accountAdminErrors.deleted();
    return account!;
  }

  async function get(actor: Actor, id: string): Promise<AccountDetail> {
    const account = await findAccountByIdIncludingDeleted(db, id);
    const target = account && (await targetOf(db, account));
    authorizeVisible(actor, 'account.view', target);
    if (account!.deletedAt) authorizeVisible(actor, 'account.manage', target);
    const a = account!;
    const [schools, titles, classes, transfers] = await Promise.all([
      a.schoolId ? listSchoolRefs(db, [a.schoolId]) : Promise.resolve([]),
      listTitleHistory(db, a.id),
      listClassMemberships(db, a.id),
      listTransfersOfAccount(db, a.id),
    ]);
    return {
      account: viewOf(a),
      school: schools[0] ?? null,
      titles,
      classes,
      transfers,
      can: {
        manage: can(actor, 'account.manage', target),
        restore: !!a.deletedAt && can(actor, 'account.restore', target),
      },
    };
  }

  async function withAudit<T>(
    actor: Actor,
    id: string,
    action: string,
    change: (tx: DbOrTx, account: Account) => Promise<T>,
    opts: { allowDeleted?: boolean } = {},
  ): Promise<T> {
    return db.transaction(async (tx) => {
      const account = await loadForWrite(tx, actor, id, { lock: true, ...opts });
      const before = await snapshot(tx, account);
      const result = await change(tx, account);
      const after = await snapshot(tx, (await findAccountByIdIncludingDeleted(tx, id))!);
      await audit.record(tx, actor, {
        action,
        targetType: 'account',
        targetId: id,
        orgId: after.schoolId ?? before.schoolId,
        before,
        after,
      });
      return result;
    });
  }

  return {
    async search(actor, query) {
      let scope = accountScope(actor);
      // deleted accounts are for those who manage them, not for teachers
      if (query.status === 'deleted') scope = { ...scope, classIds: [] };
      let nationalIdHash: string | undefined;
      let nationalIdMasked: string | undefined;
      if (query.nationalId?.trim()) {
        const id = normalizeNationalId(query.nationalId);
        if (isValidNationalId(id)) nationalIdHash = hashNationalId(deps.box, id);
        else if (MASKED_ID.test(id)) nationalIdMasked = id;
        else throw accountAdminErrors.national_id_query();
      }
      return searchAccounts(db, {
        scope,
        username: query.username?.normalize('NFKC').trim().toLowerCase() || undefined,
        name: query.name?.normalize('NFKC').trim() || undefined,
        schoolId: query.schoolId,
        schoolYear: query.schoolYear,
        semester: query.semester,
        grade: query.grade,
        classNo: query.classNo,
        identityType: query.identityType,
        nationalIdHash,
        nationalIdMasked,
        status: query.status,
        offset: query.offset,
        limit: Math.min(Math.max(query.limit, 1), 200),
      });
    },

    get,

    async logins(actor, id, limit = 20) {
      await get(actor, id);
      return deps.history.recentLogins(id, limit);
    },

    schools: (actor) => listSchoolRefs(db, actor.schoolIds),

    async update(actor, id, patch) {
      const name = cleanText(patch.name, accountAdminErrors.name_invalid);
      if (patch.name !== undefined && !name) throw accountAdminErrors.name_invalid();
      const familyName = cleanText(patch.familyName, accountAdminErrors.name_invalid);
      const givenName = cleanText(patch.givenName, accountAdminErrors.name_invalid);
      let email: string | null | undefined;
      if (patch.email !== undefined) {
        email = patch.email?.normalize('NFKC').trim().toLowerCase() || null;
        if (email && (!EMAIL.test(email) || email.length > 320)) throw accountAdminErrors.email_invalid();
      }
      let mobile: string | null | undefined;
      if (patch.mobile !== undefined) {
        mobile = patch.mobile?.normalize('NFKC').replace(/[\s-]/g, '') || null;
        if (mobile && !MOBILE.test(mobile)) throw accountAdminErrors.mobile_invalid();
      }
      const openid2Ids = patch.openid2Ids && normalizeOpenId2Ids(patch.openid2Ids);
      const titles = patch.titles && normalizeTitles(patch.titles);

      await withAudit(actor, id, 'account.update', async (tx, account) => {
        const identity = patch.identityType ?? account.identityType;
        const rewrite = new Map<string, string[]>();
        if (titles) {
          const schoolId = patch.titlesSchoolId ?? account.schoolId;
          if (!schoolId) throw accountAdminErrors.no_school();
          // titles are set only at a school the actor administers
          authorize(actor, 'account.manage', { schoolId });
          rewrite.set(schoolId, titles);
        }
        if (identity !== account.identityType) {
          const schools = new Set(await listCurrentTitleSchoolIds(tx, account.id));
          if (account.schoolId) schools.add(account.schoolId);
          for (const schoolId of schools) {
            if (!rewrite.has(schoolId))
              rewrite.set(schoolId, await listCurrentTitlesAt(tx, account.id, schoolId));
          }
        }
        for (const [schoolId, list] of rewrite) {
          await replaceCurrentTitles(
            tx,
            account.id,
            schoolId,
            orderTitles(identity, list, account.identityType),
          );
        }
        const changes: Partial<Account> = {};
        if (identity !== account.identityType && identity) changes.identityType = identity;
        if (name !== undefined && name !== account.name) changes.name = name;
        if (familyName !== undefined) changes.familyName = familyName;
        if (givenName !== undefined) changes.givenName = givenName;
        if (email !== undefined && email !== account.email) {
          changes.email = email;
          changes.emailVerified = false;
        }
        if (mobile !== undefined && mobile !== account.mobile) {
          changes.mobile = mobile;
          changes.mobileVerified = false;
        }
        if (openid2Ids) changes.openid2Ids = openid2Ids;
        // updated_at moves with title changes too: 最後更新 is the directory record's
        await updateAccount(tx, account.id, changes);
      });
      return get(actor, id);
    },

    async setStatus(actor, id, status) {
      if (id === actor.accountId) throw accountAdminErrors.self();
      await withAudit(
        actor,
        id,
        status === 'disabled' ? 'account.disable' : 'account.enable',
        (tx, account) =>
          account.status === status ? Promise.resolve() : updateAccount(tx, account.id, { status }),
      );
      return get(actor, id);
    },

    async resetLink(actor, id) {
      // no row lock: the token insert (another connection) must be able to reference the row
      const account = await loadForWrite(db, actor, id, { lock: false });
      return db.transaction(async (tx) => {
        await audit.record(tx, actor, {
          action: 'account.reset_link',
          targetType: 'account',
          targetId: id,
          orgId: account.schoolId,
          after: { link: 'issued', emailed: !!(account.email && account.emailVerified) },
        });
        // the audit entry commits only once the link exists (and was e-mailed)
        const url = await deps.tokens.createResetLink(id, actor.accountId);
        const emailed = account.email && account.emailVerified && account.email !== 'NA';
        return { url, emailedTo: emailed ? maskEmail(account.email!) : null };
      });
    },

    async temporaryPassword(actor, id) {
      return withAudit(actor, id, 'account.temporary_password', async (tx, account) => {
        let password = generateTemporaryPassword();
        while (checkPasswordPolicy(password, { username: account.username })) {
          password = generateTemporaryPassword();
        }
        await updateAccount(tx, account.id, {
          passwordHash: await deps.hasher.hash(password),
          mustChangePassword: true,
          passwordChangedAt: new Date(),
        });
        return { password };
      });
    },

    async softDelete(actor, id) {
      if (id === actor.accountId) throw accountAdminErrors.self();
      await withAudit(actor, id, 'account.delete', async (tx, account) => {
        await updateAccount(tx, account.id, { deletedAt: new Date(), status: 'disabled' });
        await cancelPendingTransfersOf(tx, account.id, actor.accountId);
      });
      return get(actor, id);
    },

    async restore(actor, id) {
      await withAudit(
        actor,
        id,
        'account.restore',
        async (tx, account) => {
          if (!account.deletedAt) throw accountAdminErrors.not_deleted();
          authorize(actor, 'account.restore', await targetOf(tx, account));
          // it comes back disabled: enabling sign-in again is a separate, deliberate step
          await updateAccount(tx, account.id, { deletedAt: null });
        },
        { allowDeleted: true },
      );
      return get(actor, id);
    },
  };
}
