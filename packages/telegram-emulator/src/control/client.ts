import type { Fault, FaultKind, Limits, MemberRole } from '../world';
import type { MtprotoInfo } from './routes';

export interface CreatedBot {
  id: number;
  token: string;
  username: string;
  firstName: string;
}

export interface CreatedUser {
  id: number;
  phone: string;
  username: string | null;
  firstName: string;
}

export interface CreatedChat {
  id: string;
  username: string | null;
  type: string;
  key: string;
}

export interface ChatMemberInput {
  userId?: number | string;
  botId?: number | string;
  role: MemberRole;
  canPost?: boolean;
}

export interface StoredMessage {
  messageId: number;
  from: { type: 'user' | 'bot'; id: number };
  text: string;
  date: number;
  entities?: unknown[];
  parseMode?: string;
  replyToMessageId?: number;
}

export interface FaultRequest {
  target: string;
  kind: FaultKind;
  ms?: number;
  retryAfter?: number;
  count?: number;
  status?: number;
  message?: string;
}

/** The control API answered with an error: `status` and the emulator's `{error, code}`. */
export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorControlError';
  }
}

/**
 * A typed client for the control API (`/_emulator`), for tests and scripts: create users, bots and chats, read
 * what was sent, post inbound messages, inject faults.
 */
export class EmulatorClient {
  private readonly base: string;

  constructor(url: string) {
    this.base = `${url.replace(/\/$/, '')}/_emulator`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!res.ok) {
      const err = (parsed ?? {}) as { error?: string; code?: string };
      throw new EmulatorControlError(
        res.status,
        err.code ?? 'ERROR',
        err.error ?? `${method} ${path}: ${res.status}`,
      );
    }
    return parsed as T;
  }

  createBot(input: { username?: string; firstName?: string } = {}): Promise<CreatedBot> {
    return this.request('POST', '/bots', input);
  }

  createUser(input: {
    phone: string;
    firstName?: string;
    lastName?: string;
    username?: string;
    password?: string;
  }): Promise<CreatedUser> {
    return this.request('POST', '/users', input);
  }

  /** Changes a user: 2FA password, deactivation, or the privacy that refuses messages from non-contacts. */
  updateUser(
    phone: string,
    input: {
      password?: string | null;
      passwordHint?: string;
      deactivated?: boolean;
      restrictsMessages?: boolean;
    },
  ): Promise<unknown> {
    return this.request('PATCH', `/users/${encodeURIComponent(phone)}`, input);
  }

  /** The last login code sent to a phone; undefined when none was. */
  async loginCode(phone: string): Promise<string | undefined> {
    try {
      return (await this.request<{ code: string }>('GET', `/users/${encodeURIComponent(phone)}/code`)).code;
    } catch (error) {
      if (error instanceof EmulatorControlError && error.status === 404) return undefined;
      throw error;
    }
  }

  scanQr(input: { url?: string; token?: string; phone: string }): Promise<{ ok: true; userId: number }> {
    return this.request('POST', '/qr/scan', input);
  }

  createChat(input: {
    type: 'private' | 'group' | 'supergroup' | 'channel';
    title?: string;
    username?: string;
    members: ChatMemberInput[];
  }): Promise<CreatedChat> {
    return this.request('POST', '/chats', input);
  }

  setMember(chatId: string, member: ChatMemberInput): Promise<unknown> {
    return this.request('PUT', `/chats/${encodeURIComponent(chatId)}/members`, member);
  }

  /** Messages of a chat, oldest first. For a user's private chat with one of several bots, pass `botId`. */
  messages(chatId: string | number, botId?: number): Promise<StoredMessage[]> {
    const query = botId === undefined ? '' : `?botId=${botId}`;
    return this.request('GET', `/chats/${encodeURIComponent(String(chatId))}/messages${query}`);
  }

  /** A user writes into a chat (or to a bot: pass the bot id as the chat); bots get it as an update. */
  postMessage(
    chatId: string | number,
    input: { fromUserId: number | string; text: string; replyToMessageId?: number },
  ): Promise<StoredMessage & { chatId: string }> {
    return this.request('POST', `/chats/${encodeURIComponent(String(chatId))}/messages`, input);
  }

  addFault(fault: FaultRequest): Promise<{ id: string }> {
    return this.request('POST', '/faults', fault);
  }

  faults(): Promise<Fault[]> {
    return this.request('GET', '/faults');
  }

  clearFaults(): Promise<void> {
    return this.request('DELETE', '/faults');
  }

  limits(): Promise<Limits> {
    return this.request('GET', '/limits');
  }

  setLimits(patch: Partial<Limits>): Promise<Limits> {
    return this.request('PUT', '/limits', patch);
  }

  reset(): Promise<void> {
    return this.request('POST', '/reset');
  }

  mtproto(): Promise<MtprotoInfo> {
    return this.request('GET', '/mtproto');
  }

  /** Takes the MTProto port away: connections cut, new ones refused, until `endMtprotoOutage()`. */
  startMtprotoOutage(): Promise<void> {
    return this.request('POST', '/mtproto/outage');
  }

  endMtprotoOutage(): Promise<void> {
    return this.request('DELETE', '/mtproto/outage');
  }
}
