import { lifecycleMigration } from '@integrations/connector-kit';

/**
 * Accounts and their channels can be paused (the session stays stored, encrypted; the client is disconnected
 * and nothing is sent through it) and named by their user. Existing rows are active and unnamed.
 */
export const lifecycle = lifecycleMigration(['telegram_sessions', 'telegram_account_channels']);
