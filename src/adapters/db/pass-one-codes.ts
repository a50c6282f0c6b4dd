/**
 * pass_one_codes: passOne (一次登入) pass codes, stored as keyed hashes only. Consuming a code
 * is one conditional UPDATE, so two requests racing with the same code cannot both win.
 */
import type { DbOrTx } from '../db.js';
import type { DirectoryScope } from './account-directory.js';

export interface PassOneCode {
  id: string;
  accountId: string;
  schoolId: string | null;
  issuedBy: string | null;
  codeHash: string;
  batchId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  usedIp: string | null;
  revokedAt: Date | null;
}

interface Row {
  id: string;
  account_id: string;
  school_id: string | null;
  issued_by: string | null;
  code_hash: string;
  batch_id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  used_ip: string | null;
  revoked_at: Date | null;
}

const fromRow = (r: Row): PassOneCode => ({
  id: r.id,
  accountId: r.account_id,
  schoolId: r.school_id,
  issuedBy: r.issued_by,
  codeHash: r.code_hash,
  batchId: r.batch_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  usedIp: r.used_ip,
  revokedAt: r.revoked_at,
});

export interface NewPassOneCode {
  accountId: string;
  schoolId: string | null;
  issuedBy: string;
  codeHash: string;
  batchId: string;
  /** seconds from now (the database clock, like the check at consumption) */
  ttl: number;
}

export async function insertPassOneCodes(
  tx: DbOrTx,
  rows: readonly NewPassOneCode[],
): Promise<PassOneCode[]> {
  if (rows.length === 0) return [];
  const inserted = (await tx('pass_one_codes')
    .insert(
      rows.map((r) => ({
        account_id: r.accountId,
        school_id: r.schoolId,
        issued_by: r.issuedBy,
        code_hash: r.codeHash,
        batch_id: r.batchId,
        expires_at: tx.raw(`now() + make_interval(secs => ?)`, [r.ttl]),
      })),
    )
    .returning('*')) as Row[];
  return inserted.map(fromRow);
}

/** Revokes the unused, unexpired codes of these accounts; returns how many. */
export async function revokeUnusedPassOneCodes(tx: DbOrTx, accountIds: readonly string[]): Promise<number> {
  if (accountIds.length === 0) return 0;
  return tx('pass_one_codes')
    .whereIn('account_id', [...accountIds])
    .whereNull('used_at')
    .whereNull('revoked_at')
    .where('expires_at', '>', tx.fn.now())
    .update({ revoked_at: tx.fn.now() });
}

/** The code of this account with this hash, whatever its state. */
export async function findPassOneCode(
  db: DbOrTx,
  accountId: string,
  codeHash: string,
): Promise<PassOneCode | undefined> {
  const row = (await db('pass_one_codes').where({ account_id: accountId, code_hash: codeHash }).first()) as
    | Row
    | undefined;
  return row && fromRow(row);
}

/** Marks the code used if it still is unused, unrevoked and unexpired; undefined otherwise. */
export async function consumePassOneCode(
  tx: DbOrTx,
  id: string,
  ip: string | null,
): Promise<PassOneCode | undefined> {
  const [row] = (await tx('pass_one_codes')
    .where({ id })
    .whereNull('used_at')
    .whereNull('revoked_at')
    .where('expires_at', '>', tx.fn.now())
    .update({ used_at: tx.fn.now(), used_ip: ip })
    .returning('*')) as Row[];
  return row && fromRow(row);
}

export interface PassOneCodeListRow {
  id: string;
  accountId: string;
  username: string;
  name: string | null;
  issuedByUsername: string | null;
  batchId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  /** the database's verdict, so the status does not depend on the app server's clock */
  expired: boolean;
}

/** Codes of the accounts in scope, newest first. */
export async function listPassOneCodes(
  db: DbOrTx,
  f: { scope: DirectoryScope; accountId?: string | undefined; offset: number; limit: number },
): Promise<{ rows: PassOneCodeListRow[]; total: number }> {
  const base = () => {
    const q = db('pass_one_codes as p').join('accounts as a', 'a.id', 'p.account_id');
    q.where((w) => {
      let any = false;
      if (f.scope.schoolIds.length > 0) {
        w.orWhereIn('a.school_id', [...f.scope.schoolIds]);
        any = true;
      }
      if (f.scope.includeUnassigned) {
        w.orWhereNull('a.school_id');
        any = true;
      }
      if (f.scope.classIds.length > 0) {
        w.orWhereExists(
          db('class_members as sm')
            .select(db.raw('1'))
            .whereRaw('sm.account_id = a.id')
            .whereIn('sm.class_id', [...f.scope.classIds]),
        );
        any = true;
      }
      if (!any) w.whereRaw('false');
    });
    if (f.accountId) q.where('p.account_id', f.accountId);
    return q;
  };
  const [{ count } = { count: 0 }] = (await base().count({ count: '*' })) as Array<{ count: number }>;
  const rows = (await base()
    .leftJoin('accounts as i', 'i.id', 'p.issued_by')
    .select(
      'p.id',
      'p.account_id',
      'a.username',
      'a.name',
      'i.username as issued_by_username',
      'p.batch_id',
      'p.created_at',
      'p.expires_at',
      'p.used_at',
      'p.revoked_at',
      db.raw('p.expires_at <= now() AS expired'),
    )
    .orderBy([
      { column: 'p.created_at', order: 'desc' },
      { column: 'a.username', order: 'asc' },
    ])
    .offset(f.offset)
    .limit(f.limit)) as Array<{
    id: string;
    account_id: string;
    username: string;
    name: string | null;
    issued_by_username: string | null;
    batch_id: string;
    created_at: Date;
    expires_at: Date;
    used_at: Date | null;
    revoked_at: Date | null;
    expired: boolean;
  }>;
  return {
    total: Number(count),
    rows: rows.map((r) => ({
      id: r.id,
      accountId: r.account_id,
      username: r.username,
      name: r.name,
      issuedByUsername: r.issued_by_username,
      batchId: r.batch_id,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      usedAt: r.used_at,
      revokedAt: r.revoked_at,
      expired: r.expired,
    })),
  };
}
