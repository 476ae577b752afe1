/**
 * The bot connector's public entry: what `dist/main.js` runs (`startBotConnector(loadConfig(), logger)`), for
 * whoever starts the service in-process (the system tests). Nothing else of `src/` is reachable from outside.
 */
export { SERVICE, startBotConnector, type BotConnector } from './app';
export { loadConfig, type BotConnectorConfig } from './config';
