import type { Api, TelegramClient } from 'telegram';

/** The part of GramJS's sender (2.26, `MTProtoSender` and its `MessagePacker`) this looks at. */
interface QueuedRequest {
  request: unknown;
  /** Given when the send loop packs the request for the connection; undefined until then. */
  msgId?: unknown;
}
interface SenderInternals {
  _sendQueue?: { _queue?: unknown; _pendingStates?: unknown };
}

/**
 * One send's request as handed to GramJS, so that a call given up on (the call timeout) can tell whether Telegram
 * may have received it. GramJS keeps every request it was given in its packer until answered, and gives it a
 * message id only when its send loop packs it for the connection; one that never got an id never left the process
 * (a reconnect drops such requests from the queue, and sends again only the ones that had left). It is taken out of
 * the queue on the spot, so that it cannot leave later either (the client reconnecting after the timeout), and a
 * request not yet handed over when the call was given up on (its client still connecting, its peer still being
 * resolved) is never handed over. Anything else, including GramJS internals that no longer look like this, counts
 * as "may have arrived": the safe answer, never a wrong "not sent".
 */
export class SendAttempt {
  private client?: TelegramClient;
  private request?: Api.AnyRequest;
  private answered = false;
  /** The caller gave up on the send (see `mayHaveReachedTelegram`): nothing more may be handed to GramJS. */
  private givenUp = false;

  async invoke<R extends Api.AnyRequest>(client: TelegramClient, request: R): Promise<R['__response']> {
    // The work after a timeout goes on in the background; the send it was told is "not sent" must stay so.
    if (this.givenUp) throw new Error('The send was given up on before its request was handed to GramJS.');
    this.client = client;
    this.request = request;
    try {
      return await client.invoke(request);
    } finally {
      this.answered = true;
    }
  }

  /** Whether the request may be with Telegram; false only when it provably never left, and now never will. */
  mayHaveReachedTelegram(): boolean {
    this.givenUp = true;
    if (!this.client || !this.request) return false;
    if (this.answered) return true;
    const queue = (this.client as unknown as { _sender?: SenderInternals })._sender?._sendQueue;
    const given = queue?._pendingStates;
    const waiting = queue?._queue;
    if (!Array.isArray(given) || !Array.isArray(waiting)) return true;
    const state = (given as QueuedRequest[]).find((s) => s?.request === this.request);
    // Not held: answered or failed inside GramJS (it may try again after a pause), or not queued yet, which a
    // connected client does within microseconds of the call: no proof that it never left.
    if (!state || state.msgId !== undefined) return true;
    const at = waiting.indexOf(state);
    if (at >= 0) waiting.splice(at, 1);
    return false;
  }
}
