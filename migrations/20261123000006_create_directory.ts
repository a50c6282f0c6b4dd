import type { Knex } from 'knex';

/**
 * The directory of an education bureau: the county and its schools, classes per school year
 * and semester, who belongs where (titles, class seats), who administers what, and the
 * records of delegated administration (applications, transfers, whitelist, audit log,
 * one-time account links).
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE organizations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('county', 'school')),
      -- MOE school code (學校代碼, reference §12) for schools; a short code for the county
      code text NOT NULL CHECK (code ~ '^[0-9A-Za-z]{2,8}$'),
      name text NOT NULL CHECK (name <> ''),
      short_name text,
      -- 國小 elementary, 國中 junior, 高中 senior, 其他 other; a county has none
      level text CHECK (level IN ('elementary', 'junior', 'senior', 'other')),
      parent_id uuid REFERENCES organizations (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT organizations__school_shape CHECK (
        (kind = 'county' AND level IS NULL AND parent_id IS NULL)
        OR (kind = 'school' AND level IS NOT NULL AND parent_id IS NOT NULL))
    );
    CREATE UNIQUE INDEX organizations__code ON organizations (code);
    CREATE INDEX organizations__parent_id ON organizations (parent_id);

    CREATE TABLE school_classes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      school_id uuid NOT NULL REFERENCES organizations (id),
      school_year smallint NOT NULL CHECK (school_year BETWEEN 1 AND 999), -- ROC year (民國), e.g. 115
      semester smallint NOT NULL CHECK (semester IN (1, 2)),
      grade smallint NOT NULL CHECK (grade BETWEEN 1 AND 12),
      class_no smallint NOT NULL CHECK (class_no BETWEEN 1 AND 99),
      title text NOT NULL CHECK (title <> ''), -- 六年四班
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX school_classes__term_class
      ON school_classes (school_id, school_year, semester, grade, class_no);

    ALTER TABLE accounts
      ADD COLUMN identity_type text CHECK (identity_type IN ('student', 'teacher', 'staff', 'other')),
      ADD COLUMN school_id uuid REFERENCES organizations (id),
      -- national ID or resident certificate number: AES-GCM sealed, keyed hash for look-up,
      -- and the masked form (A12****789) that is all any page or API ever shows
      ADD COLUMN national_id_sealed text,
      ADD COLUMN national_id_hash text,
      ADD COLUMN national_id_masked text,
      ADD COLUMN gender text CHECK (gender IN ('M', 'F', 'X')),
      ADD COLUMN birth_date date,
      ADD COLUMN family_name_first boolean NOT NULL DEFAULT true,
      ADD COLUMN mobile text,
      ADD COLUMN mobile_verified boolean NOT NULL DEFAULT false,
      -- legacy county OpenID 2.0 identifiers (reference §4.2, §7.4)
      ADD COLUMN openid2_ids text[] NOT NULL DEFAULT '{}',
      ADD COLUMN deleted_at timestamptz,
      ADD CONSTRAINT accounts__national_id_complete CHECK (
        (national_id_sealed IS NULL) = (national_id_hash IS NULL)
        AND (national_id_hash IS NULL) = (national_id_masked IS NULL));
    -- one person, one account: across the county, deleted accounts included (they are restored)
    CREATE UNIQUE INDEX accounts__national_id_hash ON accounts (national_id_hash)
      WHERE national_id_hash IS NOT NULL;
    CREATE INDEX accounts__school_id ON accounts (school_id);
    CREATE INDEX accounts__name ON accounts (name);

    -- titles per school, in the order RPs read them (the identity title first); a title
    -- that ends (a transfer, an edit) keeps its row with ended_at: history is kept
    CREATE TABLE account_titles (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      school_id uuid NOT NULL REFERENCES organizations (id),
      title text NOT NULL CHECK (title <> ''),
      position smallint NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz
    );
    CREATE UNIQUE INDEX account_titles__current
      ON account_titles (account_id, school_id, title) WHERE ended_at IS NULL;
    CREATE INDEX account_titles__school_id ON account_titles (school_id) WHERE ended_at IS NULL;

    CREATE TABLE class_members (
      class_id uuid NOT NULL REFERENCES school_classes (id),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      seat_no smallint CHECK (seat_no BETWEEN 1 AND 999),
      joined_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (class_id, account_id)
    );
    CREATE INDEX class_members__account_id ON class_members (account_id);

    -- teachers of a class (導師 homeroom, 科任 subject): they see and serve their own classes
    CREATE TABLE class_teachers (
      class_id uuid NOT NULL REFERENCES school_classes (id),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      kind text NOT NULL DEFAULT 'homeroom' CHECK (kind IN ('homeroom', 'subject')),
      PRIMARY KEY (class_id, account_id)
    );
    CREATE INDEX class_teachers__account_id ON class_teachers (account_id);

    -- delegated administration (權限管理): county admins over a county, school admins over a school
    CREATE TABLE role_assignments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('county_admin', 'school_admin')),
      org_id uuid NOT NULL REFERENCES organizations (id),
      granted_by uuid REFERENCES accounts (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX role_assignments__account_role_org ON role_assignments (account_id, role, org_id);
    CREATE INDEX role_assignments__org_id ON role_assignments (org_id);

    -- 新帳號申請: a public application, verified by e-mail and SMS codes, decided by an admin
    CREATE TABLE account_applications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'unverified'
        CHECK (status IN ('unverified', 'pending', 'approved', 'rejected')),
      real_name text NOT NULL,
      email text NOT NULL,
      mobile text NOT NULL,
      school_id uuid NOT NULL REFERENCES organizations (id),
      identity_type text NOT NULL CHECK (identity_type IN ('teacher', 'staff', 'other')),
      requested_titles text[] NOT NULL DEFAULT '{}',
      requests_school_admin boolean NOT NULL DEFAULT false,
      national_id_sealed text,
      national_id_hash text,
      national_id_masked text,
      email_verified_at timestamptz,
      mobile_verified_at timestamptz,
      submitted_at timestamptz,
      decided_by uuid REFERENCES accounts (id),
      decided_at timestamptz,
      decision_reason text,
      account_id uuid REFERENCES accounts (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX account_applications__school_status ON account_applications (school_id, status);

    -- 問題三: a teacher registered at school A moves to B; B requests, A or the county approves
    CREATE TABLE school_transfers (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      from_school_id uuid NOT NULL REFERENCES organizations (id),
      to_school_id uuid NOT NULL REFERENCES organizations (id),
      titles text[] NOT NULL DEFAULT '{}',
      status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
      requested_by uuid NOT NULL REFERENCES accounts (id),
      requested_at timestamptz NOT NULL DEFAULT now(),
      decided_by uuid REFERENCES accounts (id),
      decided_at timestamptz,
      decision_reason text,
      CONSTRAINT school_transfers__different CHECK (from_school_id <> to_school_id)
    );
    CREATE UNIQUE INDEX school_transfers__one_pending ON school_transfers (account_id) WHERE status = 'pending';
    CREATE INDEX school_transfers__from ON school_transfers (from_school_id, status);
    CREATE INDEX school_transfers__to ON school_transfers (to_school_id, status);

    -- 白名單: address ranges per county or school (TANet defaults come from configuration)
    CREATE TABLE ip_ranges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      org_id uuid NOT NULL REFERENCES organizations (id),
      cidr cidr NOT NULL,
      label text,
      created_by uuid REFERENCES accounts (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX ip_ranges__org_cidr ON ip_ranges (org_id, cidr);
    CREATE INDEX ip_ranges__cidr ON ip_ranges USING gist (cidr inet_ops);

    -- one-time links (account activation, password reset): only a keyed hash is stored
    CREATE TABLE account_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
      purpose text NOT NULL CHECK (purpose IN ('activate', 'reset')),
      token_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_by uuid REFERENCES accounts (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX account_tokens__token_hash ON account_tokens (token_hash);
    CREATE INDEX account_tokens__account_id ON account_tokens (account_id);

    -- every admin operation: who, what, on whom, before and after, from where
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id uuid,
      actor_username text,
      actor_ip inet,
      via text NOT NULL CHECK (via IN ('console', 'api', 'cli', 'public')),
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      org_id uuid,
      before jsonb,
      after jsonb
    );
    CREATE INDEX audit_log__at ON audit_log (at DESC, id DESC);
    CREATE INDEX audit_log__actor ON audit_log (actor_id, at DESC);
    CREATE INDEX audit_log__target ON audit_log (target_type, target_id, at DESC);
    CREATE INDEX audit_log__org ON audit_log (org_id, at DESC);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`
    DROP TABLE audit_log, account_tokens, ip_ranges, school_transfers, account_applications,
      role_assignments, class_teachers, class_members, account_titles;
    DROP INDEX accounts__name;
    DROP INDEX accounts__school_id;
    DROP INDEX accounts__national_id_hash;
    ALTER TABLE accounts
      DROP CONSTRAINT accounts__national_id_complete,
      DROP COLUMN identity_type, DROP COLUMN school_id, DROP COLUMN national_id_sealed,
      DROP COLUMN national_id_hash, DROP COLUMN national_id_masked, DROP COLUMN gender,
      DROP COLUMN birth_date, DROP COLUMN family_name_first, DROP COLUMN mobile,
      DROP COLUMN mobile_verified, DROP COLUMN openid2_ids, DROP COLUMN deleted_at;
    DROP TABLE school_classes, organizations;
  `);
}
