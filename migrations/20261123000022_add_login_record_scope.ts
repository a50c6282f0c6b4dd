import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // Admins query login records by school and county at tens of millions of rows. Joining
  // accounts at query time cannot use an index in (school, time) order, so each record carries
  // the account's primary school and that school's county as they were at the login (null for
  // unknown usernames and accounts at no school). A BEFORE INSERT trigger fills them from
  // accounts/organizations for every writer (the record writer, imports, the bench generator
  // which sets them itself and so skips the trigger's lookup through its WHEN clause).
  //
  // Every admin index ends in (created_at DESC, id DESC), the keyset order of the admin page,
  // so a page is an ordered index scan that stops after LIMIT rows.
  await db.raw(`
    ALTER TABLE login_records ADD COLUMN school_id uuid, ADD COLUMN county_id uuid;

    CREATE FUNCTION login_records_fill_scope() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      SELECT a.school_id, o.parent_id INTO NEW.school_id, NEW.county_id
        FROM accounts a LEFT JOIN organizations o ON o.id = a.school_id
       WHERE a.id = NEW.account_id;
      RETURN NEW;
    END $$;
    CREATE TRIGGER login_records__fill_scope BEFORE INSERT ON login_records
      FOR EACH ROW WHEN (NEW.account_id IS NOT NULL AND NEW.school_id IS NULL AND NEW.county_id IS NULL)
      EXECUTE FUNCTION login_records_fill_scope();

    UPDATE login_records r SET school_id = a.school_id, county_id = o.parent_id
      FROM accounts a LEFT JOIN organizations o ON o.id = a.school_id
     WHERE a.id = r.account_id AND r.school_id IS NULL AND r.county_id IS NULL;

    -- replaces (account_id, created_at DESC): same leading columns, plus the keyset tiebreak
    DROP INDEX login_records__account_id;
    CREATE INDEX login_records__account_id ON login_records (account_id, created_at DESC, id DESC);
    CREATE INDEX login_records__school_id ON login_records (school_id, created_at DESC, id DESC);
    CREATE INDEX login_records__county_id ON login_records (county_id, created_at DESC, id DESC);
    CREATE INDEX login_records__client_id ON login_records (client_id, created_at DESC, id DESC);
    -- btree on inet serves "ip <<= cidr" as a range scan and "ip = addr" in time order
    CREATE INDEX login_records__ip ON login_records (ip, created_at DESC, id DESC);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`
    DROP INDEX login_records__ip;
    DROP INDEX login_records__client_id;
    DROP INDEX login_records__county_id;
    DROP INDEX login_records__school_id;
    DROP INDEX login_records__account_id;
    CREATE INDEX login_records__account_id ON login_records (account_id, created_at DESC);
    DROP TRIGGER login_records__fill_scope ON login_records;
    DROP FUNCTION login_records_fill_scope();
    ALTER TABLE login_records DROP COLUMN county_id, DROP COLUMN school_id;
  `);
}
