import {
  DomainError,
  type Envelope,
  type WhatsAppMessage,
  type WhatsAppNumberSendCommand,
  type WhatsAppTemplate,
} from '@integrations/contracts';
import { KeyedQueue, messageIdOf, untilRecorded, type LedgerValues } from '@integrations/connector-kit';
import { contextOf, ownedOrNotFound, type CommandCaller, type MessageContext } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxEnvelope } from '@integrations/persistence';
import { metaCodeOf, statusError, toDomainError } from '../graph/errors';
import type { SendBody } from '../graph/graph-client';
import type { WhatsAppMetrics } from '../metrics';
import type { NumberRow } from '../numbers/numbers.repository';
import { ensureSendable } from '../numbers/numbers.service';
import type { DeliveryStatus } from '../db/schema';
import { advances, statusEventData, toWhatsAppMessage } from './delivery';
import type { MessageRow, SettlePlan, StatusRow, WhatsAppMessageStore } from './messages.repository';

/** What a send asks for, kept in the ledger row until Meta accepted it. */
export type StoredRequest = { text: string } | { template: WhatsAppTemplate };

/** A status webhook as the webhook handler read it. */
export interface StatusUpdate {
  wamid: string;
  status: Exclude<DeliveryStatus, 'accepted'>;
  at: Date;
  metaCode: number | null;
  title: string | null;
}

export interface MessagesDeps {
  store: WhatsAppMessageStore;
  numbers: {
    sendable(caller: CommandCaller, id: string): Promise<NumberRow>;
    tokenOf(row: NumberRow): Promise<string>;
    markRevoked(row: NumberRow): Promise<void>;
  };
  /** Meta's send (throttled per number, behind the breakers). */
  send(number: NumberRow, token: string, to: string, body: SendBody): Promise<{ wamid: string }>;
  makeEnvelope: (type: string, data: unknown, ctx: MessageContext) => OutboxEnvelope;
  relay: { kick(): void };
  metrics: WhatsAppMetrics;
  logger: Logger;
}

type Outcome = { message: WhatsAppMessage; error?: DomainError };

/**
 * Sends through a number, exactly once per message id (the ledger's row under its id), and follows each message
 * through Meta's status webhooks: `queued` → `accepted` (Meta's 200 and wamid) → `sent` → `delivered` → `read`,
 * or `failed` with a code, each change announced as `whatsapp.message.status`.
 */
export class MessagesService {
  /** Per recipient of a number: accepted and delivered in the order their commands arrived. */
  private readonly queue = new KeyedQueue();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** A stop is under way (`drain`). */
  private stopping = false;
  /** The rows this replica has claimed and not yet settled: never orphans, however long their record takes. */
  private readonly delivering = new Set<string>();

  constructor(private readonly deps: MessagesDeps) {}

  async send(
    caller: CommandCaller,
    data: WhatsAppNumberSendCommand,
    envelope: Envelope,
  ): Promise<WhatsAppMessage> {
    const request = requestOf(data);
    const number = await this.deps.numbers.sendable(caller, data.numberId);
    const to = data.to.replace(/^\+/, '');
    const key = `${number.id}:${to}`;
    const accepted = await this.queue.run(`accept:${key}`, async () => {
      const id = messageIdOf(data.messageId, envelope);
      const values: LedgerValues<MessageRow> = {
        id,
        user_id: envelope.userid,
        number_id: number.id,
        channel_id: null,
        chat_id: to,
        type: 'template' in request ? 'template' : 'text',
        request: JSON.stringify(request),
        context: JSON.stringify(contextOf(envelope)),
        status: 'queued',
        telegram_message_id: null,
        wamid: null,
        delivery: null,
        error_code: null,
        error_detail: null,
        meta_error_code: null,
        sent_at: null,
      };
      if (!(await this.deps.store.insert(values))) {
        const existing = await this.deps.store.find(id);
        // The same message again (a retried command): what happened to the first one.
        if (existing && existing.user_id === values.user_id) return { existing };
        throw new DomainError('CONFLICT', 'This message id is taken.');
      }
      const now = new Date();
      const row = { ...values, created_at: now, updated_at: now } as MessageRow;
      // Wrapped, not returned: an async function would flatten the promise and hold the accept queue.
      return { delivery: this.track(this.queue.run(`deliver:${key}`, () => this.deliver(row))), row };
    });
    if ('existing' in accepted) return toWhatsAppMessage(accepted.existing!);
    if (data.async) return toWhatsAppMessage(accepted.row);
    const outcome = await accepted.delivery;
    if (outcome.error) throw outcome.error;
    return outcome.message;
  }

  async get(caller: CommandCaller, id: string): Promise<WhatsAppMessage> {
    return toWhatsAppMessage(
      ownedOrNotFound(await this.deps.store.find(id), caller, 'message', 'No such message.'),
    );
  }

