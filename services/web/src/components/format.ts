const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago"; under a minute, "just now" (seconds would only flicker). */
export function timeAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  let value = (new Date(iso).getTime() - now) / 1000;
  if (Math.abs(value) < 45) return 'just now';
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return new Date(iso).toLocaleString();
}

export const exactTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');

export const INTEGRATION_LABELS: Record<string, string> = {
  telegram_account: 'Accounts',
  telegram_bot: 'Bots',
  telegram_channel: 'Channels',
  whatsapp_number: 'WhatsApp numbers',
  whatsapp_message: 'WhatsApp messages',
  security: 'Security',
};
