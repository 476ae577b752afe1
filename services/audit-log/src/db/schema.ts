import type { Generated } from '@integrations/persistence';

export type IntegrationType = 'telegram_account' | 'telegram_bot' | 'telegram_channel' | 'security';
export type LogStatus = 'success' | 'error' | 'info';

export interface AuditDatabase {
  integration_logs: {
    id: Generated<string>;
    event_id: string;
    event_type: string;
    user_id: string;
    integration_type: IntegrationType;
    action: string;
    status: LogStatus;
    error_message: string | null;
    target_id: string | null;
    actor: string | null;
    request_id: string | null;
    trace_id: string | null;
    details: string;
    created_at: Date;
  };
}
