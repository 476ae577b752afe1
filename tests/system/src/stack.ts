import type { Bot } from '@integrations/contracts';
import { createLogger, type Logger } from '@integrations/observability';
import { EmulatorClient, startEmulator } from '@integrations/telegram-emulator';
import {
  createTestDatabase,
  createTestVhost,
  freePort,
  infra,
  mintToken,
  startProxyFor,
  uniqueName,
  type TcpProxy,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { collectStoredText } from './leak-scan';
import { loadConfig as apiConfig, startApi } from '@integrations/api';
import { loadConfig as auditConfig, startAuditLog } from '@integrations/audit-log';
import {
  loadConfig as accountConfig,
  startAccountConnector,
  type AccountConnector,
} from '@integrations/connector-telegram-account';
import { loadConfig as botConfig, startBotConnector } from '@integrations/connector-telegram-bot';
import {
  loadConfig as whatsappConfig,
  startWhatsAppConnector,
  type WhatsAppConnector,
} from '@integrations/connector-whatsapp';
import { startWhatsAppEmulator, WhatsAppEmulatorClient } from '@integrations/whatsapp-emulator';

export interface BotWithGroups {
  bot: Bot;
  /** The emulator's bot: its Telegram id (for faults) and token. */
  created: { id: number; token: string };
  chats: { id: string }[];
}

export interface Stack {
  apiUrl: string;
  /** The RabbitMQ vhost every service of this stack uses. */
  vhost: string;
  /** That vhost's AMQP URL, for platform services (`@integrations/client`) beside the stack. */
  amqpUrl: string;
  /** The services' databases (bot connector, audit-log), for checks of what is stored. */
  databases: string[];
  emulatorUrl: string;
  control: EmulatorClient;
  /** Where each in-process service serves `/metrics` (the api's is under its own URL). */
  metricsUrls: string[];
  /** The same as Prometheus scrape targets (`host:port`) by the job names of monitoring/prometheus. */
  scrapeTargets: Record<string, string[]>;
  /** The bot connector's environment, to run it as a separate process (`botConnector: false`). */
  botEnv: Record<string, string>;
  /** The account connector's environment, to run replicas as separate processes (`accounts: 'processes'`). */
  accountEnv: Record<string, string>;
  /** The account connector's database (with `accounts`). */
  accountDatabase?: string;
  /** With `whatsapp`: the WhatsApp emulator (Graph API and its control API) and the connector's database. */
  whatsapp?: { emulatorUrl: string; control: WhatsAppEmulatorClient; database: string; webhookUrl: string };
  /** Stops and starts the account connector (with `accounts: true`): sessions must come back from the table. */
  restartAccounts(): Promise<void>;
  /** Remembers a secret a test saw (a webhook signing secret...): `close()` fails if any log line holds it. */
  rememberSecret(secret: string): void;
  /** Every log line every service wrote, for leak checks. */
  logs: string[];
  /** With `proxied`: the proxies every service reaches Redis and RabbitMQ through, to cut and restore. */
  proxies?: { redis: TcpProxy; amqp: TcpProxy };
  token(sub: string, scope?: string): Promise<string>;
  /** A REST call to `/api/integrations<path>` as the token's user; the body parsed when there is one. */
  rest<T>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; headers: Headers; body: T }>;
  /** A new emulator bot, member of `groups` new groups, connected through REST as the token's user. */
  connectBotWithGroups(token: string, username: string, groups?: number): Promise<BotWithGroups>;
  close(): Promise<void>;
}

const SECRET = randomBytes(32).toString('base64url');

/**
 * The whole system in one process on free ports, each service with its own test database, one RabbitMQ vhost
 * and a Redis prefix: what `npm start` runs, minus the web UI, for end-to-end tests.
 */
