import { type PipeTransform } from '@nestjs/common';
import { DomainError, type RestBodyName, validateRestBody } from '@integrations/contracts';

/**
 * Validates a body (or query) against its JSON Schema from `schemas/rest/`: unknown fields and wrong types are
 * refused with every failing field listed. Query strings arrive as text, so `coerce` turns integer-looking
 * values into numbers first.
 */
export class SchemaPipe implements PipeTransform {
  constructor(
    private readonly schema: RestBodyName,
    private readonly options: { coerce?: boolean } = {},
  ) {}

  transform(value: unknown): unknown {
    const input = this.options.coerce ? coerceQuery(value) : value;
    const result = validateRestBody(this.schema, input ?? {});
    if (!result.valid) {
      throw new DomainError('VALIDATION_FAILED', 'The request does not match its schema.', {
        errors: result.errors,
      });
    }
    return input ?? {};
  }
}

/** The query parameters that are integers in their schemas; every other value stays text. */
const INTEGER_QUERY_KEYS = new Set(['limit', 'days']);
/** The query parameters that are booleans in their schemas (`true` / `false`); anything else fails validation. */
const BOOLEAN_QUERY_KEYS = new Set(['isActive']);

function coerceQuery(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    if (typeof raw === 'string' && BOOLEAN_QUERY_KEYS.has(key) && (raw === 'true' || raw === 'false'))
      out[key] = raw === 'true';
    else
      out[key] =
        typeof raw === 'string' && /^\d{1,6}$/.test(raw) && INTEGER_QUERY_KEYS.has(key) ? Number(raw) : raw;
  }
  return out;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Path ids are opaque strings of our own; anything else cannot exist, so it is a 404, not a 422. */
export class IdParam implements PipeTransform {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !ID.test(value)) throw new DomainError('NOT_FOUND', 'No such resource.');
    return value;
  }
}
