/**
 * The account connector's public entry: what `dist/main.js` runs (`startAccountConnector(loadConfig(), logger)`),
 * for whoever starts the service in-process (the system tests), and the contexts its stored ciphertexts are
 * bound to (so a test can check a stored session or phone opens only in its own row).
 */
export { SERVICE, startAccountConnector, type AccountConnector } from './app';
export { loadConfig, type AccountConnectorConfig } from './config';
export { phoneContext, sessionContext } from './accounts/account-store';
