import { DomainError } from '@integrations/contracts';
import type { Messaging } from '@integrations/messaging';
import { redactText, webhookMetrics, type Logger, type Registry } from '@integrations/observability';
import {
  enqueueOutbox,
  sql,
  type Kysely,
  type OutboxRelay,
  type Selectable,
} from '@integrations/persistence';
import { KEY_NAMES, type SecretCipher } from '@integrations/secrets';
import { Agent, request } from 'undici';
import { v7 as uuidv7 } from 'uuid';
import type { AuditDatabase } from '../db/schema';
import { signatureHeaders } from './signature';
import { webhookSecretContext } from './webhooks.service';
import { checkWebhookUrl, guardedLookup, type UrlPolicy } from './url-guard';

export interface DispatcherOptions {
  policy: UrlPolicy;
  /** Waits before attempts 2, 3, ...; its length + 1 is the number of attempts. */
  retryScheduleMs: number[];
  timeoutMs: number;
  /** Deliveries in flight per replica. */
  concurrency: number;
  /** How often to look for due deliveries when nothing kicks the dispatcher. */
  pollMs: number;
}

type Delivery = Selectable<AuditDatabase['webhook_deliveries']>;
type Outcome = { statusCode: number | null; error: string | null };

const LEASE_MS = 60_000;
/**
 * How stale the backlog gauge may be. It was counted on every pass, so an idle replica ran a `count(*)` a second
 * and a busy one a count per kick; the alert on it looks at ten minutes.
 */
const BACKLOG_REFRESH_MS = 5_000;

/**
 * Sends due deliveries. A replica claims a batch by writing its claim token and a lease into the rows (no
 * transaction stays open across the HTTP call); the lease outlives any attempt, and one that ran out (the
 * replica died) makes the delivery due again. Delivery is at least once, as the Standard Webhooks spec says:
 * receivers deduplicate on `webhook-id`, which is the same on every attempt.
 */
export class WebhookDispatcher {
  private readonly agent: Agent;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private backlogMeasuredAt = Number.NEGATIVE_INFINITY;
  private readonly metrics: ReturnType<typeof webhookMetrics>;

