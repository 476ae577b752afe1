import { runService } from '@integrations/observability';
import { SERVICE, startAccountConnector } from './app';
import { loadConfig } from './config';

runService(SERVICE, (logger) => startAccountConnector(loadConfig(), logger));
