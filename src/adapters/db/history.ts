import type { DbOrTx } from '../db.js';

export const HISTORY_TABLES = ['login_records', 'session_events'] as const;

/**
 * Creates the monthly partitions from last month to `monthsAhead` months ahead, each
 * login_records month with its statistics object (migration 024), idempotently.
 */
export async function ensureHistoryPartitions(db: DbOrTx, monthsAhead = 3): Promise<void> {
  for (const table of HISTORY_TABLES) {
    await db.raw("SELECT edu_ensure_month_partitions(?, now() - interval '1 month', ?)", [
      table,
      monthsAhead + 2,
    ]);
  }
  await db.raw('SELECT edu_login_records_statistics()');
}

export interface HistoryPartition {
  table: (typeof HISTORY_TABLES)[number];
  partition: string;
  from: Date;
  to: Date;
  /** the planner's estimate (pg_class.reltuples): counting a month of rows is not worth it */
  approxRows: number;
}

/** The monthly (bounded) partitions of the history tables, oldest first; not the default partitions. */
export async function listHistoryPartitions(db: DbOrTx): Promise<HistoryPartition[]> {
  const { rows } = await db.raw(
    `SELECT p.relname AS parent, c.relname AS partition, greatest(c.reltuples, 0)::bigint AS approx_rows,
            (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz AS from_at,
            (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS to_at
       FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = ANY (?) AND p.relnamespace = current_schema()::regnamespace
        AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
      ORDER BY to_at, p.relname`,
    [[...HISTORY_TABLES]],
  );
  return (
    (rows as Array<{ parent: string; partition: string; approx_rows: number; from_at: Date; to_at: Date }>)
      // a bound of MINVALUE/MAXVALUE is none of ours: never a candidate for retention
      .filter((r) => r.from_at && r.to_at)
      .map((r) => ({
        table: r.parent as HistoryPartition['table'],
        partition: r.partition,
        from: r.from_at,
        to: r.to_at,
        approxRows: r.approx_rows,
      }))
  );
}

/**
 * Detaches and drops one partition: a catalogue change, however many rows it holds (never a
 * DELETE). The detach needs a brief exclusive lock on the parent; lock_timeout keeps it from
 * queueing behind a long query and stalling the login-record writer; it is retried next day.
 */
export async function dropHistoryPartition(db: DbOrTx, p: Pick<HistoryPartition, 'table' | 'partition'>) {
  await db.transaction(async (tx) => {
    await tx.raw("SET LOCAL lock_timeout = '5s'");
    await tx.raw('ALTER TABLE ?? DETACH PARTITION ??', [p.table, p.partition]);
    await tx.raw('DROP TABLE ??', [p.partition]);
  });
}

/** Rows of the default partitions older than `before`: reported, never deleted by retention. */
export async function countDefaultPartitionRows(
  db: DbOrTx,
  before: Date,
): Promise<Array<{ table: string; rows: number }>> {
  const out: Array<{ table: string; rows: number }> = [];
  for (const table of HISTORY_TABLES) {
    const { rows } = await db.raw('SELECT count(*)::bigint AS n FROM ?? WHERE created_at < ?', [
      `${table}_default`,
      before,
    ]);
    out.push({ table: `${table}_default`, rows: Number(rows[0].n) });
  }
  return out;
}
