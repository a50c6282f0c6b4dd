/**
 * Retention of the login history (login_records, session_events): a monthly partition whose
 * upper bound is older than now - LOGIN_RECORD_RETENTION_DAYS is detached and dropped whole.
 * Never a DELETE: a month of a county is millions of rows, and dropping a partition is a
 * catalogue change. The partition holding the cutoff (the boundary month) is kept entire, so
 * records stay at least the configured days and at most about a month longer. Rows that ended
 * up in a default partition are only reported: removing them would be a DELETE.
 *
 * Runs at boot (after ensureHistoryPartitions), daily with it, and as `edu-idp history prune`.
 */
import {
  countDefaultPartitionRows,
  dropHistoryPartition,
  type HistoryPartition,
  listHistoryPartitions,
} from '../adapters/db/history.js';
import type { Db } from '../adapters/db.js';

const DAY_MS = 86_400_000;

export interface PruneResult {
  retentionDays: number;
  /** records created before this instant are past retention */
  cutoff: Date;
  dropped: HistoryPartition[];
  /** a partition that could not be dropped now (lock timeout): tried again next run */
  failed: Array<{ partition: string; error: string }>;
  /** rows of the default partitions older than the cutoff: kept, for an operator to look at */
  defaultRowsPastRetention: Array<{ table: string; rows: number }>;
}

export interface HistoryRetention {
  readonly retentionDays: number;
  prune(now?: Date): Promise<PruneResult>;
}

export function createHistoryRetention(db: Db, retentionDays: number): HistoryRetention {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(`retention must be a positive number of days, got ${retentionDays}`);
  }
  return {
    retentionDays,
    async prune(now = new Date()) {
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const expired = (await listHistoryPartitions(db)).filter((p) => p.to.getTime() <= cutoff.getTime());
      const dropped: HistoryPartition[] = [];
      const failed: PruneResult['failed'] = [];
      for (const p of expired) {
        try {
          await dropHistoryPartition(db, p);
          dropped.push(p);
        } catch (err) {
          failed.push({ partition: p.partition, error: err instanceof Error ? err.message : String(err) });
        }
      }
      const defaultRowsPastRetention = (await countDefaultPartitionRows(db, cutoff)).filter(
        (r) => r.rows > 0,
      );
      return { retentionDays, cutoff, dropped, failed, defaultRowsPastRetention };
    },
  };
}