  /** Queued messages left by a stopped replica are sent on start. */
  async recoverQueued(): Promise<number> {
    const rows = await this.deps.store.queued();
    for (const { id } of rows)
      this.track(
        (async () => {
          const row = await this.deps.store.find(id);
          if (row) await this.deliver(row);
        })(),
      ).catch((error: unknown) => this.deps.logger.error('background send failed', { messageId: id, error }));
    return rows.length;
  }

  /**
   * Sends claimed longer ago than `olderThanMs` and still `sending`: their replica stopped inside the call to Meta
   * (a call is bounded far below that). Whether Meta took them cannot be known and sending again could deliver
   * twice, so they fail with UPSTREAM_TIMEOUT and say why.
   */
  async settleOrphans(olderThanMs: number, now = new Date()): Promise<number> {
    const rows = await this.deps.store.staleSending(new Date(now.getTime() - olderThanMs));
    let settled = 0;
    for (const row of rows.filter((r) => !this.delivering.has(r.id))) {
      const error = new DomainError(
        'UPSTREAM_TIMEOUT',
        'The connector stopped while Meta was answering; the message may or may not have been accepted, so it is not sent again.',
      );
      if (await this.fail(row, error, JSON.parse(row.context ?? '{}') as MessageContext)) settled += 1;
    }
    if (settled > 0)
      this.deps.logger.warn('sends of a stopped replica settled as uncertain', { count: settled });
    return settled;
  }

  /**
   * The stop's wait for every delivery in flight. From now on a record that fails is not written again: the row is
   * left `sending`, as a crash leaves it, to the orphan sweep.
   */
  async drain(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** A status webhook: kept, and applied to its message when it moves it on (with its event). */
  async applyStatus(update: StatusUpdate): Promise<void> {
    // The plan of the transaction that committed: a deadlock's retry plans again, and only its plan counts.
    let written: SettlePlan | undefined;
    const result = await this.deps.store.recordStatus(
      {
        wamid: update.wamid,
        status: update.status,
        at: update.at,
        meta_error_code: update.metaCode,
        error_title: update.title?.slice(0, 512) ?? null,
      },
      (row) => {
        const plan = this.planStatuses(row, [update], {});
        written = plan.events.length > 0 ? plan : undefined;
        return written;
      },
    );
    if (result.duplicate) return;
    this.deps.metrics.statuses.inc({ status: update.status });
    if (written?.patch.status === 'failed') this.countFailure(written.patch.error_code);
    this.deps.relay.kick();
  }

  /**
   * Claims the row and reads its number in one round trip: a send that waited behind others to its recipient is
   * checked against the number as it is when its turn comes (paused or revoked meanwhile: nothing goes out).
   */
  private async deliver(row: MessageRow): Promise<Outcome> {
    const { store } = this.deps;
    if (row.status !== 'queued') return { message: toWhatsAppMessage(row) };
    const { claimed, number } = await store.claim(row.id, row.number_id);
    if (!claimed) return { message: toWhatsAppMessage({ ...row, status: 'sending' }) };
    this.delivering.add(row.id);
    try {
      return await this.deliverClaimed(row, number);
    } finally {
      this.delivering.delete(row.id);
    }
  }

  private async deliverClaimed(row: MessageRow, number: NumberRow | undefined): Promise<Outcome> {
    const { store } = this.deps;
    const ctx = JSON.parse(row.context ?? '{}') as MessageContext;
    const end = this.deps.metrics.sendDuration.startTimer({ type: row.type });
    try {
      if (!number) throw new DomainError('NOT_FOUND', 'The number was removed.');
      // Paused or revoked after this was accepted: nothing goes out.
      ensureSendable(number);
      const token = await this.deps.numbers.tokenOf(number);
      const { wamid } = await this.deps.send(
        number,
        token,
        row.chat_id,
        bodyOf(JSON.parse(row.request ?? '{}')),
      );
      // Meta took it: the outcome is decided, and recorded whatever it takes (the plan reads the row as it is, so a
      // try after one whose commit went through adds no second event).
      const settled = await untilRecorded(
        () =>
          store.settleAccepted(row.id, wamid, (current, early) =>
            this.planStatuses(current, early.map(fromStatusRow).sort(byOrder), { wamid, ctx }),
          ),
        (failure) =>
          this.deps.logger.warn('recording an accepted message failed; writing it again', {
            messageId: row.id,
            ...failure,
          }),
        { stopping: () => this.stopping },
      );
      this.deps.metrics.sent.inc({ type: row.type });
      // Counted from the row as recorded, not while planning: a plan written again (a lost connection, a deadlock)
      // runs more than once, and one whose commit went through but whose answer was lost plans nothing the next time.
      if (settled.status === 'failed') this.countFailure(settled.error_code);
      this.deps.relay.kick();
      return { message: toWhatsAppMessage(settled) };
    } catch (raw) {
      const error = toDomainError(raw, 'send');
      if (number && error.code === 'WHATSAPP_TOKEN_INVALID' && number.status !== 'revoked')
        await this.deps.numbers.markRevoked(number);
      await this.fail(row, error, ctx);
      return { message: toWhatsAppMessage({ ...failedRow(row, error), updated_at: new Date() }), error };
    } finally {
      end();
    }
  }

  /** Failed, with its event, only while still `sending` (false when it moved on). */
  private async fail(row: MessageRow, error: DomainError, ctx: MessageContext): Promise<boolean> {
    const failed = failedRow(row, error);
    const { status, error_code, error_detail, meta_error_code } = failed;
    const moved = await this.deps.store.settleFailed(
      row.id,
      { status, error_code, error_detail, meta_error_code, request: null },
      this.statusEvent(failed, new Date(), ctx),
    );
    if (moved) {
      this.countFailure(error.code);
      this.deps.relay.kick();
    }
    return moved;
  }

  private countFailure(code: string | null | undefined): void {
    this.deps.metrics.failed.inc({ code: code ?? 'UNKNOWN' });
  }

  /**
   * What Meta's acceptance (`accepted.wamid`) and the status webhooks in `updates` do to a row: each that moves it
   * on is written and announced, in order; the rest change nothing.
   */
  private planStatuses(
    row: MessageRow,
    updates: StatusUpdate[],
    accepted: { wamid?: string; ctx?: MessageContext },
  ): SettlePlan {
    const ctx = accepted.ctx ?? (JSON.parse(row.context ?? '{}') as MessageContext);
    let current = row;
    const patch: Partial<MessageRow> = {};
    const events: OutboxEnvelope[] = [];
    const move = (changes: Partial<MessageRow>, at: Date) => {
      Object.assign(patch, changes);
      current = { ...current, ...changes };
      events.push(this.statusEvent(current, at, ctx));
    };
    // Recorded once: a row that has its wamid was accepted already (by a try whose answer was lost).
    if (accepted.wamid && !current.wamid)
      move(
        { status: 'sent', wamid: accepted.wamid, delivery: 'accepted', sent_at: new Date(), request: null },
        new Date(),
      );
    for (const update of updates) {
      if (current.status !== 'sent' || !advances(current.delivery, update.status)) continue;
      if (update.status === 'failed') {
        const error = statusError(update.metaCode, update.title);
        move(
          {
            delivery: 'failed',
            status: 'failed',
            error_code: error.code,
            error_detail: error.message.slice(0, 500),
            meta_error_code: update.metaCode,
          },
          update.at,
        );
      } else move({ delivery: update.status }, update.at);
    }
    return { patch, events };
  }

  private statusEvent(row: MessageRow, at: Date, ctx: MessageContext): OutboxEnvelope {
    return this.deps.makeEnvelope('whatsapp.message.status', statusEventData(row, at), {
      ...ctx,
      userId: row.user_id,
    });
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job)).catch(() => undefined);
    return job;
  }
}

