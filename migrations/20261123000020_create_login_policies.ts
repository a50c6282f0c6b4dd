import type { Knex } from 'knex';

/**
 * 啟用登入機制 (issue 4): per county, which login methods an identity type may use at a client
 * and which assurance (acr) it needs. client_id NULL = every client, identity_type NULL =
 * every identity; the most specific rule wins (provider/policy.ts). allowed_methods lists
 * MethodIds; empty = every method. One rule per (county, client, identity): the unique index
 * folds the NULLs with COALESCE, because NULLs are distinct in a plain unique constraint.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE login_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      county_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      client_id text,
      identity_type text CHECK (identity_type IN ('student', 'teacher', 'staff', 'other')),
      allowed_methods text[] NOT NULL DEFAULT '{}',
      required_acr text,
      updated_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX login_policies__county_id_client_id_identity_type
      ON login_policies (county_id, COALESCE(client_id, ''), COALESCE(identity_type, ''));
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE login_policies');
}