  constructor(
    private readonly deps: {
      db: Kysely<AuditDatabase>;
      cipher: SecretCipher;
      messaging: Messaging;
      relay: OutboxRelay;
      logger: Logger;
      registry: Registry;
      options: DispatcherOptions;
    },
  ) {
    const { options, registry } = deps;
    this.agent = new Agent({
      connect: { lookup: guardedLookup(options.policy), timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    this.metrics = webhookMetrics(registry);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.deps.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Look for due deliveries now (coalesced: one pass at a time, another right after if asked meanwhile). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => {
        this.deps.logger.error('webhook dispatch pass failed', { error });
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.agent.close();
  }

  private async drain(): Promise<void> {
    // At most every few seconds, not per pass or batch: the gauge is for a backlog that lasts minutes.
    if (Date.now() - this.backlogMeasuredAt >= BACKLOG_REFRESH_MS) await this.measureBacklog();
    for (;;) {
      const batch = await this.claim();
      if (batch.length === 0) return;
      await Promise.all(batch.map((delivery) => this.attempt(delivery)));
      if (this.stopped) return;
    }
  }

  private async measureBacklog(): Promise<void> {
    const row = await this.deps.db
      .selectFrom('webhook_deliveries')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', new Date())
      .executeTakeFirst();
    this.metrics.due.set(Number(row?.n ?? 0));
    this.backlogMeasuredAt = Date.now();
  }

  private async claim(): Promise<{ delivery: Delivery; token: string }[]> {
    const token = uuidv7();
    const { db, options } = this.deps;
    const claimed = await sql`
      update webhook_deliveries
         set claimed_by = ${token},
             claimed_until = current_timestamp(3) + interval ${LEASE_MS * 1000} microsecond
       where status = 'pending'
         and next_attempt_at <= current_timestamp(3)
         and (claimed_until is null or claimed_until < current_timestamp(3))
       order by next_attempt_at
       limit ${options.concurrency}`.execute(db);
    // Nothing due (every idle poll, and the last claim of every pass): nothing to read back.
    if (claimed.numAffectedRows === 0n) return [];
    const rows = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('claimed_by', '=', token)
      .where('status', '=', 'pending')
      .execute();
    return rows.map((delivery) => ({ delivery, token }));
  }

  private async attempt({ delivery, token }: { delivery: Delivery; token: string }): Promise<void> {
    const { db, options } = this.deps;
    const webhook = await db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', delivery.webhook_id)
      .executeTakeFirst();
    const number = delivery.attempts + 1;
    const startedAt = new Date();
    const end = this.metrics.duration.startTimer();
    let outcome: Outcome;
    if (!webhook || webhook.status !== 'active') {
      outcome = { statusCode: null, error: 'the webhook is disabled' };
    } else {
      outcome = await this.post(
        webhook.url,
        await this.deps.cipher.decrypt(
          KEY_NAMES.webhooks,
          webhook.secret_enc,
          webhookSecretContext(webhook.id, webhook.user_id),
        ),
        delivery,
      );
    }
    const durationMs = Math.round(end() * 1000);
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const gone = outcome.statusCode === 410;
    const retryIn = options.retryScheduleMs[number - 1];
    const status = ok ? 'delivered' : gone || retryIn === undefined || !webhook ? 'failed' : 'pending';
    this.metrics.attempts.inc({
      result: ok ? 'success' : outcome.statusCode ? 'http_error' : 'network_error',
    });
    if (status !== 'pending') this.metrics.finished.inc({ outcome: status });

    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: delivery.id,
          attempt: number,
          started_at: startedAt,
          duration_ms: durationMs,
          status_code: outcome.statusCode,
          error: outcome.error?.slice(0, 500) ?? null,
        })
        .execute();
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status,
          attempts: number,
          next_attempt_at: status === 'pending' ? new Date(Date.now() + jitter(retryIn ?? 0)) : null,
          claimed_by: null,
          claimed_until: null,
          updated_at: sql<Date>`current_timestamp(3)`,
        })
        .where('id', '=', delivery.id)
        .where('claimed_by', '=', token)
        .execute();
      // 410 Gone is the receiver saying "stop": the subscription is disabled rather than retried for days.
      if (gone && webhook?.status === 'active') {
        await trx
          .updateTable('webhooks')
          .set({ status: 'disabled', updated_at: sql<Date>`current_timestamp(3)` })
          .where('id', '=', webhook.id)
          .execute();
        await enqueueOutbox(
          trx,
          this.deps.messaging.makeEnvelope(
            'security.webhook.disabled',
            { userId: webhook.user_id, webhookId: webhook.id, reason: 'The receiver answered 410 Gone.' },
            { userId: webhook.user_id },
          ),
        );
      }
    });
    if (gone) this.deps.relay.kick();
  }

  private async post(rawUrl: string, secret: string, delivery: Delivery): Promise<Outcome> {
    try {
      // Checked again at send time: the policy may be stricter now than when the webhook was made.
      const url = checkWebhookUrl(rawUrl, this.deps.options.policy);
      const response = await request(url, {
        method: 'POST',
        dispatcher: this.agent,
        body: delivery.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'integrations-webhooks/1.0',
          ...signatureHeaders(secret, delivery.id, delivery.payload),
        },
      });
      // The body is not kept (it may hold anything); it is read to free the connection.
      await response.body.dump();
      return { statusCode: response.statusCode, error: null };
    } catch (error) {
      // The details (which name did not resolve, which address was refused) are for the operators' logs only.
      this.deps.logger.info('webhook attempt failed', { deliveryId: delivery.id, error });
      return { statusCode: null, error: attemptError(error) };
    }
  }
}

/** ±10 %, so that deliveries that failed together do not all come back in the same instant. */
const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));

/** Failures once the receiver was reached: it took the connection, then was too slow. */
const RECEIVER_TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * What a subscriber is told about an attempt that got no HTTP answer. Every failure to reach the receiver (a name
 * that does not resolve, one that resolves to a refused internal address, a refused or reset connection, TLS)
 * reads the same, so the attempt log cannot be used to map internal DNS names or ports.
 */
export function attemptError(error: unknown): string {
  if (error instanceof DomainError) return redactText(error.message);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && RECEIVER_TIMEOUTS.has(code)) return 'The receiver did not answer in time.';
  return 'Could not connect to the receiver.';
}

/** `5s,5m,30m,2h` → milliseconds; the Standard Webhooks reference schedule when unset. */
export function parseRetrySchedule(raw: string | undefined): number[] {
  const spec = raw ?? '5s,5m,30m,2h,5h,10h,10h';
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+)(ms|s|m|h)$/.exec(part);
      if (!match)
        throw new Error(`WEBHOOK_RETRY_SCHEDULE: "${part}" is not a duration like 500ms, 5s, 5m or 2h`);
      return Number(match[1]) * (units[match[2] as string] as number);
    });
}
