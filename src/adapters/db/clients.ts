import type { DbOrTx } from '../db.js';

export interface ClientRow {
  clientId: string;
  metadata: Record<string, unknown>;
  secretHash: string | null;
  secretEncrypted: string | null;
  firstParty: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  client_id: string;
  metadata: Record<string, unknown>;
  secret_hash: string | null;
  secret_encrypted: string | null;
  first_party: boolean;
  created_at: Date;
  updated_at: Date;
}

const fromRow = (r: Row): ClientRow => ({
  clientId: r.client_id,
  metadata: r.metadata,
  secretHash: r.secret_hash,
  secretEncrypted: r.secret_encrypted,
  firstParty: r.first_party,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function findClientRow(db: DbOrTx, clientId: string): Promise<ClientRow | undefined> {
  const row = (await db('clients').where({ client_id: clientId }).first()) as Row | undefined;
  return row && fromRow(row);
}

export async function listClientRows(db: DbOrTx): Promise<ClientRow[]> {
  return ((await db('clients').orderBy('client_id')) as Row[]).map(fromRow);
}

export async function upsertClientRow(
  db: DbOrTx,
  c: Pick<ClientRow, 'clientId' | 'metadata' | 'secretHash' | 'secretEncrypted' | 'firstParty'>,
): Promise<void> {
  const row = {
    client_id: c.clientId,
    metadata: c.metadata,
    secret_hash: c.secretHash,
    secret_encrypted: c.secretEncrypted,
    first_party: c.firstParty,
  };
  await db('clients')
    .insert(row)
    .onConflict('client_id')
    .merge({ ...row, updated_at: db.fn.now() });
}
