import { sql, type Kysely, type Migration } from '@integrations/persistence';

/**
 * The full phone number of an account (issue 20 item 4): encrypted with the `telegram-sessions` key and bound to
 * its row like the session (`phone_enc`, `phone_key_version`), and a keyed hash (`phone_hash`) for lookups: one
 * account per phone per platform user. All three stay null where the phone is unknown (a QR login Telegram did not
 * tell it for, or a row from before this migration); a unique index allows any number of nulls.
 */
export const phone: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table telegram_sessions
      add column phone_enc text null,
      add column phone_key_version integer null,
      add column phone_hash char(64) null,
      add unique key telegram_sessions_user_phone (user_id, phone_hash)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table telegram_sessions
      drop index telegram_sessions_user_phone,
      drop column phone_enc, drop column phone_key_version, drop column phone_hash`.execute(db);
  },
};
