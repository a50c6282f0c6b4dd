import type { DbOrTx } from '../db.js';

export type OrganizationKind = 'county' | 'school';
export type SchoolLevel = 'elementary' | 'junior' | 'senior' | 'other';

export interface Organization {
  id: string;
  kind: OrganizationKind;
  /** MOE school code for schools (reference §12) */
  code: string;
  name: string;
  shortName: string | null;
  level: SchoolLevel | null;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrganizationRow {
  id: string;
  kind: OrganizationKind;
  code: string;
  name: string;
  short_name: string | null;
  level: SchoolLevel | null;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export const organizationFromRow = (r: OrganizationRow): Organization => ({
  id: r.id,
  kind: r.kind,
  code: r.code,
  name: r.name,
  shortName: r.short_name,
  level: r.level,
  parentId: r.parent_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function findOrganizationsByIds(db: DbOrTx, ids: readonly string[]): Promise<Organization[]> {
  const valid = ids.filter(isUuid);
  if (valid.length === 0) return [];
  const rows = (await db('organizations').whereIn('id', valid).orderBy('code')) as OrganizationRow[];
  return rows.map(organizationFromRow);
}

export async function findOrganizationById(db: DbOrTx, id: string): Promise<Organization | undefined> {
  if (!isUuid(id)) return undefined;
  const row = (await db('organizations').where({ id }).first()) as OrganizationRow | undefined;
  return row && organizationFromRow(row);
}

/** Postgres unique_violation: a concurrent insert won the race for a unique key. */
export const isUniqueViolation = (err: unknown) => (err as { code?: string } | null)?.code === '23505';

export interface SchoolFilter {
  /** the schools the caller may see */
  schoolIds: readonly string[];
  /** prefix of the MOE code */
  code?: string | undefined;
  /** part of the full or short name */
  name?: string | undefined;
  level?: SchoolLevel | undefined;
  offset: number;
  limit: number;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listSchools(
  db: DbOrTx,
  f: SchoolFilter,
): Promise<{ rows: Organization[]; total: number }> {
  const ids = f.schoolIds.filter(isUuid);
  if (ids.length === 0) return { rows: [], total: 0 };
  const q = db('organizations')
    .where({ kind: 'school' })
    .whereIn('id', ids)
    .where((w) => {
      if (f.code) w.whereILike('code', `${likeEscape(f.code)}%`);
      if (f.name) {
        const pattern = `%${likeEscape(f.name)}%`;
        w.where((n) => n.whereILike('name', pattern).orWhereILike('short_name', pattern));
      }
      if (f.level) w.where('level', f.level);
    });
  const [rows, count] = await Promise.all([
    q.clone().orderBy('code').limit(f.limit).offset(f.offset),
    q.clone().count<{ count: number }[]>({ count: '*' }),
  ]);
  return { rows: (rows as OrganizationRow[]).map(organizationFromRow), total: Number(count[0]?.count ?? 0) };
}

/** Schools of these counties, by code (for pickers). */
export async function listSchoolsOfCounties(
  db: DbOrTx,
  countyIds: readonly string[],
): Promise<Organization[]> {
  const ids = countyIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = (await db('organizations')
    .where({ kind: 'school' })
    .whereIn('parent_id', ids)
    .orderBy('code')) as OrganizationRow[];
  return rows.map(organizationFromRow);
}

export async function isOrganizationCodeTaken(db: DbOrTx, code: string, exceptId?: string): Promise<boolean> {
  const q = db('organizations').whereRaw('lower(code) = lower(?)', [code]);
  if (exceptId) q.whereNot('id', exceptId);
  return !!(await q.first('id'));
}

export interface SchoolInsert {
  code: string;
  name: string;
  shortName: string | null;
  level: SchoolLevel;
  parentId: string;
}

/** Inserts a school; undefined when its code is taken (organizations__code). */
export async function insertSchool(db: DbOrTx, s: SchoolInsert): Promise<Organization | undefined> {
  const [row] = (await db('organizations')
    .insert({
      kind: 'school',
      code: s.code,
      name: s.name,
      short_name: s.shortName,
      level: s.level,
      parent_id: s.parentId,
    })
    .onConflict('code')
    .ignore()
    .returning('*')) as OrganizationRow[];
  return row && organizationFromRow(row);
}

/** Updates a school's record; 'conflict' when the new code is taken. */
export async function updateSchool(
  db: DbOrTx,
  id: string,
  s: Omit<SchoolInsert, 'parentId'>,
): Promise<Organization | 'conflict' | undefined> {
  try {
    const [row] = (await db('organizations')
      .where({ id, kind: 'school' })
      .update({
        code: s.code,
        name: s.name,
        short_name: s.shortName,
        level: s.level,
        updated_at: db.fn.now(),
      })
      .returning('*')) as OrganizationRow[];
    return row && organizationFromRow(row);
  } catch (err) {
    if (isUniqueViolation(err)) return 'conflict';
    throw err;
  }
}
