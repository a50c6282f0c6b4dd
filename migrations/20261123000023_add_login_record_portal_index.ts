import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // The portal's 紀錄 page reads one account's history: the filter choices (系統/瀏覽器/設備 of
  // its newest 5,000 records) and the filtered totals ("1 - 10 / N" with 成功, 設備 or IP set).
  // On (account_id, created_at DESC, id DESC) alone each of those rows is a heap fetch, and an
  // account's rows are spread over as many pages as it has logins (4,600 reads, 110-250 ms, for
  // a teacher at 50 million records). With the filtered columns in the index they are
  // index-only scans. Its keys are those of login_records__account_id (migration 022), so it
  // serves that index's queries too; that one could be dropped.
  await db.raw(`
    CREATE INDEX login_records__account_portal ON login_records (account_id, created_at DESC, id DESC)
      INCLUDE (success, ip, os, browser, device);
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX login_records__account_portal');
}
