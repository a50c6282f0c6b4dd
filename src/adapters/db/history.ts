import type { DbOrTx } from '../db.js';

export const HISTORY_TABLES = ['login_records', 'session_events'] as const;

/** Creates the monthly partitions from last month to `monthsAhead` months ahead (idempotent). */
export async function ensureHistoryPartitions(db: DbOrTx, monthsAhead = 3): Promise<void> {
  for (const table of HISTORY_TABLES) {
    await db.raw("SELECT edu_ensure_month_partitions(?, now() - interval '1 month', ?)", [
      table,
      monthsAhead + 2,
    ]);
  }
}
