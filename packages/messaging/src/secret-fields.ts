import { loadSchemas } from '@integrations/contracts';
import { REDACTED, isSecretKey } from '@integrations/observability';

/**
 * Seals a command's secret fields for the consuming service (its own key: a SecretCipher key name every replica
 * of the service reads), so a command waiting in a retry queue holds ciphertext, not the secret.
 */
export interface FieldSealer {
  seal(plaintext: string): Promise<string>;
  unseal(sealed: string): Promise<string>;
}

/** The header naming the fields of a message body that are sealed (comma-separated). */
export const SEALED_HEADER = 'x-sealed-fields';
/** The header naming the fields a dead letter had replaced by `[REDACTED]`. */
export const REDACTED_HEADER = 'x-redacted-fields';

let byType: Map<string, string[]> | undefined;

/**
 * The top-level fields of a message's data that hold secrets, read from the contract's schemas: a property whose
 * name is a secret's (`token`, `password`, `code`, `*secret*`...). `telegram.bot.connect` → `['token']`.
 */
export function secretFieldsOf(type: string): string[] {
  if (!byType) {
    byType = new Map();
    for (const { rel, schema } of loadSchemas()) {
      const match = /^commands\/(.+)\.json$/.exec(rel);
      const properties = schema['properties'];
      if (!match?.[1] || typeof properties !== 'object' || properties === null) continue;
      const secret = Object.keys(properties).filter((name) => isSecretKey(name));
      if (secret.length > 0) byType.set(match[1], secret);
    }
  }
  return byType.get(type) ?? [];
}

type Body = { type?: unknown; data?: Record<string, unknown> } & Record<string, unknown>;

/** The fields of this body's data that are present secrets. */
function presentSecrets(body: Body): string[] {
  if (typeof body.type !== 'string' || typeof body.data !== 'object' || body.data === null) return [];
  const data = body.data;
  return secretFieldsOf(body.type).filter((field) => typeof data[field] === 'string' && data[field] !== '');
}

function parse(content: Buffer): Body | undefined {
  try {
    const value: unknown = JSON.parse(content.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Body) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an envelope (not yet serialized) carries a secret in plain text: no JSON round trip on the hot path. */
export function envelopeCarriesSecrets(envelope: { type: string; data: unknown }): boolean {
  return presentSecrets(envelope as Body).length > 0;
}

/** Whether a message body carries a secret in plain text. */
export function carriesSecrets(content: Buffer): boolean {
  const body = parse(content);
  return body !== undefined && presentSecrets(body).length > 0;
}

/** The body with its secret fields sealed, and their names (for the header); unchanged when it has none. */
export async function sealSecrets(
  content: Buffer,
  sealer: FieldSealer,
): Promise<{ content: Buffer; fields: string[] }> {
  const body = parse(content);
  const fields = body ? presentSecrets(body) : [];
  if (!body?.data || fields.length === 0) return { content, fields };
  const data = { ...body.data };
  for (const field of fields) data[field] = await sealer.seal(String(data[field]));
  return { content: Buffer.from(JSON.stringify({ ...body, data })), fields };
}

/** The body with the named fields unsealed (a message that came back from a retry queue). */
export async function unsealSecrets(content: Buffer, fields: string[], sealer: FieldSealer): Promise<Buffer> {
  const body = parse(content);
  if (!body?.data || fields.length === 0) return content;
  const data = { ...body.data };
  for (const field of fields)
    if (typeof data[field] === 'string') data[field] = await sealer.unseal(data[field]);
  return Buffer.from(JSON.stringify({ ...body, data }));
}

/** The body with every secret field (sealed or not) replaced by `[REDACTED]`: what a dead letter keeps. */
export function redactSecrets(content: Buffer): { content: Buffer; fields: string[] } {
  const body = parse(content);
  const fields = body ? presentSecrets(body) : [];
  if (!body?.data || fields.length === 0) return { content, fields };
  const data = { ...body.data };
  for (const field of fields) data[field] = REDACTED;
  return { content: Buffer.from(JSON.stringify({ ...body, data })), fields };
}
