import type { KeyRotation } from '@integrations/contracts';
import type { MessageContext, Messaging } from '@integrations/messaging';
import { keyRotationMetrics, type Logger, type Registry } from '@integrations/observability';
import { enqueueOutbox, sql, type Kysely, type OutboxRelay } from '@integrations/persistence';
import { KEY_NAMES, type SecretCipher } from '@integrations/secrets';
import type { Counter, Gauge } from 'prom-client';
import type { BotDatabase } from '../db/schema';

const BATCH = 100;

/**
 * Key rotation for bot tokens: a new key version first (new writes use it at once, old rows still decrypt),
 * then a rewrap of every row still on an older version, in small batches, each row updated only if nobody
 * changed it meanwhile. The job is resumable by construction: it works on "rows with an older version", so a
 * restart simply continues. Progress is in metrics and the audit log.
 */
export class BotKeyRotation {
  private running: Promise<void> | undefined;
  private readonly rewrapped: Counter<'key'>;
  private readonly pending: Gauge<'key'>;

  constructor(
    private readonly deps: {
      db: Kysely<BotDatabase>;
      cipher: SecretCipher;
      messaging: Messaging;
      relay: OutboxRelay;
      logger: Logger;
      registry: Registry;
    },
  ) {
    const metrics = keyRotationMetrics(deps.registry);
    this.rewrapped = metrics.rewrapped;
    this.pending = metrics.onOldVersion;
  }

  async rotate(ctx: MessageContext): Promise<KeyRotation> {
    const version = await this.deps.cipher.rotate(KEY_NAMES.bots);
    const pendingRows = await this.countOld(version);
    await this.deps.db
      .transaction()
      .execute((trx) =>
        enqueueOutbox(
          trx,
          this.deps.messaging.makeEnvelope(
            'security.key.rotated',
            { userId: ctx.userId, keyName: KEY_NAMES.bots, version },
            ctx,
          ),
        ),
      );
    this.deps.relay.kick();
    this.start(ctx);
    return { keyName: KEY_NAMES.bots, version, pendingRows };
  }

  /** Continues (or starts) the rewrap in the background; one at a time per replica. */
  start(ctx: MessageContext): Promise<void> {
    if (!this.running) {
      this.running = this.rewrapAll(ctx)
        .catch((error: unknown) => {
          this.deps.logger.error('rewrap stopped; it resumes on the next rotation or restart', { error });
        })
        .finally(() => {
          this.running = undefined;
        });
    }
    return this.running;
  }

  private async countOld(version: number): Promise<number> {
    const row = await this.deps.db
      .selectFrom('telegram_bots')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('bot_token_key_version', '<', version)
      .executeTakeFirstOrThrow();
    const n = Number(row.n);
    this.pending.set({ key: KEY_NAMES.bots }, n);
    return n;
  }

  private async rewrapAll(ctx: MessageContext): Promise<void> {
    const { db, cipher } = this.deps;
    const version = await cipher.currentVersion(KEY_NAMES.bots);
    let total = 0;
    for (;;) {
      const rows = await db
        .selectFrom('telegram_bots')
        .select(['id', 'bot_token_enc'])
        .where('bot_token_key_version', '<', version)
        .limit(BATCH)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const sealed = await cipher.rewrap(KEY_NAMES.bots, row.bot_token_enc);
        const result = await db
          .updateTable('telegram_bots')
          .set({
            bot_token_enc: sealed.ciphertext,
            bot_token_key_version: sealed.keyVersion,
            updated_at: sql<Date>`current_timestamp(3)`,
          })
          .where('id', '=', row.id)
          .where('bot_token_enc', '=', row.bot_token_enc)
          .executeTakeFirst();
        // A row rewritten meanwhile (token replaced) already carries the new version; it is not ours to count.
        if (result.numUpdatedRows === 0n) continue;
        total += 1;
        this.rewrapped.inc({ key: KEY_NAMES.bots });
      }
      await this.countOld(version);
    }
    // Nothing moved (the start-up check with every row current) is not an event worth auditing.
    if (total === 0) return;
    await db
      .transaction()
      .execute((trx) =>
        enqueueOutbox(
          trx,
          this.deps.messaging.makeEnvelope(
            'security.key.rewrapped',
            { userId: ctx.userId, keyName: KEY_NAMES.bots, version, rows: total },
            ctx,
          ),
        ),
      );
    this.deps.relay.kick();
    this.deps.logger.info('rewrap finished', { keyName: KEY_NAMES.bots, version, rows: total });
  }
}
