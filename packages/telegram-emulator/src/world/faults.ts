import { invalid } from './errors';
import { randomId } from './ids';
import { FAULT_KINDS, type Fault, type FaultKind } from './types';

export interface FaultInput {
  target: string;
  kind: FaultKind;
  ms?: number;
  retryAfter?: number;
  status?: number;
  message?: string;
  count?: number;
}

const TARGET = /^(\*|bot:\d+|user:\+?\d{5,15})$/;

/**
 * Injected failures. A fault applies to requests by its target (`bot:<id>`, `user:<phone>` or `*`), once per
 * request, `count` times (or until cleared). Each front asks `take(...)` once per request and acts on them.
 */
export class FaultRegistry {
  private faults: Fault[] = [];

  /** Validates and stores; throws `WorldError` (400) and stores nothing on bad input. */
  add(input: FaultInput): Fault {
    if (typeof input.target !== 'string' || !TARGET.test(input.target)) {
      throw invalid('target must be "bot:<id>", "user:<phone>" or "*"');
    }
    if (!FAULT_KINDS.includes(input.kind)) throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    const nonNegative = (name: string, value: unknown): void => {
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
        throw invalid(`${name} must be a non-negative number`);
      }
    };
    nonNegative('ms', input.ms);
    nonNegative('retryAfter', input.retryAfter);
    nonNegative('count', input.count);
    if (input.count !== undefined && !Number.isInteger(input.count))
      throw invalid('count must be an integer');
    if (
      input.status !== undefined &&
      (!Number.isInteger(input.status) || input.status < 400 || input.status > 599)
    ) {
      throw invalid('status must be an HTTP error status (400..599)');
    }
    if (input.message !== undefined && typeof input.message !== 'string')
      throw invalid('message must be a string');
    const target =
      input.target.startsWith('user:') && !input.target.startsWith('user:+')
        ? `user:+${input.target.slice('user:'.length)}`
        : input.target;
    const fault: Fault = {
      id: randomId(),
      target,
      kind: input.kind,
      ms: input.ms ?? (input.kind === 'latency' ? 1000 : undefined),
      retryAfter: input.retryAfter ?? (input.kind === 'rate_limit' ? 1 : undefined),
      status: input.status,
      message: input.message,
      remaining: input.count,
      createdAt: Date.now(),
    };
    this.faults.push(fault);
    return fault;
  }

  /**
   * The faults that apply to one request by `target` (e.g. `bot:123`), consuming one use of each. Cheap when
   * nothing is registered, which is the hot path.
   */
  take(target: string): Fault[] {
    if (this.faults.length === 0) return [];
    const hit: Fault[] = [];
    for (const fault of this.faults) {
      if (fault.target !== '*' && fault.target !== target) continue;
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
