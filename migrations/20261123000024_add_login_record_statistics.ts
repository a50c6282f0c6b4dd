import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // A record's school follows from its account (login_records.school_id is the account's
  // school at the login). The planner assumes the two filters independent, so for "this account,
  // as its school's admin sees it" it expects a handful of rows, reads and sorts every record of
  // the account (hundreds of ms at 50M rows) instead of reading the account's index in time
  // order and stopping after one page. A dependencies statistics object tells it; PostgreSQL
  // keeps extended statistics per partition, so every partition gets one, and history
  // maintenance (adapters/db/history.ts) adds it to each new month.
  await db.raw(`
    CREATE FUNCTION edu_login_records_statistics() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      part record;
    BEGIN
      FOR part IN
        SELECT c.relname, n.nspname
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE i.inhparent = 'login_records'::regclass
      LOOP
        EXECUTE format(
          'CREATE STATISTICS IF NOT EXISTS %I.%I (dependencies) ON account_id, school_id FROM %I.%I',
          part.nspname, part.relname || '__account_school', part.nspname, part.relname);
      END LOOP;
    END $$;
    SELECT edu_login_records_statistics();
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`
    DO $$
    DECLARE
      s record;
    BEGIN
      FOR s IN SELECT n.nspname, x.stxname FROM pg_statistic_ext x
                 JOIN pg_namespace n ON n.oid = x.stxnamespace
                WHERE x.stxname LIKE 'login\\_records\\_%\\_\\_account\\_school'
      LOOP
        EXECUTE format('DROP STATISTICS %I.%I', s.nspname, s.stxname);
      END LOOP;
    END $$;
    DROP FUNCTION edu_login_records_statistics();
  `);
}
