import { runService } from '@integrations/observability';
import { SERVICE, startBotConnector } from './app';
import { loadConfig } from './config';

runService(SERVICE, (logger) => startBotConnector(loadConfig(), logger));
