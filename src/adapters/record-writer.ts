/**
 * Write-behind for append-only history tables (login_records, session_events).
 *
 * A login must neither wait for nor fail because of a slow Postgres, and a record must never
 * be lost. So each record is appended to a spool file on local disk first (synchronously,
 * before the login proceeds), queued in memory, and inserted in batches. A segment file is
 * deleted only after its rows are committed. On shutdown the queue is drained; what cannot be
 * written stays spooled and is replayed at the next start (idempotent: ON CONFLICT DO NOTHING
 * on the (created_at, id) primary key).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Knex } from 'knex';

export type HistoryTable = 'login_records' | 'session_events';
export type HistoryRow = Record<string, unknown> & { id: string; created_at: string };

interface Entry {
  table: HistoryTable;
  row: HistoryRow;
}

export interface RecordWriterOptions {
  spoolDir: string;
  flushMs: number;
  batchSize?: number;
  onError?: (err: unknown, pending: number) => void;
}

export interface RecordWriter {
  write(table: HistoryTable, row: HistoryRow): void;
  /** Writes everything queued so far; rejects if Postgres refuses (the rows stay queued). */
  flush(): Promise<void>;
  /** Stops the timer and drains the queue, trying for at most `timeoutMs`. */
  close(timeoutMs?: number): Promise<void>;
  pending(): number;
}

// Segments not written for this long belong to a process that is gone; younger ones may be
// a sibling process's live segment on a shared disk.
const ORPHAN_AGE_MS = 30_000;

export function createRecordWriter(db: Knex, opts: RecordWriterOptions): RecordWriter {
  mkdirSync(opts.spoolDir, { recursive: true });
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const batchSize = opts.batchSize ?? 2000;
  let queue: Array<Entry & { segment: string }> = [];
  let segmentNo = 0;
  let segment = segmentPath();
  let flushing: Promise<void> | undefined;
  let failures = 0;
  let closed = false;

  function segmentPath() {
    segmentNo += 1;
    return join(opts.spoolDir, `records-${owner}-${String(segmentNo).padStart(6, '0')}.jsonl`);
  }

  // replay what earlier processes left behind
  for (const name of readdirSync(opts.spoolDir)) {
    if (!name.endsWith('.jsonl')) continue;
    const path = join(opts.spoolDir, name);
    if (Date.now() - statSync(path).mtimeMs < ORPHAN_AGE_MS) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        queue.push({ ...(JSON.parse(line) as Entry), segment: path });
      } catch {
        // a torn last line from a crash mid-write: the rest of the file is still good
      }
    }
  }

  async function writeBatch(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      // new records go to a fresh segment so the batch's segments can be deleted after commit
      if (batch.some((e) => e.segment === segment)) segment = segmentPath();
      const byTable = new Map<HistoryTable, HistoryRow[]>();
      for (const e of batch) {
        const rows = byTable.get(e.table);
        if (rows) rows.push(e.row);
        else byTable.set(e.table, [e.row]);
      }
      await db.transaction(async (tx) => {
        for (const [table, rows] of byTable) await tx(table).insert(rows).onConflict().ignore();
      });
      queue = queue.slice(batch.length);
      const live = new Set(queue.map((e) => e.segment));
      for (const path of new Set(batch.map((e) => e.segment))) {
        if (!live.has(path) && path !== segment) {
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        }
      }
    }
  }

  function flush(): Promise<void> {
    flushing ??= writeBatch().finally(() => {
      flushing = undefined;
    });
    return flushing;
  }

  let timer: NodeJS.Timeout | undefined;
  const schedule = (delay: number) => {
    if (closed) return;
    timer = setTimeout(async () => {
      try {
        await flush();
        failures = 0;
      } catch (err) {
        failures += 1;
        opts.onError?.(err, queue.length);
      }
      // back off while Postgres is failing: 2x per failure, at most 30 s
      schedule(failures ? Math.min(30_000, opts.flushMs * 2 ** failures) : opts.flushMs);
    }, delay);
    timer.unref();
  };
  schedule(opts.flushMs);

  return {
    write(table, row) {
      const entry: Entry = { table, row };
      appendFileSync(segment, `${JSON.stringify(entry)}\n`);
      queue.push({ ...entry, segment });
    },
    flush,
    async close(timeoutMs = 10_000) {
      closed = true;
      if (timer) clearTimeout(timer);
      const deadline = Date.now() + timeoutMs;
      while (queue.length > 0 && Date.now() < deadline) {
        try {
          await flush();
        } catch (err) {
          opts.onError?.(err, queue.length);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    pending: () => queue.length,
  };
}