export async function startStack(
  name: string,
  /**
   * `accounts: 'processes'`: the account database, MTProto and the api's routing, but no in-process connector.
   * `accountEnv`: settings for the account connector on top of the defaults. `proxied`: Redis and RabbitMQ
   * reached through TCP proxies (`stack.proxies`) that a test can cut.
   */
  options: {
    webhooks?: boolean;
    botConnector?: boolean;
    accounts?: boolean | 'processes';
    accountEnv?: Record<string, string>;
    /** The WhatsApp emulator and connector beside the Telegram ones (`stack.whatsapp`). */
    whatsapp?: boolean;
    proxied?: boolean;
    /** The spans a test's exporter holds, so that `close()` scans them for secrets too. */
    spans?: () => unknown[];
  } = {},
): Promise<Stack> {
  const logs: string[] = [];
  const logger = (service: string): Logger => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    return createLogger({ service, stream });
  };
  const emulator = await startEmulator({
    port: 0,
    mtprotoPort: options.accounts ? 0 : false,
    // Short-lived QR tokens, so the connector's refresh before expiry shows within a test.
    qrTtlMs: 7_000,
    limits: { enabled: false },
  });
  // Every bot token the emulator hands out, and what tests add: no service may ever log one.
  const secrets = new Set<string>([SECRET]);
  const control = new EmulatorClient(emulator.url);
  const createBot = control.createBot.bind(control);
  control.createBot = async (input) => {
    const bot = await createBot(input);
    secrets.add(bot.token.split(':')[1] ?? bot.token);
    return bot;
  };
  // 2FA passwords and login codes are secrets too: nothing may keep them (codes are looked for as JSON strings,
  // where a stored one would be, so that a five-digit number elsewhere is not taken for one).
  const codes = new Set<string>();
  const createUser = control.createUser.bind(control);
  control.createUser = async (input) => {
    if (input.password) secrets.add(input.password);
    return createUser(input);
  };
  const updateUser = control.updateUser.bind(control);
  control.updateUser = async (phone, input) => {
    if (input.password) secrets.add(input.password);
    return updateUser(phone, input);
  };
  const loginCode = control.loginCode.bind(control);
  control.loginCode = async (phone) => {
    const code = await loginCode(phone);
    if (code) codes.add(code);
    return code;
  };
  const whatsappEmulator = options.whatsapp
    ? await startWhatsAppEmulator({ webhook: { retryMs: 50, maxAttempts: 5 } })
    : undefined;
  const whatsappControl = whatsappEmulator ? new WhatsAppEmulatorClient(whatsappEmulator.url) : undefined;
  if (whatsappControl) {
    // A number's access token and app secret: no service may log or store them in plain text.
    const createNumber = whatsappControl.createNumber.bind(whatsappControl);
    whatsappControl.createNumber = async (input) => {
      const created = await createNumber(input);
      secrets.add(created.accessToken);
      secrets.add(created.appSecret);
      return created;
    };
  }
  const vhost: TestVhost = await createTestVhost(name);
  const [botDb, auditDb, accountDb, whatsappDb]: (TestDatabase | undefined)[] = await Promise.all([
    createTestDatabase(`${name}_bot`),
    createTestDatabase(`${name}_audit`),
    options.accounts ? createTestDatabase(`${name}_acct`) : undefined,
    options.whatsapp ? createTestDatabase(`${name}_wa`) : undefined,
  ]);
  const prefix = `${uniqueName(name)}:`;
  // With webhooks, the connector must know the api's public URL before the api starts: pick its port first.
  const apiPort = options.webhooks ? await freePort() : 0;
  const keyringKey = randomBytes(32).toString('base64');
  secrets.add(keyringKey);
  const keyringDir = mkdtempSync(path.join(tmpdir(), 'stack-keyring-'));
  const keyringFile = path.join(keyringDir, 'keyring.json');
  writeFileSync(
    keyringFile,
    JSON.stringify({
      'telegram-bots': { '1': keyringKey },
      'telegram-sessions': { '1': keyringKey },
      'whatsapp-numbers': { '1': keyringKey },
    }),
    { mode: 0o600 },
  );
  const proxies = options.proxied
    ? { redis: await startProxyFor(infra.redisUrl, 6379), amqp: await startProxyFor(vhost.url, 5672) }
    : undefined;
  const env = {
    AMQP_URL: proxies ? proxies.amqp.url(vhost.url) : vhost.url,
    MYSQL_URL: infra.mysqlUrl,
    REDIS_URL: proxies ? proxies.redis.url(infra.redisUrl) : infra.redisUrl,
    AUTH_JWT_SECRET: SECRET,
    TELEGRAM_BOT_API_URL: emulator.url,
    // A keyring file, as a deployment without Vault has: a rotation's new version survives a restart.
    SECRETS_KEYRING_FILE: keyringFile,
  };
  const audit = await startAuditLog(
    auditConfig({
      ...env,
      AUDIT_DATABASE: auditDb!.name,
      AUDIT_LOG_PORT: '0',
      AUDIT_LOG_HOST: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE: '50ms,100ms,200ms',
      WEBHOOK_POLL_MS: '100',
    }),
    logger('audit-log'),
  );
  const botEnv: Record<string, string> = {
    ...env,
    BOT_DATABASE: botDb!.name,
    CONNECTOR_BOT_PORT: '0',
    CONNECTOR_BOT_HOST: '127.0.0.1',
    REDIS_PREFIX: `${prefix}bot:`,
    TELEGRAM_POLL_TIMEOUT_S: '1',
    ...(options.webhooks ? { PUBLIC_BASE_URL: `http://127.0.0.1:${apiPort}` } : {}),
    TELEGRAM_LIMIT_PER_CHAT_MS: '0',
  };
  const bot =
    options.botConnector === false
      ? undefined
      : await startBotConnector(botConfig(botEnv), logger('connector-telegram-bot'));
  const accountEnv: Record<string, string> = {
    ...env,
    ACCOUNT_DATABASE: accountDb?.name ?? '',
    CONNECTOR_ACCOUNT_PORT: '0',
    CONNECTOR_ACCOUNT_HOST: '127.0.0.1',
    REDIS_PREFIX: `${prefix}account:`,
    TELEGRAM_EMULATOR_URL: emulator.url,
    TELEGRAM_ACCOUNT_SEND_INTERVAL_MS: '0',
    TELEGRAM_HEALTH_SWEEP_MS: '1500',
    // Every service shares this process: a busy machine stalls it for seconds, which must not cost the connector
    // its shard leases (and the logins on them). Tests of lease loss set their own.
    TELEGRAM_SHARD_LEASE_MS: '15000',
    ...options.accountEnv,
  };
  const startAccounts = () =>
    startAccountConnector(accountConfig(accountEnv), logger('connector-telegram-account'));
  let account: AccountConnector | undefined = options.accounts === true ? await startAccounts() : undefined;
  const whatsapp: WhatsAppConnector | undefined = whatsappEmulator
    ? await startWhatsAppConnector(
        whatsappConfig({
          ...env,
          WHATSAPP_DATABASE: whatsappDb!.name,
          CONNECTOR_WHATSAPP_PORT: '0',
          CONNECTOR_WHATSAPP_WEBHOOK_PORT: '0',
          CONNECTOR_WHATSAPP_HOST: '127.0.0.1',
          WHATSAPP_GRAPH_URL: whatsappEmulator.url,
        }),
        logger('connector-whatsapp'),
      )
    : undefined;
  const api = await startApi(
    apiConfig({
      ...env,
      API_CONNECTORS: [
        'bot',
        ...(options.accounts ? ['account'] : []),
        ...(whatsapp ? ['whatsapp'] : []),
      ].join(','),
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      REDIS_PREFIX: `${prefix}api:`,
    }),
    logger('api'),
  );
  return {
    apiUrl: api.url,
    vhost: vhost.name,
    amqpUrl: vhost.url,
    databases: [botDb!.name, auditDb!.name, ...(whatsappDb ? [whatsappDb.name] : [])],
    ...(accountDb ? { accountDatabase: accountDb.name } : {}),
    ...(whatsapp && whatsappEmulator && whatsappControl
      ? {
          whatsapp: {
            emulatorUrl: whatsappEmulator.url,
            control: whatsappControl,
            database: whatsappDb!.name,
            webhookUrl: whatsapp.webhookUrl,
          },
        }
      : {}),
    async restartAccounts() {
      await account?.close();
      account = await startAccounts();
    },
    emulatorUrl: emulator.url,
    botEnv,
    accountEnv,
    get metricsUrls() {
      return [
        `${api.url}/metrics`,
        `${audit.url}/metrics`,
        ...(bot ? [`${bot.url}/metrics`] : []),
        ...(account ? [`${account.url}/metrics`] : []),
        ...(whatsapp ? [`${whatsapp.url}/metrics`] : []),
      ];
    },
    get scrapeTargets() {
      const target = (url: string) => new URL(url).host;
      return {
        api: [target(api.url)],
        'audit-log': [target(audit.url)],
        ...(bot ? { 'connector-telegram-bot': [target(bot.url)] } : {}),
        ...(account ? { 'connector-telegram-account': [target(account.url)] } : {}),
        ...(whatsapp ? { 'connector-whatsapp': [target(whatsapp.url)] } : {}),
      };
    },
    control,
    rememberSecret: (secret) => secrets.add(secret),
    logs,
    ...(proxies ? { proxies } : {}),
    async connectBotWithGroups(token, username, groups = 1) {
      const created = await control.createBot({ username });
      const chats = await Promise.all(
        Array.from({ length: groups }, (_, i) =>
          control.createChat({
            type: 'group',
            title: `${username} ${i}`,
            members: [{ botId: created.id, role: 'member' }],
          }),
        ),
      );
      const res = await fetch(`${api.url}/api/integrations/telegram/bots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token: created.token }),
      });
      if (res.status !== 201) throw new Error(`connecting ${username} answered ${res.status}`);
      return { bot: (await res.json()) as Bot, created, chats };
    },
    async rest<T>(
      token: string,
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      const res = await fetch(`${api.url}/api/integrations${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
    },
    async token(sub, scope = 'integrations:read integrations:write') {
      const jwt = await mintToken({ sub, secret: SECRET, scope });
      secrets.add(jwt.split('.')[2] ?? jwt);
      return jwt;
    },
    async close() {
      const leaked = [...secrets].filter((secret) => logs.some((line) => line.includes(secret)));
      await api.close();
      await bot?.close();
      await account?.close();
      await whatsapp?.close();
      await audit.close();
      await emulator.stop();
      await whatsappEmulator?.stop();
      await proxies?.redis.close();
      await proxies?.amqp.close();
      // Not only the logs: Redis, every queue (retry and dead letters included), every table, exported spans.
      const stored = await collectStoredText({
        redisPrefix: prefix,
        vhost: vhost.name,
        databases: [
          botDb!.name,
          auditDb!.name,
          ...[accountDb, whatsappDb].flatMap((db) => (db ? [db.name] : [])),
        ],
        ...(options.spans ? { spans: options.spans } : {}),
      });
      const storedLeaks = Object.entries(stored)
        .map(([place, text]) => ({
          place,
          count:
            [...secrets].filter((secret) => text.includes(secret)).length +
            [...codes].filter((code) => text.includes(`"${code}"`)).length,
        }))
        .filter(({ count }) => count > 0);
      await Promise.all([
        vhost.delete(),
        botDb!.drop(),
        auditDb!.drop(),
        accountDb?.drop(),
        whatsappDb?.drop(),
      ]);
      rmSync(keyringDir, { recursive: true, force: true });
      // Every end-to-end test file gets these checks for free; the message names how many and where, never values.
      if (leaked.length) throw new Error(`${leaked.length} secret(s) appeared in the services' logs`);
      if (storedLeaks.length)
        throw new Error(
          `secrets stored in plain text: ${storedLeaks.map(({ place, count }) => `${count} in ${place}`).join(', ')}`,
        );
    },
  };
}
