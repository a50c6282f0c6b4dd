import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL,
      password_hash text,
      email text,
      email_verified boolean NOT NULL DEFAULT false,
      name text,
      family_name text,
      given_name text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
      must_change_password boolean NOT NULL DEFAULT false,
      password_changed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT accounts__username_lower CHECK (username = lower(username) AND username <> '')
    );
    CREATE UNIQUE INDEX accounts__username ON accounts (username);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE accounts');
}
