import type { Generated, OutboxTable } from '@integrations/persistence';

export type ResourceType = 'bot' | 'account' | 'channel';
export type LogStatus = 'success' | 'error' | 'info';

export type WebhookStatus = 'active' | 'disabled';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface AuditDatabase extends OutboxTable {
  integration_logs: {
    id: Generated<string>;
    event_id: string;
    event_type: string;
    user_id: string;
    /** The routing key's platform (`telegram`, `security`, …) and resource (`bot`, `account`, `channel`, …). */
    platform: string;
    resource: string;
    action: string;
    status: LogStatus;
    error_message: string | null;
    target_id: string | null;
    resource_type: ResourceType | null;
    resource_id: string | null;
    actor: string | null;
    request_id: string | null;
    trace_id: string | null;
    details: string;
    created_at: Date;
  };
  purged_users: {
    user_id: string;
    purged_at: Generated<Date>;
  };
  webhooks: {
    id: string;
    user_id: string;
    url: string;
    /** JSON array of routing-key patterns. */
    events: string;
    secret_enc: string;
    secret_key_version: number;
    status: Generated<WebhookStatus>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  webhook_deliveries: {
    id: string;
    webhook_id: string;
    user_id: string;
    event_id: string;
    event_type: string;
    /** The exact body that is signed and sent, kept so that every retry sends the same bytes. */
    payload: string;
    status: DeliveryStatus;
    attempts: Generated<number>;
    next_attempt_at: Date | null;
    claimed_by: string | null;
    claimed_until: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  webhook_attempts: {
    id: Generated<string>;
    delivery_id: string;
    attempt: number;
    started_at: Date;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  };
}
