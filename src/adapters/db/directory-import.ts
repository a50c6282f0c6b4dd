import type { DbOrTx } from '../db.js';
import type { SchoolLevel } from './organizations.js';

/** Creates or updates an organisation by its code; returns its id and whether it was new. */
export async function upsertOrganizationByCode(
  db: DbOrTx,
  o: {
    kind: 'county' | 'school';
    code: string;
    name: string;
    shortName: string | null;
    level: SchoolLevel | null;
    parentId: string | null;
  },
): Promise<{ id: string; created: boolean }> {
  const [row] = (await db('organizations')
    .insert({
      kind: o.kind,
      code: o.code,
      name: o.name,
      short_name: o.shortName,
      level: o.level,
      parent_id: o.parentId,
    })
    .onConflict('code')
    .merge({
      name: o.name,
      short_name: o.shortName,
      level: o.level,
      parent_id: o.parentId,
      updated_at: db.fn.now(),
    })
    .returning(['id', db.raw('(xmax = 0) AS created')])) as Array<{ id: string; created: boolean }>;
  return row!;
}

export async function findOrganizationIdsByCodes(
  db: DbOrTx,
  codes: readonly string[],
): Promise<Map<string, { id: string; kind: 'county' | 'school' }>> {
  if (codes.length === 0) return new Map();
  const rows = (await db('organizations')
    .whereIn('code', [...codes])
    .select('id', 'code', 'kind')) as Array<{
    id: string;
    code: string;
    kind: 'county' | 'school';
  }>;
  return new Map(rows.map((r) => [r.code, { id: r.id, kind: r.kind }]));
}
