import {
  DomainError,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookPage,
  type WebhooksCreateCommand,
  type WebhooksDeliveriesCommand,
  type WebhooksListCommand,
  type WebhooksRedeliverCommand,
} from '@integrations/contracts';
import { ownedOrNotFound, type MessageContext, type Messaging } from '@integrations/messaging';
import {
  enqueueOutbox,
  sql,
  type Kysely,
  type OutboxRelay,
  type Selectable,
} from '@integrations/persistence';
import { KEY_NAMES, rowContext, type SecretCipher } from '@integrations/secrets';
import { v7 as uuidv7 } from 'uuid';
import type { AuditDatabase } from '../db/schema';
import { newSecret } from './signature';
import { checkWebhookUrl, type UrlPolicy } from './url-guard';

export interface Caller {
  userId: string;
  admin: boolean;
}

type WebhookRow = Selectable<AuditDatabase['webhooks']>;
type DeliveryRow = Selectable<AuditDatabase['webhook_deliveries']>;

/**
 * Outgoing webhook subscriptions: who wants which events where. Events become deliveries in EventBatchWriter,
 * with their log entries; the dispatcher sends them.
 */
export class WebhooksService {
  constructor(
    private readonly deps: {
      db: Kysely<AuditDatabase>;
      cipher: SecretCipher;
      messaging: Messaging;
      relay: OutboxRelay;
      policy: UrlPolicy;
      maxPerUser: number;
      /** Called when new deliveries are due, so they go out without waiting for the next poll. */
      onDue: () => void;
    },
  ) {}

  async create(caller: Caller, data: WebhooksCreateCommand, ctx: MessageContext): Promise<WebhookCreated> {
    const url = checkWebhookUrl(data.url, this.deps.policy).toString();
    const { db, cipher } = this.deps;
    const owned = await db
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', caller.userId)
      .executeTakeFirstOrThrow();
    if (Number(owned.n) >= this.deps.maxPerUser)
      throw new DomainError(
        'CONFLICT',
        `At most ${this.deps.maxPerUser} webhooks per user; remove one first.`,
      );
    const secret = newSecret();
    const id = uuidv7();
    // Bound to this row and its owner: copied into another webhook, the secret does not decrypt.
    const sealed = await cipher.encrypt(KEY_NAMES.webhooks, secret, webhookSecretContext(id, caller.userId));
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhooks')
        .values({
          id,
          user_id: caller.userId,
          url,
          events: JSON.stringify(data.events),
          secret_enc: sealed.ciphertext,
          secret_key_version: sealed.keyVersion,
        })
        .execute();
      await enqueueOutbox(
        trx,
        this.deps.messaging.makeEnvelope(
          'security.webhook.created',
          { userId: caller.userId, webhookId: id, url, events: data.events },
          ctx,
        ),
      );
    });
    this.deps.relay.kick();
    return { ...toWebhook(await this.find(caller, id)), secret };
  }

  async list(caller: Caller, data: WebhooksListCommand): Promise<WebhookPage> {
    let query = this.deps.db.selectFrom('webhooks').selectAll();
    if (!caller.admin) query = query.where('user_id', '=', caller.userId);
    const after = decodeCursor(data.cursor);
    if (after) query = query.where('id', '<', after);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(data.limit + 1)
      .execute();
    return page(rows, data.limit, toWebhook);
  }

  async get(caller: Caller, id: string): Promise<Webhook> {
    return toWebhook(await this.find(caller, id));
  }

  async remove(caller: Caller, id: string, ctx: MessageContext): Promise<Record<string, never>> {
    const row = await this.find(caller, id);
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhooks').where('id', '=', row.id).execute();
      await enqueueOutbox(
        trx,
        this.deps.messaging.makeEnvelope(
          'security.webhook.removed',
          { userId: row.user_id, webhookId: row.id },
          ctx,
        ),
      );
    });
    this.deps.relay.kick();
    return {};
  }

  async deliveries(caller: Caller, data: WebhooksDeliveriesCommand): Promise<WebhookDeliveryPage> {
    const webhook = await this.find(caller, data.id);
    let query = this.deps.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhook.id);
    const after = decodeCursor(data.cursor);
    if (after) query = query.where('id', '<', after);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(data.limit + 1)
      .execute();
    const attempts = await this.attemptsOf(rows.slice(0, data.limit).map((r) => r.id));
    return page(rows, data.limit, (row) => toDelivery(row, attempts.get(row.id) ?? []));
  }

  /** Sends a delivery again now, whatever became of it; its id (and so the receiver's dedupe key) stays. */
  async redeliver(caller: Caller, data: WebhooksRedeliverCommand): Promise<WebhookDelivery> {
    const webhook = await this.find(caller, data.id);
    if (webhook.status !== 'active')
      throw new DomainError('CONFLICT', 'This webhook is disabled; create a new one for a working endpoint.');
    const result = await this.deps.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        next_attempt_at: sql<Date>`current_timestamp(3)`,
        claimed_by: null,
        claimed_until: null,
        updated_at: sql<Date>`current_timestamp(3)`,
      })
      .where('id', '=', data.deliveryId)
      .where('webhook_id', '=', webhook.id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError('NOT_FOUND', 'No such delivery.');
    this.deps.onDue();
    const row = await this.deps.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', data.deliveryId)
      .executeTakeFirstOrThrow();
    return toDelivery(row, (await this.attemptsOf([row.id])).get(row.id) ?? []);
  }

  private async find(caller: Caller, id: string): Promise<WebhookRow> {
    const row = await this.deps.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return ownedOrNotFound(row, caller, 'webhook', 'No such webhook.');
  }

  private async attemptsOf(ids: string[]) {
    const byDelivery = new Map<string, WebhookDelivery['attempts']>();
    if (ids.length === 0) return byDelivery;
    const rows = await this.deps.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', ids)
      .orderBy('attempt')
      .execute();
    for (const row of rows) {
      const list = byDelivery.get(row.delivery_id) ?? [];
      list.push({
        attempt: row.attempt,
        at: row.started_at.toISOString(),
        durationMs: row.duration_ms,
        statusCode: row.status_code,
        error: row.error,
      });
      byDelivery.set(row.delivery_id, list);
    }
    return byDelivery;
  }
}

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as Webhook['events'],
    status: row.status,
    createdAt: row.created_at.toISOString(),
  };
}

function toDelivery(row: DeliveryRow, attempts: WebhookDelivery['attempts']): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts,
    nextAttemptAt: row.status === 'pending' && row.next_attempt_at ? row.next_attempt_at.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Ids are UUIDv7, so ordering by id is ordering by creation; the cursor is the last id seen. */
function page<Row extends { id: string }, Item>(rows: Row[], limit: number, toItem: (row: Row) => Item) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toItem),
    nextCursor: rows.length > limit && last ? Buffer.from(last.id).toString('base64url') : null,
  };
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new DomainError('VALIDATION_FAILED', 'The cursor is not valid.');
  return id;
}

/** What a webhook signing secret's ciphertext is bound to: its row and its owner. */
export function webhookSecretContext(id: string, userId: string): string {
  return rowContext('webhooks', id, userId);
}
