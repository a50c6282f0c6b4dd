/** Reading the audit log's date filters: whole days in Taiwan time, "to" included. */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 2026-09-01 → 2026-09-01T00:00+08:00; undefined for anything that is not a calendar date. */
export function startOfDay(value: string): Date | undefined {
  const m = DAY.exec(value);
  if (!m) return undefined;
  const d = new Date(`${value}T00:00:00+08:00`);
  // 2026-02-30 parses to March: only a date that round-trips is one
  const check = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return check === value ? d : undefined;
}

/** The end of the day (exclusive): the start of the next one. */
export function endOfDay(value: string): Date | undefined {
  const start = startOfDay(value);
  return start && new Date(start.getTime() + 24 * 3600_000);
}
