import { randomBytes } from 'node:crypto';
import type { World } from '../world';
import { AuthKeyStore } from './auth-keys';
import type { ServerRsaKey } from './crypto';
import { newSalts, verifier, type PasswordSalts } from './srp';

export interface SentCode {
  phone: string;
  code: string;
  expiresAt: number;
  /** A newer code for the same phone, a success or too many wrong tries end it. */
  spent: boolean;
  wrongTries: number;
}

/**
 * Login codes by `phone_code_hash`. Like Telegram, a new code for a phone expires the older ones, so a test can
 * produce PHONE_CODE_EXPIRED without waiting out the code's life.
 */
export class LoginCodes {
  private readonly byHash = new Map<string, SentCode>();
  private readonly latestByPhone = new Map<string, string>();

  issue(world: World, phone: string): { hash: string; code: SentCode } {
    const previous = this.latestByPhone.get(phone);
    if (previous !== undefined) this.byHash.get(previous)!.spent = true;
    const hash = randomBytes(9).toString('hex');
    const code: SentCode = {
      phone,
      code: world.issueLoginCode(phone),
      expiresAt: Date.now() + world.loginCodeTtlMs,
      spent: false,
      wrongTries: 0,
    };
    this.byHash.set(hash, code);
    this.latestByPhone.set(phone, hash);
    return { hash, code };
  }

  get(hash: string): SentCode | undefined {
    return this.byHash.get(hash);
  }

  clear(): void {
    this.byHash.clear();
    this.latestByPhone.clear();
  }
}

/** Each user's SRP salts and verifier, derived once per password (PBKDF2 with 100,000 rounds is slow). */
export class PasswordVerifiers {
  private readonly cache = new Map<number, { password: string; salts: PasswordSalts; v: Promise<Buffer> }>();

  get(userId: number, password: string): { salts: PasswordSalts; v: Promise<Buffer> } {
    const cached = this.cache.get(userId);
    if (cached !== undefined && cached.password === password) return cached;
    const salts = newSalts();
    const entry = { password, salts, v: verifier(password, salts) };
    this.cache.set(userId, entry);
    return entry;
  }

  clear(): void {
    this.cache.clear();
  }
}

/** Update sequence numbers (`pts`): one per user for private chats and groups, one per channel. */
export class PtsCounters {
  private readonly values = new Map<string, number>();

  next(key: string): number {
    const value = (this.values.get(key) ?? 0) + 1;
    this.values.set(key, value);
    return value;
  }

  current(key: string): number {
    return this.values.get(key) ?? 0;
  }

  clear(): void {
    this.values.clear();
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }

  restore(saved: Record<string, number>): void {
    for (const [key, value] of Object.entries(saved)) this.values.set(key, value);
  }
}

/**
 * `random_id`s already used per sender: Telegram refuses a repeated one (RANDOM_ID_DUPLICATE), which is what
 * lets a client resend after a lost answer without posting twice. Bounded: the oldest are forgotten.
 */
export class RandomIds {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  /** Answers the message id already sent with this random id, if any. */
  find(senderId: number, randomId: string): number | undefined {
    return this.seen.get(`${senderId}:${randomId}`);
  }

  remember(senderId: number, randomId: string, messageId: number): void {
    this.seen.set(`${senderId}:${randomId}`, messageId);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  clear(): void {
    this.seen.clear();
  }

  snapshot(): [string, number][] {
    return [...this.seen];
  }

  restore(saved: [string, number][]): void {
    for (const [key, messageId] of saved) this.seen.set(key, messageId);
  }
}

export interface ServerState {
  world: World;
  rsa: ServerRsaKey;
  keys: AuthKeyStore;
  codes: LoginCodes;
  passwords: PasswordVerifiers;
  pts: PtsCounters;
  randomIds: RandomIds;
  /**
   * API calls answered since the server started, by method (`messages.SendMessage`): tests count the round trips
   * a client makes for something (a send must not resolve its peer again).
   */
  calls: Map<string, number>;
  /** Where clients reach this server (`help.getConfig` names it as DC 2). */
  host: string;
  port: number;
  dcId: number;
  qrTtlMs: number;
}

export function createServerState(input: {
  world: World;
  rsa: ServerRsaKey;
  host: string;
  port: number;
  qrTtlMs?: number;
}): ServerState {
  return {
    ...input,
    keys: new AuthKeyStore(),
    codes: new LoginCodes(),
    passwords: new PasswordVerifiers(),
    pts: new PtsCounters(),
    randomIds: new RandomIds(),
    calls: new Map(),
    dcId: 2,
    qrTtlMs: input.qrTtlMs ?? 30_000,
  };
}
