import type { Knex } from 'knex';

/**
 * 新帳號申請: the applicant may ask for a username. It is only a wish: the admin who approves
 * the application may give another one when it is taken, so there is no unique index here.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    ALTER TABLE account_applications
      ADD COLUMN requested_username text
        CHECK (requested_username = lower(requested_username) AND requested_username <> '');
  `);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE account_applications DROP COLUMN requested_username');
}
