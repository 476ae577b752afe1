/**
 * audit-log's public entry: what `dist/main.js` runs (`startAuditLog(loadConfig(), logger)`), for whoever starts
 * the service in-process (the system tests). Nothing else of `src/` is reachable from outside the service.
 */
export { SERVICE, startAuditLog, type AuditLogService } from './app';
export { loadConfig, type AuditLogConfig } from './config';
