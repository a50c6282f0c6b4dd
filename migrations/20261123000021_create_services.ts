import type { Knex } from 'knex';

/**
 * 服務 (issue 5): what a user can activate in the portal, and the history of activations.
 *
 * services: a card of the portal. client_id is the RP behind it (NULL until an admin binds
 * one; one service per client). identity_types and school_ids restrict who may use it (empty =
 * everyone). owner_org_id says whose it is: NULL for the bureau's own (county-wide) services,
 * a county, or a school (a school's own service, restricted to that school). With
 * activation_required, the OP refuses to issue a code for the client until the user activated
 * the service (provider/configuration.ts, check edu_service_activation).
 *
 * service_activations: one row per activation; deactivation closes the row (deactivated_at)
 * and a later activation opens a new one, so the history stays. At most one open row per
 * account and service (partial unique index).
 *
 * Seeds: the three services of the seeds' 服務 page, activation required, no client bound.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE services (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name_zh text NOT NULL CHECK (name_zh <> ''),
      name_en text NOT NULL DEFAULT '',
      icon text NOT NULL DEFAULT 'app' CHECK (icon IN ('wifi', 'google', 'cloud', 'app')),
      description_zh text NOT NULL DEFAULT '',
      description_en text NOT NULL DEFAULT '',
      client_id text REFERENCES clients (client_id) ON DELETE SET NULL,
      go_url text CHECK (go_url IS NULL OR go_url ~ '^https\\?://'),
      identity_types text[] NOT NULL DEFAULT '{}'
        CHECK (identity_types <@ ARRAY['student', 'teacher', 'staff', 'other']::text[]),
      school_ids uuid[] NOT NULL DEFAULT '{}',
      activation_required boolean NOT NULL DEFAULT true,
      enabled boolean NOT NULL DEFAULT true,
      sort_order integer NOT NULL DEFAULT 0,
      owner_org_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX services__client_id ON services (client_id) WHERE client_id IS NOT NULL;
    CREATE INDEX services__owner_org_id ON services (owner_org_id);

    CREATE TABLE service_activations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
      activated_at timestamptz NOT NULL DEFAULT now(),
      deactivated_at timestamptz,
      CHECK (deactivated_at IS NULL OR deactivated_at >= activated_at)
    );
    CREATE UNIQUE INDEX service_activations__account_id_service_id_open
      ON service_activations (account_id, service_id) WHERE deactivated_at IS NULL;
    CREATE INDEX service_activations__service_id ON service_activations (service_id);

    INSERT INTO services (name_zh, name_en, icon, description_zh, description_en, sort_order) VALUES
      ('TANet 無線網路漫遊', 'TANet wireless roaming', 'wifi',
       '在各級學校與公共場所使用 TANet 無線網路漫遊。', 'Roam on TANet Wi-Fi at schools and public places.', 10),
      ('教育版 Google Apps', 'Google Workspace for Education', 'google',
       'Gmail、雲端硬碟、Classroom 等 Google 教育版服務。', 'Gmail, Drive, Classroom and the other Google services for education.', 20),
      ('雲端硬碟', 'ownCloud cloud drive', 'cloud',
       '教育網路的 ownCloud 雲端硬碟。', 'The education network''s ownCloud drive.', 30);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TABLE service_activations; DROP TABLE services');
}
