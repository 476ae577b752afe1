import { KeyedQueue } from '@integrations/connector-kit';
import { DomainError, type EventDataMap, type Flow } from '@integrations/contracts';
import { NotOwned, type CommandCaller, type MessageContext, type Messaging } from '@integrations/messaging';
import type { Logger } from '@integrations/observability';
import type { OutboxRelay } from '@integrations/persistence';
import type { Redis } from 'ioredis';
import { Api, type TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password';
import { v7 as uuidv7 } from 'uuid';
import type { Accounts } from '../accounts/accounts.repository';
import type { ClientFactory } from '../telegram/client-factory';
import { sessionOf } from '../telegram/client-factory';
import { destroy, isDead, untilConnected } from '../telegram/connection-state';
import { toDomainError } from '../telegram/errors';
import type { LiveClients } from '../telegram/live-clients';
import type { TelegramCalls } from '../telegram/telegram-calls';

/** What Redis keeps of a flow: its public state and its owner; never a code, a password or a session. */
interface FlowRecord extends Flow {
  userId: string;
}

/** What only the replica running the flow holds: the GramJS client mid-login and Telegram's code hash. */
interface FlowWork {
  /** The platform user: flows move with the user's shard. */
  userId: string;
  client: TelegramClient;
  /** QR flows: what the client does with Telegram's updates (attached again to a replacement client). */
  onUpdate?: (update: unknown) => void;
  phone?: string;
  phoneCodeHash?: string;
  timers: NodeJS.Timeout[];
  /** Ends the flow when its life is over; sending the code again starts a new life. */
  expiry?: NodeJS.Timeout;
}

const QR_REFRESH_MARGIN_MS = 5_000;
/** Expired flows stay readable a while, so a late poll learns `expired` instead of a bare 404. */
const EXPIRED_KEEP_S = 600;

/**
 * Connect flows (API.md): by QR (the `tg://login` token refreshed before it expires, active once scanned) or by
 * phone code, then the 2FA password when the account has one. Each flow lives `flowTtlMs`, is kept in Redis for
 * any replica to read, and its GramJS client stays on the replica that started it; a finished login hands that
 * client to `LiveClients`, so the account never has two connections.
 */
export class FlowsService {
  private readonly work = new Map<string, FlowWork>();
  /** One step at a time per flow (a code and a QR scan cannot race each other). */
  private readonly steps = new KeyedQueue();

  constructor(
    private readonly deps: {
      redis: Pick<Redis, 'get' | 'set' | 'del'>;
      prefix: string;
      ttlMs: number;
      factory: Pick<ClientFactory, 'create'>;
      store: Pick<Accounts, 'saveLogin'>;
      live: Pick<LiveClients, 'adopt'>;
      /** Every login step is a bounded call behind the connector-wide breaker (no account exists yet). */
      calls: Pick<TelegramCalls, 'run' | 'connect'>;
      /** How long a step waits for a client that is reconnecting before it starts a new one. */
      callTimeoutMs: number;
      messaging: Pick<Messaging, 'makeEnvelope'>;
      relay: Pick<OutboxRelay, 'kick'>;
      logger: Logger;
      apiId: number;
      apiHash: string;
    },
  ) {}

  async start(
    caller: CommandCaller,
    data: { method: 'qr' } | { method: 'code'; phone: string },
    ctx: MessageContext,
  ): Promise<Flow> {
    const flowId = uuidv7();
    const client = await this.deps.factory.create('');
    const work: FlowWork = { userId: caller.userId, client, timers: [] };
    const expiresAt = new Date(Date.now() + this.deps.ttlMs);
    const record: FlowRecord = {
      flowId,
      userId: caller.userId,
      method: data.method,
      status: data.method === 'qr' ? 'awaiting_qr_scan' : 'awaiting_code',
      expiresAt: expiresAt.toISOString(),
    };
    const { calls } = this.deps;
    try {
      await calls.connect(undefined, client);
      if (data.method === 'code') {
        const sent = await calls.run(
          undefined,
          () => client.sendCode({ apiId: this.deps.apiId, apiHash: this.deps.apiHash }, data.phone),
          undefined,
          'auth.SendCode',
        );
        work.phone = data.phone;
        work.phoneCodeHash = sent.phoneCodeHash;
        record.codeType = sent.isCodeViaApp ? 'app' : 'sms';
      } else {
        work.onUpdate = (update: unknown) => {
          if (update instanceof Api.UpdateLoginToken)
            void this.step(flowId, () => this.qrScanned(flowId, ctx));
        };
        client.addEventHandler(work.onUpdate);
        record.qr = await this.exportQr(flowId, work);
      }
    } catch (raw) {
      await client.destroy().catch(() => undefined);
      throw toDomainError(raw);
    }
    this.work.set(flowId, work);
    this.expireIn(flowId, work);
    await this.save(record);
    return publicFlow(record);
  }

  async get(caller: CommandCaller, flowId: string): Promise<Flow> {
    return publicFlow(await this.owned(caller, flowId));
  }

  async code(caller: CommandCaller, flowId: string, code: string, ctx: MessageContext): Promise<Flow> {
    const record = await this.pending(caller, flowId, 'awaiting_code');
    return this.step(flowId, async (work) => {
      try {
        const auth = await this.invoke(
          work,
          new Api.auth.SignIn({
            phoneNumber: work.phone!,
            phoneCodeHash: work.phoneCodeHash!,
            phoneCode: code,
          }),
        );
        return await this.finish(record, work, (auth as Api.auth.Authorization).user as Api.User, ctx);
      } catch (raw) {
        if ((raw as { errorMessage?: string }).errorMessage === 'SESSION_PASSWORD_NEEDED') {
          return this.askPassword(record, work);
        }
        throw await this.failStep(record, raw);
      }
    });
  }

  /**
   * "Send the code again" (`auth.resendCode`): Telegram sends a new code, often by SMS this time, and the old one
   * stops working. The flow gets a new life, so the new code can be used for as long as the first one could.
   */
  async resend(caller: CommandCaller, flowId: string): Promise<Flow> {
    const record = await this.pending(caller, flowId, 'awaiting_code');
    return this.step(flowId, async (work) => {
      try {
        const sent = await this.invoke(
          work,
          new Api.auth.ResendCode({ phoneNumber: work.phone!, phoneCodeHash: work.phoneCodeHash! }),
        );
        if (!(sent instanceof Api.auth.SentCode))
          throw new DomainError('INTERNAL', 'Telegram answered no new code.');
        work.phoneCodeHash = sent.phoneCodeHash;
        record.codeType = sent.type instanceof Api.auth.SentCodeTypeApp ? 'app' : 'sms';
        record.expiresAt = new Date(Date.now() + this.deps.ttlMs).toISOString();
        delete record.error;
        this.expireIn(flowId, work);
        await this.save(record);
        return publicFlow(record);
      } catch (raw) {
        throw await this.failStep(record, raw);
      }
    });
  }

  async password(
    caller: CommandCaller,
    flowId: string,
    password: string,
    ctx: MessageContext,
  ): Promise<Flow> {
    const record = await this.pending(caller, flowId, 'awaiting_password');
    return this.step(flowId, async (work) => {
      try {
        const params = await this.invoke(work, new Api.account.GetPassword());
        const auth = await this.invoke(
          work,
          new Api.auth.CheckPassword({ password: await computeCheck(params, password) }),
        );
        return await this.finish(record, work, (auth as Api.auth.Authorization).user as Api.User, ctx);
      } catch (raw) {
        throw await this.failStep(record, raw);
      }
    });
  }

  async cancel(caller: CommandCaller, flowId: string): Promise<void> {
    await this.owned(caller, flowId);
    await this.release(flowId);
    await this.deps.redis.del(this.key(flowId));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.work.keys()].map((flowId) => this.release(flowId)));
  }

  /**
   * Ends the running flows of some users (their shard moved to another replica): a login cannot move with its
   * half-open connection, so each shows `expired` and the user starts again.
   */
  async expireWhere(ofUser: (userId: string) => boolean): Promise<void> {
    const flows = [...this.work].filter(([, work]) => ofUser(work.userId)).map(([flowId]) => flowId);
    await Promise.allSettled(flows.map((flowId) => this.expire(flowId)));
  }

  /** Runs one step of a flow on the replica that holds its client, after the previous step. */
  private step<T>(flowId: string, run: (work: FlowWork) => Promise<T>): Promise<T> {
    const work = this.work.get(flowId);
    if (!work) {
      return Promise.reject(
        new DomainError('FLOW_EXPIRED', 'This connect flow is no longer running here; start a new one.'),
      );
    }
    return this.steps.run(flowId, () => run(work));
  }

  private expireIn(flowId: string, work: FlowWork): void {
    clearTimeout(work.expiry);
    work.expiry = setTimeout(() => void this.expire(flowId), this.deps.ttlMs);
  }

  private async exportQr(flowId: string, work: FlowWork): Promise<{ url: string; expiresAt: string }> {
    const token = await this.invoke(
      work,
      new Api.auth.ExportLoginToken({ apiId: this.deps.apiId, apiHash: this.deps.apiHash, exceptIds: [] }),
    );
    if (!(token instanceof Api.auth.LoginToken))
      throw new DomainError('INTERNAL', 'Telegram answered no QR token.');
    const expiresMs = token.expires * 1000;
    // Refreshed a little before Telegram's expiry, so the code on screen always scans.
    const refreshIn = Math.max(1_000, expiresMs - Date.now() - QR_REFRESH_MARGIN_MS);
    work.timers.push(
      setTimeout(
        () => void this.step(flowId, () => this.refreshQr(flowId)).catch(() => undefined),
        refreshIn,
      ),
    );
    return {
      url: `tg://login?token=${token.token.toString('base64url')}`,
      expiresAt: new Date(expiresMs).toISOString(),
    };
  }

  private async refreshQr(flowId: string): Promise<void> {
    const record = await this.load(flowId);
    const work = this.work.get(flowId);
    if (!record || !work || record.status !== 'awaiting_qr_scan') return;
    try {
      record.qr = await this.exportQr(flowId, work);
      await this.save(record);
    } catch (raw) {
      // A scan that landed between two refreshes answers the login instead of a token: the update finishes it.
      if ((raw as { errorMessage?: string }).errorMessage === 'SESSION_PASSWORD_NEEDED') {
        await this.askPassword(record, work);
        return;
      }
      this.deps.logger.warn('refreshing a QR login token failed', { flowId, error: toDomainError(raw).code });
    }
  }

  /** The QR was scanned: exporting again answers the authorization (or asks for the 2FA password). */
  private async qrScanned(flowId: string, ctx: MessageContext): Promise<Flow | undefined> {
    const record = await this.load(flowId);
    const work = this.work.get(flowId);
    if (!record || !work || record.status !== 'awaiting_qr_scan') return undefined;
    try {
      const result = await this.invoke(
        work,
        new Api.auth.ExportLoginToken({ apiId: this.deps.apiId, apiHash: this.deps.apiHash, exceptIds: [] }),
      );
      if (result instanceof Api.auth.LoginTokenSuccess) {
        const user = (result.authorization as Api.auth.Authorization).user as Api.User;
        return await this.finish(record, work, user, { ...ctx, userId: record.userId });
      }
      return undefined;
    } catch (raw) {
      if ((raw as { errorMessage?: string }).errorMessage === 'SESSION_PASSWORD_NEEDED') {
        return this.askPassword(record, work);
      }
      await this.failStep(record, raw).catch(() => undefined);
      return undefined;
    }
  }

  private async askPassword(record: FlowRecord, work: FlowWork): Promise<Flow> {
    const params = await this.invoke(work, new Api.account.GetPassword());
    record.status = 'awaiting_password';
    delete record.qr;
    delete record.error;
    if (params.hint) record.passwordHint = params.hint;
    await this.save(record);
    return publicFlow(record);
  }

  /** Stores the account (encrypted session), publishes `telegram.account.connected`, hands the client over. */
  private async finish(
    record: FlowRecord,
    work: FlowWork,
    user: Api.User,
    ctx: MessageContext,
  ): Promise<Flow> {
    const { store, messaging, relay, live } = this.deps;
    const session = sessionOf(work.client);
    const row = await store.saveLogin(
      record.userId,
      {
        telegramUserId: user.id.toString(),
        phone: user.phone ? `+${user.phone}` : work.phone,
        username: user.username ?? null,
        firstName: user.firstName ?? null,
      },
      session,
      (saved) => {
        const data: EventDataMap['telegram.account.connected'] = {
          userId: record.userId,
          accountId: saved.id,
          telegramUserId: saved.telegram_user_id,
          username: saved.username,
        };
        return messaging.makeEnvelope('telegram.account.connected', data, ctx);
      },
    );
    relay.kick();
    for (const timer of work.timers) clearTimeout(timer);
    clearTimeout(work.expiry);
    this.work.delete(record.flowId);
    await live.adopt(row, work.client);
    record.status = 'active';
    record.accountId = row.id;
    delete record.qr;
    delete record.error;
    await this.save(record);
    return publicFlow(record);
  }

  /**
   * A login step through the flow's client, bounded and behind the connector-wide breaker. A client that lost
   * Telegram (GramJS gave up reconnecting, or is still trying after the call timeout) is replaced first by a new
   * one on the same auth key, so the login goes on where it was once Telegram answers again.
   */
  private async invoke<R extends Api.AnyRequest>(work: FlowWork, request: R): Promise<R['__response']> {
    const { calls, callTimeoutMs, factory } = this.deps;
    return calls.run(
      undefined,
      async () => {
        if (isDead(work.client) || !(await untilConnected(work.client, callTimeoutMs))) {
          const session = sessionOf(work.client);
          await destroy(work.client);
          work.client = await factory.create(session);
          if (work.onUpdate) work.client.addEventHandler(work.onUpdate);
          await calls.connect(undefined, work.client);
        }
        return work.client.invoke(request);
      },
      undefined,
      request.className,
    );
  }

  /**
   * A step failed: a wrong code or password keeps the flow waiting for another try, and so does Telegram being
   * unreachable (the same code works once it is back); anything else (an expired code, a banned phone, a flood
   * wait) ends it. The caller gets the error either way.
   */
  private async failStep(record: FlowRecord, raw: unknown): Promise<DomainError> {
    const error = toDomainError(raw);
    if (error.code === 'INTERNAL')
      this.deps.logger.error('connect flow step failed', { flowId: record.flowId, error: raw });
    const retryable =
      error.code === 'TELEGRAM_CODE_INVALID' ||
      error.code === 'TELEGRAM_PASSWORD_INVALID' ||
      error.code === 'TELEGRAM_UNAVAILABLE';
    record.error = { code: error.code, detail: error.message };
    if (!retryable) {
      record.status = 'failed';
      await this.release(record.flowId);
    }
    await this.save(record);
    return error;
  }

  private async expire(flowId: string): Promise<void> {
    const record = await this.load(flowId);
    await this.release(flowId);
    if (
      record &&
      (record.status === 'awaiting_code' ||
        record.status === 'awaiting_password' ||
        record.status === 'awaiting_qr_scan')
    ) {
      record.status = 'expired';
      delete record.qr;
      await this.save(record);
    }
  }

  private async release(flowId: string): Promise<void> {
    const work = this.work.get(flowId);
    this.work.delete(flowId);
    if (!work) return;
    for (const timer of work.timers) clearTimeout(timer);
    clearTimeout(work.expiry);
    await work.client.destroy().catch(() => undefined);
  }

  /** The flow if it is the caller's and still waiting for `status`; FLOW_EXPIRED past its life. */
  private async pending(caller: CommandCaller, flowId: string, status: Flow['status']): Promise<FlowRecord> {
    const record = await this.owned(caller, flowId);
    if (record.status === 'expired' || Date.parse(record.expiresAt) <= Date.now()) {
      throw new DomainError('FLOW_EXPIRED', 'This connect flow expired; start a new one.');
    }
    if (record.status !== status) {
      throw new DomainError(
        'CONFLICT',
        `This flow is ${record.status.replace(/_/g, ' ')}, not ${status.replace(/_/g, ' ')}.`,
      );
    }
    return record;
  }

  private async owned(caller: CommandCaller, flowId: string): Promise<FlowRecord> {
    const record = await this.load(flowId);
    if (!record) throw new DomainError('NOT_FOUND', 'No such connect flow.');
    // Owner only, whatever the scope: a flow holds a live QR login token and takes codes and passwords.
    if (record.userId !== caller.userId) throw new NotOwned('flow', 'No such connect flow.');
    return record;
  }

  private key(flowId: string): string {
    return `${this.deps.prefix}flow:${flowId}`;
  }

  private async load(flowId: string): Promise<FlowRecord | undefined> {
    const raw = await this.deps.redis.get(this.key(flowId));
    return raw ? (JSON.parse(raw) as FlowRecord) : undefined;
  }

  private async save(record: FlowRecord): Promise<void> {
    const left = Math.ceil((Date.parse(record.expiresAt) - Date.now()) / 1000);
    await this.deps.redis.set(
      this.key(record.flowId),
      JSON.stringify(record),
      'EX',
      Math.max(1, left) + EXPIRED_KEEP_S,
    );
  }
}

function publicFlow(record: FlowRecord): Flow {
  const { userId: _owner, ...flow } = record;
  return flow;
}
