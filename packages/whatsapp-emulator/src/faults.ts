import { shortId } from './ids';

/**
 * Injected failures, as the Telegram emulator has them. Kinds:
 * - `latency` (`ms`, default 1000): the Graph API answers later;
 * - `rate_limit`: the send is refused with 130429;
 * - `drop`: the connection is closed without an answer;
 * - `revoke`: the number's access token stops working (190 from then on);
 * - `error` (`status` default 500, `code` default 131000, `message`): that Graph error;
 * - `undeliverable`: the send is accepted, then fails by status webhook with 131026;
 * - `webhook_down`: webhook deliveries are answered as failed by the emulator itself (not attempted) and retried.
 */
export type FaultKind =
  'latency' | 'rate_limit' | 'drop' | 'revoke' | 'error' | 'undeliverable' | 'webhook_down';

export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'rate_limit',
  'drop',
  'revoke',
  'error',
  'undeliverable',
  'webhook_down',
];

export interface Fault {
  id: string;
  /** `number:<phoneNumberId>` or `*`. */
  target: string;
  kind: FaultKind;
  ms?: number;
  status?: number;
  code?: number;
  message?: string;
  /** Uses left; undefined: until cleared. */
  remaining?: number;
}

export type FaultInput = Omit<Fault, 'id' | 'remaining'> & { count?: number };

const TARGET = /^(\*|number:\d{1,20})$/;

export class FaultRegistry {
  private faults: Fault[] = [];

  /** Validates and stores; throws an Error with a message for the 400 answer (nothing stored). */
  add(input: FaultInput): Fault {
    if (typeof input.target !== 'string' || !TARGET.test(input.target)) {
      throw new Error('target must be "number:<phoneNumberId>" or "*"');
    }
    if (!FAULT_KINDS.includes(input.kind)) throw new Error(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    const nonNegativeInt = (name: string, value: unknown): void => {
      if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
        throw new Error(`${name} must be a non-negative integer`);
      }
    };
    nonNegativeInt('ms', input.ms);
    nonNegativeInt('count', input.count);
    nonNegativeInt('code', input.code);
    if (
      input.status !== undefined &&
      (typeof input.status !== 'number' ||
        !Number.isInteger(input.status) ||
        input.status < 400 ||
        input.status > 599)
    ) {
      throw new Error('status must be an HTTP error status (400..599)');
    }
    if (input.message !== undefined && typeof input.message !== 'string')
      throw new Error('message must be a string');
    const fault: Fault = {
      id: shortId(),
      target: input.target,
      kind: input.kind,
      ms: input.ms ?? (input.kind === 'latency' ? 1000 : undefined),
      status: input.status,
      code: input.code,
      message: input.message,
      remaining: input.count,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The faults of `kinds` that apply to a number, consuming one use of each. */
  take(phoneNumberId: string, kinds: readonly FaultKind[]): Fault[] {
    if (this.faults.length === 0) return [];
    const hit: Fault[] = [];
    for (const fault of this.faults) {
      if (!kinds.includes(fault.kind)) continue;
      if (fault.target !== '*' && fault.target !== `number:${phoneNumberId}`) continue;
      hit.push({ ...fault });
      if (fault.remaining !== undefined) fault.remaining -= 1;
    }
    if (hit.length > 0) this.faults = this.faults.filter((f) => f.remaining === undefined || f.remaining > 0);
    return hit;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
  }
}
