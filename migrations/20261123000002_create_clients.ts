import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // metadata holds RFC 7591 names without the secret; the secret is either a keyed hash
  // (client_secret_basic/post only) or, when the method needs the clear secret
  // (client_secret_jwt, HS* algorithms), encrypted with the key-encryption key.
  await db.raw(`
    CREATE TABLE clients (
      client_id text PRIMARY KEY,
      metadata jsonb NOT NULL,
      secret_hash text,
      secret_encrypted text,
      first_party boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE clients');
}
