import type { DbOrTx } from '../db.js';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  privateJwkEncrypted: string;
  createdAt: Date;
  activatesAt: Date;
  publishedUntil: Date | null;
}

interface Row {
  kid: string;
  alg: string;
  public_jwk: Record<string, unknown>;
  private_jwk_encrypted: string;
  created_at: Date;
  activates_at: Date;
  published_until: Date | null;
}

const fromRow = (r: Row): SigningKeyRow => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: r.public_jwk,
  privateJwkEncrypted: r.private_jwk_encrypted,
  createdAt: r.created_at,
  activatesAt: r.activates_at,
  publishedUntil: r.published_until,
});

/** Keys still published at `now`, in activation order (oldest first). */
export async function listPublishedKeys(db: DbOrTx, now: Date): Promise<SigningKeyRow[]> {
  const rows = (await db('signing_keys')
    .where((w) => w.whereNull('published_until').orWhere('published_until', '>', now))
    .orderBy('activates_at', 'asc')) as Row[];
  return rows.map(fromRow);
}

export async function listAllKeys(db: DbOrTx): Promise<SigningKeyRow[]> {
  return ((await db('signing_keys').orderBy('activates_at', 'asc')) as Row[]).map(fromRow);
}

export async function insertSigningKey(db: DbOrTx, k: Omit<SigningKeyRow, 'createdAt'>): Promise<void> {
  await db('signing_keys').insert({
    kid: k.kid,
    alg: k.alg,
    public_jwk: k.publicJwk,
    private_jwk_encrypted: k.privateJwkEncrypted,
    activates_at: k.activatesAt,
    published_until: k.publishedUntil,
  });
}

export async function setPublishedUntil(db: DbOrTx, kid: string, until: Date): Promise<void> {
  await db('signing_keys').where({ kid }).update({ published_until: until });
}

/** Serialises concurrent rotations across nodes for the length of the transaction. */
export async function lockSigningKeys(tx: DbOrTx): Promise<void> {
  await tx.raw('LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE');
}
