import { LATENCY_BUCKETS, type Registry } from '@integrations/observability';
import { Counter, Histogram } from 'prom-client';

/**
 * `whatsapp_*`: the shared `telegram_*` message metrics count Telegram sends under a bot/account `type`, which
 * neither names WhatsApp nor has its later states (delivered, read) or Meta's failure codes.
 */
export function whatsappMetrics(registry: Registry) {
  return {
    sent: new Counter({
      name: 'whatsapp_messages_accepted_total',
      help: 'Messages Meta accepted (200 with a wamid), by type (text, template)',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'whatsapp_messages_failed_total',
      help: 'Messages that failed, at the send or by status webhook, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    statuses: new Counter({
      name: 'whatsapp_status_webhooks_total',
      help: 'Status webhooks received (once per message and status), by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'whatsapp_send_duration_seconds',
      help: 'Time from claiming a send to Meta answering it',
      labelNames: ['type'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    inbound: new Counter({
      name: 'whatsapp_inbound_messages_total',
      help: 'Customer messages received by webhook',
      registers: [registry],
    }),
    webhookRejected: new Counter({
      name: 'whatsapp_webhook_rejected_total',
      help: 'Webhook requests refused, by reason (signature, verify_token, unknown_number, malformed, too_large)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    throttled: new Counter({
      name: 'whatsapp_throttle_waits_total',
      help: "Sends that waited for a free slot of their number's throughput",
      registers: [registry],
    }),
  };
}

export type WhatsAppMetrics = ReturnType<typeof whatsappMetrics>;
