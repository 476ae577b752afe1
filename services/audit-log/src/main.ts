import { runService } from '@integrations/observability';
import { SERVICE, startAuditLog } from './app';
import { loadConfig } from './config';

runService(SERVICE, (logger) => startAuditLog(loadConfig(), logger));
