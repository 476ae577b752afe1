import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * A message is `sending` (with the replica that called Telegram) between the claim and Telegram's answer, so
 * two replicas never send the same row and a crash inside that window is known rather than resent.
 */
export const sendingClaim: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table telegram_messages
      modify status enum('queued','sending','sent','failed') not null,
      add column sending_replica char(36) null`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`update telegram_messages set status = 'queued' where status = 'sending'`.execute(db);
    await sql`alter table telegram_messages
      modify status enum('queued','sent','failed') not null,
      drop column sending_replica`.execute(db);
  },
};