/** Exactly one of `text` and `template`: what the ledger keeps of the send. */
export function requestOf(data: Pick<WhatsAppNumberSendCommand, 'text' | 'template'>): StoredRequest {
  if ((data.text === undefined) === (data.template === undefined))
    throw new DomainError(
      'VALIDATION_FAILED',
      'Send either a text or a template, not both and not neither.',
      {
        errors: [{ path: '/text', message: 'exactly one of text and template' }],
      },
    );
  if (data.text !== undefined) return { text: data.text };
  return { template: data.template! };
}

/** The Cloud API body of a stored request. */
export function bodyOf(request: StoredRequest): SendBody {
  if ('text' in request) return { type: 'text', text: { body: request.text } };
  const { name, language, components } = request.template;
  return {
    type: 'template',
    template: { name, language: { code: language }, ...(components ? { components } : {}) },
  };
}

const failedRow = (row: MessageRow, error: DomainError): MessageRow => ({
  ...row,
  status: 'failed',
  error_code: error.code,
  error_detail: error.message.slice(0, 500),
  meta_error_code: metaCodeOf(error) ?? null,
  request: null,
});

const fromStatusRow = (row: StatusRow): StatusUpdate => ({
  wamid: row.wamid,
  status: row.status,
  at: new Date(row.at),
  metaCode: row.meta_error_code,
  title: row.error_title,
});

const ORDER: StatusUpdate['status'][] = ['sent', 'delivered', 'read', 'failed'];
/** Early statuses in the order Meta sends them (their timestamps may be equal). */
const byOrder = (a: StatusUpdate, b: StatusUpdate): number =>
  ORDER.indexOf(a.status) - ORDER.indexOf(b.status);
