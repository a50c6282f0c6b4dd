import type { Knex } from 'knex';

/**
 * Stored login credentials of every kind (STYLE.md §2): one table, typed by `type` (passkey,
 * certificate, fido…), with the kind's public identifier and its data as jsonb, instead of
 * new columns on accounts. An identifier is unique within its type: a passkey's credential id
 * or a certificate's serial belongs to one account only.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE credentials (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      type text NOT NULL CHECK (type <> ''),
      identifier text NOT NULL CHECK (identifier <> ''),
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz
    );
    CREATE INDEX credentials__account_id ON credentials (account_id);
    CREATE UNIQUE INDEX credentials__type_identifier ON credentials (type, identifier);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE credentials');
}
