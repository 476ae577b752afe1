// What `npm start` runs, in start order. A service whose entry is not built (not written yet) is left out.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './bootstrap.mjs';

const env = process.env;
const port = (name, fallback) => Number(env[name] ?? fallback);

export function serviceTable() {
  const emulatorPort = port('EMULATOR_PORT', 8090);
  return [
    {
      name: 'emulator',
      entry: 'packages/telegram-emulator/dist/cli.js',
      source: 'packages/telegram-emulator/src/cli.ts',
      ready: `http://127.0.0.1:${emulatorPort}/_emulator/health`,
      urls: {
        'Telegram emulator (Bot API + control API)': `http://127.0.0.1:${emulatorPort}`,
        ...(existsSync(path.join(root, 'packages/telegram-emulator/src/mtproto/server.ts'))
          ? { 'Telegram emulator (MTProto, TCP)': `127.0.0.1:${port('EMULATOR_MTPROTO_PORT', 8443)}` }
          : {}),
      },
      sandboxOnly: true,
    },
    {
      name: 'whatsapp-emulator',
      entry: 'packages/whatsapp-emulator/dist/main.js',
      source: 'packages/whatsapp-emulator/src/main.ts',
      ready: `http://127.0.0.1:${port('WHATSAPP_EMULATOR_PORT', 8091)}/_emulator/health`,
      urls: {
        'WhatsApp emulator (Graph API + control API)': `http://127.0.0.1:${port('WHATSAPP_EMULATOR_PORT', 8091)}`,
      },
      sandboxOnly: true,
    },
    {
      name: 'audit-log',
      entry: 'services/audit-log/dist/main.js',
      source: 'services/audit-log/src/main.ts',
      ready: `http://127.0.0.1:${port('AUDIT_LOG_PORT', 9103)}/health/ready`,
      urls: { 'audit-log health/metrics': `http://127.0.0.1:${port('AUDIT_LOG_PORT', 9103)}/metrics` },
    },
    {
      name: 'connector-bot',
      entry: 'services/connector-telegram-bot/dist/main.js',
      source: 'services/connector-telegram-bot/src/main.ts',
      ready: `http://127.0.0.1:${port('CONNECTOR_BOT_PORT', 9102)}/health/ready`,
      urls: { 'bot connector metrics': `http://127.0.0.1:${port('CONNECTOR_BOT_PORT', 9102)}/metrics` },
    },
    {
      name: 'connector-account',
      entry: 'services/connector-telegram-account/dist/main.js',
      source: 'services/connector-telegram-account/src/main.ts',
      ready: `http://127.0.0.1:${port('CONNECTOR_ACCOUNT_PORT', 9101)}/health/ready`,
      urls: {
        'account connector metrics': `http://127.0.0.1:${port('CONNECTOR_ACCOUNT_PORT', 9101)}/metrics`,
      },
    },
    {
      name: 'connector-whatsapp',
      entry: 'services/connector-whatsapp/dist/main.js',
      source: 'services/connector-whatsapp/src/main.ts',
      ready: `http://127.0.0.1:${port('CONNECTOR_WHATSAPP_PORT', 9104)}/health/ready`,
      urls: {
        'WhatsApp connector metrics': `http://127.0.0.1:${port('CONNECTOR_WHATSAPP_PORT', 9104)}/metrics`,
        'WhatsApp webhooks (Meta posts here)': `http://127.0.0.1:${port('CONNECTOR_WHATSAPP_WEBHOOK_PORT', 9105)}/whatsapp/webhooks/{numberId}`,
      },
    },
    {
      name: 'api',
      entry: 'services/api/dist/main.js',
      source: 'services/api/src/main.ts',
      ready: `http://127.0.0.1:${port('API_PORT', 8080)}/health/ready`,
      urls: {
        'REST api': `http://127.0.0.1:${port('API_PORT', 8080)}/api/integrations`,
        'OpenAPI docs': `http://127.0.0.1:${port('API_PORT', 8080)}/api/docs`,
      },
    },
    {
      name: 'web',
      entry: 'services/web/server.mjs',
      source: 'services/web/server.mjs',
      needs: 'services/web/dist/index.html',
      ready: `http://127.0.0.1:${port('WEB_PORT', 8081)}/`,
      urls: { 'web UI': `http://127.0.0.1:${port('WEB_PORT', 8081)}` },
    },
  ];
}

/** A placeholder entry (`export {};`) means the service has not been written yet. */
export function isAvailable(service) {
  const source = path.join(root, service.source);
  if (!existsSync(source) || readFileSync(source, 'utf8').trim() === 'export {};') return false;
  if (service.needs && !existsSync(path.join(root, service.needs))) return false;
  return existsSync(path.join(root, service.entry));
}
