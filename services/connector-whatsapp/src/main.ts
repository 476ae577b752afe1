import { runService } from '@integrations/observability';
import { SERVICE, startWhatsAppConnector } from './app';
import { loadConfig } from './config';

runService(SERVICE, (logger) => startWhatsAppConnector(loadConfig(), logger));
