import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // A key is published from created_at, signs from activates_at until the next key
  // activates, and stays published until published_until (its last token has expired).
  await db.raw(`
    CREATE TABLE signing_keys (
      kid text PRIMARY KEY,
      alg text NOT NULL,
      public_jwk jsonb NOT NULL,
      private_jwk_encrypted text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      activates_at timestamptz NOT NULL,
      published_until timestamptz
    );
    CREATE INDEX signing_keys__activates_at ON signing_keys (activates_at);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE signing_keys');
}
