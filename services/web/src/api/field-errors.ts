import type { FieldError } from '@integrations/contracts';

/** Each field the api validates, by its JSON pointer: its name on screen and what a valid value looks like. */
const FIELDS: Record<string, { label: string; expected: string }> = {
  '/token': {
    label: 'Bot token',
    expected: 'It looks like 123456789:AAE…, as @BotFather gives it.',
  },
  '/phone': {
    label: 'Phone number',
    expected: 'Use the international format with the country code, e.g. +4915112345678.',
  },
  '/code': { label: 'Login code', expected: 'Enter the digits Telegram sent you.' },
  '/password': { label: 'Password', expected: 'Enter the two-step verification password.' },
  '/text': { label: 'Message', expected: 'Write between 1 and 4,096 characters.' },
  '/chatId': {
    label: 'Chat',
    expected: 'Choose a chat, or give a chat id (e.g. -1001234567890) or an @username.',
  },
  '/to': {
    label: 'To',
    expected: 'Give an @username (5 to 32 letters, digits or _), a +phone of a contact, or a chat id.',
  },
  '/chat': { label: 'Channel or group', expected: 'Give its @username or its chat id, e.g. -1001234567890.' },
  '/via': { label: 'Post through', expected: 'Choose a bot or an account.' },
  '/url': { label: 'URL', expected: 'Give a full address starting with https://.' },
  '/events': { label: 'Events', expected: 'Choose at least one kind of event.' },
  '/parseMode': { label: 'Formatting', expected: 'Choose plain text, HTML or MarkdownV2.' },
  '/replyToMessageId': { label: 'Reply to', expected: 'Give the number of a Telegram message.' },
  '/q': { label: 'Search', expected: 'Search for at most 64 characters.' },
  '/status': { label: 'Status', expected: 'Choose one of the listed statuses.' },
  '/cursor': { label: 'Page', expected: 'Go back to the first page.' },
};

/** Where a schema's own words say something a person can act on. */
const READABLE: [RegExp, (label: string) => string][] = [
  [/must NOT have more than (\d+) characters/, (label) => `${label} is too long.`],
  [/must NOT have fewer than (\d+) characters/, (label) => `${label} is too short.`],
  [/must have required property/, (label) => `${label} is missing.`],
];

export interface FieldProblem {
  field: string;
  sentence: string;
}

/**
 * The api's field errors as sentences a marketer can act on, one per field. Raw schema words ("must match
 * exactly one schema in oneOf", a regular expression) never reach the screen; an error about the whole body is
 * left out when a field names the problem better.
 */
export function describeFieldErrors(errors: readonly FieldError[]): FieldProblem[] {
  const out = new Map<string, FieldProblem>();
  for (const error of errors) {
    const missing = /must have required property '([^']+)'/.exec(error.message)?.[1];
    const path = missing ? `${error.path}/${missing}` : error.path;
    const field = topField(path);
    if (!field) continue;
    if (out.has(field)) continue;
    const known = FIELDS[field];
    const label = known?.label ?? humanize(field);
    const readable = READABLE.find(([pattern]) => pattern.test(error.message));
    const lead = readable ? readable[1](label) : `${label} is not valid.`;
    out.set(field, { field, sentence: known ? `${lead} ${known.expected}` : lead });
  }
  if (out.size === 0 && errors.length > 0)
    return [{ field: '', sentence: 'Some of what was sent is not valid. Check the form and try again.' }];
  return [...out.values()];
}

/** `/via/id` → `/via`; the body itself (`''`) is not a field. */
function topField(path: string): string | null {
  const first = path.split('/').filter(Boolean)[0];
  return first ? `/${first}` : null;
}

const humanize = (field: string) => {
  const words = field
    .slice(1)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A bot token as @BotFather hands it out: digits, a colon, then at least 20 letters, digits, - or _. */
export const BOT_TOKEN = /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/;
/** E.164: a plus, the country code and the number, 7 to 15 digits. */
export const PHONE = /^\+[1-9]\d{6,14}$/;
export const normalisePhone = (value: string) => value.replace(/[\s().-]/g, '');
