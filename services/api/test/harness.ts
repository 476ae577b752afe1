import { ACCOUNT_SHARDS, type Envelope } from '@integrations/contracts';
import { Messaging, shardQueueOf } from '@integrations/messaging';
import { createLogger } from '@integrations/observability';
import { createTestVhost, infra, mintToken, uniqueName, type TestVhost } from '@integrations/testing';
import { PassThrough } from 'node:stream';
import { startApi, type ApiService } from '../src/app';
import { loadConfig, type ApiConfig } from '../src/config';

export const SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface Harness {
  api: ApiService;
  config: ApiConfig;
  /** A second api instance on the same broker, Redis prefix and secret (as another replica would be). */
  anotherReplica(): Promise<ApiService>;
  vhost: TestVhost;
  /** A stand-in connector: answers commands with what the test's handler returns. */
  responder: Messaging;
  received: Envelope[];
  token(sub: string, scope?: string, expiresIn?: string | number): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(
  handler: (envelope: Envelope) => Promise<unknown>,
  bindings = ['telegram.bot.#', 'telegram.channel.#', 'audit.logs.query', 'audit.stats.query'],
  env: Record<string, string> = {},
): Promise<Harness> {
  const vhost = await createTestVhost('api');
  const config = loadConfig({
    AMQP_URL: vhost.url,
    REDIS_URL: infra.redisUrl,
    REDIS_PREFIX: `${uniqueName('api')}:`,
    AUTH_JWT_SECRET: SECRET,
    API_PORT: '0',
    API_HOST: '127.0.0.1',
    API_COMMAND_TIMEOUT_MS: '1500',
    CORS_ORIGINS: 'https://app.example.com',
    ...env,
  });
  const api = await startApi(config, createLogger({ service: 'api', stream: new PassThrough() }));
  const extra: ApiService[] = [];
  const responder = await Messaging.connect({ url: vhost.url, service: 'test-connector' });
  const received: Envelope[] = [];
  const respond = async (envelope: Envelope) => {
    received.push(envelope);
    return handler(envelope);
  };
  await responder.consumeCommands({ queue: 'test-connector', bindings, handler: respond });
  // The api sends account requests straight to the account connector's shard queues: the responder serves them.
  if (bindings.some((binding) => binding.startsWith('telegram.account.'))) {
    const queues = Array.from({ length: config.accountShards }, (_, n) =>
      shardQueueOf(ACCOUNT_SHARDS.service, n),
    );
    await responder.declareKeyedQueues(ACCOUNT_SHARDS.exchange, queues, 'test-connector');
    for (const queue of queues)
      await responder.consumeUntilStopped({ queue, deadKey: 'test-connector', handler: respond });
  }
  return {
    api,
    config,
    async anotherReplica() {
      const replica = await startApi(config, createLogger({ service: 'api', stream: new PassThrough() }));
      extra.push(replica);
      return replica;
    },
    vhost,
    responder,
    received,
    token: (sub, scope = 'integrations:read integrations:write', expiresIn = '1h') =>
      mintToken({ sub, secret: SECRET, scope, expiresIn }),
    async close() {
      await responder.close();
      for (const replica of extra) await replica.close();
      await api.close();
      await vhost.delete();
    },
  };
}

export const bot = (id: string) => ({
  id,
  telegramBotId: '777',
  username: 'demo_bot',
  firstName: 'Demo',
  status: 'active' as const,
  isActive: true,
  label: null,
  updatesMode: 'polling' as const,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
});

/** A request to the api as a token's user (JSON body when there is one). */
export const callApi = (h: Pick<Harness, 'api'>, path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${h.api.url}${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
