/**
 * The WhatsApp connector's public entry: what `dist/main.js` runs (`startWhatsAppConnector(loadConfig(), logger)`),
 * for whoever starts the service in-process (the system tests). Nothing else of `src/` is reachable from outside.
 */
export { SERVICE, startWhatsAppConnector, type WhatsAppConnector } from './app';
export { loadConfig, type WhatsAppConnectorConfig } from './config';
