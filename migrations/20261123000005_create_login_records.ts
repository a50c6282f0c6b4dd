import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Login history is append-only and grows by tens of millions of rows: monthly range
  // partitions (retention drops whole partitions), a default partition so a row with an
  // unexpected date is never refused, and indexes for per-account and per-time queries.
  await db.raw(`
    CREATE FUNCTION edu_ensure_month_partitions(parent text, start_at timestamptz, months int)
    RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      first_month timestamp := date_trunc('month', start_at AT TIME ZONE 'UTC');
      m timestamp;
    BEGIN
      FOR i IN 0 .. months - 1 LOOP
        m := first_month + make_interval(months => i);
        EXECUTE format(
          'CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
          parent || '_' || to_char(m, 'YYYYMM'), parent,
          (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
      END LOOP;
    END $$;

    CREATE TABLE login_records (
      id uuid NOT NULL,
      created_at timestamptz NOT NULL,
      account_id uuid,
      username text,
      client_id text,
      method text NOT NULL,
      success boolean NOT NULL,
      failure_reason text,
      ip inet,
      user_agent text,
      os text,
      browser text,
      device text,
      session_id text,
      PRIMARY KEY (created_at, id)
    ) PARTITION BY RANGE (created_at);
    CREATE TABLE login_records_default PARTITION OF login_records DEFAULT;
    CREATE INDEX login_records__account_id ON login_records (account_id, created_at DESC);
    CREATE INDEX login_records__created_at ON login_records (created_at DESC);
    CREATE INDEX login_records__session_id ON login_records (session_id) WHERE session_id IS NOT NULL;

    CREATE TABLE session_events (
      id uuid NOT NULL,
      created_at timestamptz NOT NULL,
      session_id text NOT NULL,
      account_id uuid,
      type text NOT NULL,
      client_id text,
      detail text,
      PRIMARY KEY (created_at, id)
    ) PARTITION BY RANGE (created_at);
    CREATE TABLE session_events_default PARTITION OF session_events DEFAULT;
    CREATE INDEX session_events__session_id ON session_events (session_id, created_at DESC);

    SELECT edu_ensure_month_partitions('login_records', now() - interval '1 month', 4);
    SELECT edu_ensure_month_partitions('session_events', now() - interval '1 month', 4);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(
    'DROP TABLE session_events; DROP TABLE login_records; DROP FUNCTION edu_ensure_month_partitions',
  );
}
