import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Durable oidc-provider models (Grant, RefreshToken) and, in evaluation mode without
  // Redis, the short-lived ones too. account_id/client_id are lifted out of Grant payloads
  // so a remembered consent can be found across sessions.
  await db.raw(`
    CREATE TABLE oidc_payloads (
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      uid text,
      user_code text,
      account_id text,
      client_id text,
      consumed_at timestamptz,
      expires_at timestamptz,
      PRIMARY KEY (model, id)
    );
    CREATE INDEX oidc_payloads__grant_id ON oidc_payloads (model, grant_id) WHERE grant_id IS NOT NULL;
    CREATE INDEX oidc_payloads__uid ON oidc_payloads (model, uid) WHERE uid IS NOT NULL;
    CREATE INDEX oidc_payloads__user_code ON oidc_payloads (model, user_code) WHERE user_code IS NOT NULL;
    CREATE INDEX oidc_payloads__account_client ON oidc_payloads (model, account_id, client_id) WHERE account_id IS NOT NULL;
    CREATE INDEX oidc_payloads__expires_at ON oidc_payloads (expires_at) WHERE expires_at IS NOT NULL;
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE oidc_payloads');
}
