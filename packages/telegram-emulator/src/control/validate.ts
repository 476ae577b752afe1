import { invalid, type MemberRole, type ParticipantRef } from '../world';

/** Small checks for control API bodies; each throws a 400 `WorldError` naming the field. */
export type Body = Record<string, unknown>;

export function asBody(value: unknown): Body {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid('the body must be a JSON object');
  return value as Body;
}

export function onlyFields(body: Body, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid(`unknown field "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

export function requiredString(body: Body, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalid(`${field} is required (a non-empty string)`);
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${field} must be true or false`);
  return value;
}

export function optionalNumber(body: Body, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${field} must be a number`);
  return value;
}

/** A Telegram id given as a number or a numeric string. */
export function idValue(value: unknown, field: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw invalid(`${field} must be a positive integer id`);
  return n;
}

export interface MemberSpec {
  ref: ParticipantRef;
  role: MemberRole;
  canPost?: boolean;
}

/** `{userId or botId, role, canPost?}` */
export function memberSpec(value: unknown, where: string): MemberSpec {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(`${where} must be an object`);
  const m = value as Body;
  onlyFields(m, ['userId', 'botId', 'role', 'canPost']);
  const hasUser = m.userId !== undefined;
  const hasBot = m.botId !== undefined;
  if (hasUser === hasBot) throw invalid(`${where} needs exactly one of userId, botId`);
  const ref: ParticipantRef = hasUser
    ? { type: 'user', id: idValue(m.userId, `${where}.userId`) }
    : { type: 'bot', id: idValue(m.botId, `${where}.botId`) };
  const role = m.role ?? 'member';
  if (typeof role !== 'string') throw invalid(`${where}.role must be a string`);
  return { ref, role: role as MemberRole, canPost: optionalBoolean(m, 'canPost') };
}
