import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { ACCOUNT_SHARDS, buildAsyncApi } from '@integrations/contracts';
import { Messaging } from '@integrations/messaging';
import { createCipherFromEnv, fieldSealer } from '@integrations/secrets';
import { createLogger, createMetricsRegistry, type Logger } from '@integrations/observability';
import express from 'express';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { createTokenVerifier } from './auth/token-verifier';
import type { ApiConfig } from './config';
import { EventStream } from './events/event-stream';
import { bodyErrors, ipRateLimit, requestId, requestMetrics } from './http/middleware';
import { RateLimits } from './http/rate-limits';
import { asyncApiRoutes } from './http/asyncapi-page';
import { buildOpenApi } from './openapi';

export const SERVICE = 'api';
export const BODY_LIMIT = '64kb';

export interface ApiService {
  url: string;
  /** The live connections, for health tests and graceful shutdown. */
  dependencies: { redis: Redis; messaging: Messaging };
  close(): Promise<void>;
}

export async function startApi(
  config: ApiConfig,
  logger: Logger = createLogger({ service: SERVICE }),
): Promise<ApiService> {
  const registry = createMetricsRegistry({ service: SERVICE });
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
  });
  redis.on('error', (error) => logger.warn('redis error', { error }));
  await redis.connect();
  // With a key, the secret fields of the commands it publishes leave sealed for the connectors (ADR 0013).
  const sealer = config.secretsEnv ? fieldSealer(createCipherFromEnv(config.secretsEnv)) : undefined;
  if (!sealer) logger.warn('no secrets backend configured: commands carry their secret fields unsealed');
  const messaging = await Messaging.connect({
    url: config.amqpUrl,
    service: SERVICE,
    logger,
    registry,
    ...(sealer ? { sealer } : {}),
  });
  // Account requests are published straight to the shard queues' exchange (CommandGateway): it must exist first.
  if (config.connectors.has('account')) await messaging.declareKeyedExchange(ACCOUNT_SHARDS.exchange);
  const verifier = createTokenVerifier(config.auth);
  const rateLimits = new RateLimits(redis, config.redisPrefix, config.rateLimits, registry);

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.with({ config, messaging, redis, registry, logger, verifier, rateLimits }),
    {
      bodyParser: false,
      logger: false,
    },
  );
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the configured proxies (TRUSTED_PROXIES); from anyone else the peer
  // address is the client, so a caller cannot pick its own rate-limit bucket.
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.use(requestId);
  app.use(requestMetrics(registry));
  app.use(ipRateLimit(rateLimits));
  app.use(helmet({ contentSecurityPolicy: false }));
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    exposedHeaders: [
      'Location',
      'Retry-After',
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Idempotent-Replayed',
    ],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Prefer', 'X-Request-Id'],
  });
  app.use(
    express.json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }),
  );
  app.use(bodyErrors);
  // Before the Swagger UI, which serves everything under /api/docs. The broker's host only: never credentials.
  app.use(asyncApiRoutes(buildAsyncApi({ brokerHost: new URL(config.amqpUrl).host })));
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs-json' });
  app.enableShutdownHooks();

  await app.listen(config.port, config.host);
  const server = app.getHttpServer() as Server;
  // Longer than the idle time of the clients and proxies in front of it (Node's default is 5 s): otherwise a
  // client may send on a kept-alive socket just as the server closes it, and read ECONNRESET.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const { port } = server.address() as AddressInfo;
  logger.info('api ready', { port });

  return {
    url: `http://127.0.0.1:${port}`,
    dependencies: { redis, messaging },
    async close() {
      app.get(EventStream).closeAll();
      await app.close();
      await messaging.close();
      redis.disconnect();
    },
  };
}
