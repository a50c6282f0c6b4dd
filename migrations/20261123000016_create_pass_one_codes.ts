import type { Knex } from 'knex';

/**
 * passOne (一次登入): one-time pass codes a teacher or school admin prints for students who
 * forgot their password. Only a keyed hash of each code is stored (secret box, context
 * 'pass-one'); a code is single use (used_at set once, atomically) and short-lived
 * (expires_at). Issuing new codes for a student revokes the older unused ones (revoked_at).
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE pass_one_codes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      school_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
      issued_by uuid REFERENCES accounts(id) ON DELETE SET NULL,
      code_hash text NOT NULL,
      batch_id uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      used_ip inet,
      revoked_at timestamptz,
      CHECK (expires_at > created_at)
    );
    CREATE UNIQUE INDEX pass_one_codes__account_id_code_hash ON pass_one_codes (account_id, code_hash);
    CREATE INDEX pass_one_codes__school_id_created_at ON pass_one_codes (school_id, created_at DESC);
    CREATE INDEX pass_one_codes__batch_id ON pass_one_codes (batch_id);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE pass_one_codes');
}
