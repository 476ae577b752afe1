/**
 * The api's public entry: what `dist/main.js` runs (`startApi(loadConfig(), logger)`), for whoever starts the
 * service in-process (the system tests). Nothing else of `src/` is reachable from outside the service.
 */
export { SERVICE, startApi, type ApiService } from './app';
export { ConfigError, loadConfig, type ApiConfig } from './config';
