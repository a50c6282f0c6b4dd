/**
 * school_transfers (學校異動, the seeds' 問題三): requests to move an account from one school
 * to another, with the account's and both schools' names joined in for lists.
 */
import type { Knex } from 'knex';
import type { DbOrTx } from '../db.js';
import { isUuid } from './account-directory.js';

export type TransferStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';

export interface Transfer {
  id: string;
  accountId: string;
  username: string;
  name: string | null;
  nationalIdMasked: string | null;
  fromSchoolId: string;
  fromSchoolName: string;
  toSchoolId: string;
  toSchoolName: string;
  /** the titles the account will hold at the destination, in order */
  titles: string[];
  status: TransferStatus;
  requestedBy: string;
  requestedByUsername: string | null;
  requestedAt: Date;
  decidedBy: string | null;
  decidedByUsername: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
}

interface Row {
  id: string;
  account_id: string;
  username: string;
  name: string | null;
  national_id_masked: string | null;
  from_school_id: string;
  from_school_name: string;
  to_school_id: string;
  to_school_name: string;
  titles: string[];
  status: TransferStatus;
  requested_by: string;
  requested_by_username: string | null;
  requested_at: Date;
  decided_by: string | null;
  decided_by_username: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

const fromRow = (r: Row): Transfer => ({
  id: r.id,
  accountId: r.account_id,
  username: r.username,
  name: r.name,
  nationalIdMasked: r.national_id_masked,
  fromSchoolId: r.from_school_id,
  fromSchoolName: r.from_school_name,
  toSchoolId: r.to_school_id,
  toSchoolName: r.to_school_name,
  titles: r.titles,
  status: r.status,
  requestedBy: r.requested_by,
  requestedByUsername: r.requested_by_username,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedByUsername: r.decided_by_username,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
});

function selectTransfers(db: DbOrTx): Knex.QueryBuilder {
  return db('school_transfers as st')
    .join('accounts as a', 'a.id', 'st.account_id')
    .join('organizations as f', 'f.id', 'st.from_school_id')
    .join('organizations as d', 'd.id', 'st.to_school_id')
    .leftJoin('accounts as rq', 'rq.id', 'st.requested_by')
    .leftJoin('accounts as dc', 'dc.id', 'st.decided_by')
    .select(
      'st.id',
      'st.account_id',
      'a.username',
      'a.name',
      'a.national_id_masked',
      'st.from_school_id',
      'f.name as from_school_name',
      'st.to_school_id',
      'd.name as to_school_name',
      'st.titles',
      'st.status',
      'st.requested_by',
      'rq.username as requested_by_username',
      'st.requested_at',
      'st.decided_by',
      'dc.username as decided_by_username',
      'st.decided_at',
      'st.decision_reason',
    );
}

/** Inserts a pending request; undefined when the account already has one (one pending per account). */
export async function insertTransfer(
  db: DbOrTx,
  input: {
    accountId: string;
    fromSchoolId: string;
    toSchoolId: string;
    titles: string[];
    requestedBy: string;
  },
): Promise<string | undefined> {
  try {
    const [row] = (await db('school_transfers')
      .insert({
        account_id: input.accountId,
        from_school_id: input.fromSchoolId,
        to_school_id: input.toSchoolId,
        titles: input.titles,
        requested_by: input.requestedBy,
      })
      .returning('id')) as Array<{ id: string }>;
    return row!.id;
  } catch (err) {
    if ((err as { constraint?: string }).constraint === 'school_transfers__one_pending') return undefined;
    throw err;
  }
}

export async function findTransferById(
  db: DbOrTx,
  id: string,
  opts: { lock?: boolean } = {},
): Promise<Transfer | undefined> {
  if (!isUuid(id)) return undefined;
  const q = selectTransfers(db).where('st.id', id);
  if (opts.lock) q.forUpdate('st');
  const row = (await q.first()) as Row | undefined;
  return row && fromRow(row);
}

export interface TransferFilter {
  /** requests whose source is one of these schools (to decide) */
  fromSchoolIds?: readonly string[] | undefined;
  /** requests whose destination is one of these schools (our own requests) */
  toSchoolIds?: readonly string[] | undefined;
  accountId?: string | undefined;
  status?: TransferStatus | undefined;
  offset: number;
  limit: number;
}

/** Requests from OR to the given schools (both sides see them), newest first. */
export async function listTransfers(
  db: DbOrTx,
  f: TransferFilter,
): Promise<{ rows: Transfer[]; total: number }> {
  const apply = (q: Knex.QueryBuilder) => {
    q.where((w) => {
      let any = false;
      if (f.fromSchoolIds?.length) {
        w.orWhereIn('st.from_school_id', [...f.fromSchoolIds]);
        any = true;
      }
      if (f.toSchoolIds?.length) {
        w.orWhereIn('st.to_school_id', [...f.toSchoolIds]);
        any = true;
      }
      if (!any) w.whereRaw('false');
    });
    if (f.accountId) q.where('st.account_id', f.accountId);
    if (f.status) q.where('st.status', f.status);
    return q;
  };
  const [{ count } = { count: 0 }] = (await apply(db('school_transfers as st')).count({
    count: '*',
  })) as Array<{ count: number }>;
  const rows = (await apply(selectTransfers(db))
    .orderBy([
      { column: 'st.requested_at', order: 'desc' },
      { column: 'st.id', order: 'desc' },
    ])
    .offset(f.offset)
    .limit(f.limit)) as Row[];
  return { rows: rows.map(fromRow), total: Number(count) };
}

/** An account's requests, whatever the schools (for the account page), newest first. */
export async function listTransfersOfAccount(db: DbOrTx, accountId: string): Promise<Transfer[]> {
  const rows = (await selectTransfers(db)
    .where('st.account_id', accountId)
    .orderBy('st.requested_at', 'desc')
    .limit(50)) as Row[];
  return rows.map(fromRow);
}

/** Closes a pending request; false when it was no longer pending. */
export async function closeTransfer(
  db: DbOrTx,
  id: string,
  decision: { status: Exclude<TransferStatus, 'pending'>; decidedBy: string; reason: string | null },
): Promise<boolean> {
  const n = await db('school_transfers').where({ id, status: 'pending' }).update({
    status: decision.status,
    decided_by: decision.decidedBy,
    decided_at: db.fn.now(),
    decision_reason: decision.reason,
  });
  return n === 1;
}

/** Cancels an account's pending request (when the account is deleted). */
export async function cancelPendingTransfersOf(db: DbOrTx, accountId: string, by: string): Promise<number> {
  return db('school_transfers').where({ account_id: accountId, status: 'pending' }).update({
    status: 'cancelled',
    decided_by: by,
    decided_at: db.fn.now(),
  });
}
