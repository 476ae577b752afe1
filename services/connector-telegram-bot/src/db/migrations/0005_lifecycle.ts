import { lifecycleMigration } from '@integrations/connector-kit';

/**
 * Bots and channels can be paused (kept, with their token, but not polled and not sent through) and named by
 * their user. Existing rows are active and unnamed.
 */
export const lifecycle = lifecycleMigration(['telegram_bots', 'telegram_channels']);
