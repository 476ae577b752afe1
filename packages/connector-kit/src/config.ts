import { EnvReader, PORT, infrastructure, retention } from '@integrations/service-kit';
import type { ConnectorBaseConfig } from './connector-base';

/** What every connector's configuration holds: where it listens, its infrastructure, its database and retention. */
export interface ConnectorSettings extends ConnectorBaseConfig {
  port: number;
  host: string;
  /** Key prefix in Redis (tests isolate themselves with it). */
  redisPrefix: string;
}

/**
 * A connector's shared settings, validated (a bad value stops the start, naming the variable). Its own variables
 * are named after it: for `bot`, `CONNECTOR_BOT_PORT` (default `port`), `CONNECTOR_BOT_HOST`, `BOT_DATABASE`
 * (default `integrations_bot`) and the Redis prefix `integrations:bot:`.
 */
export function connectorSettings(read: EnvReader, name: string, port: number): ConnectorSettings {
  const upper = name.toUpperCase();
  const { days, intervalMs } = retention(read, 'MESSAGE_RETENTION_DAYS', 30);
  return {
    port: read.integer(`CONNECTOR_${upper}_PORT`, port, PORT),
    host: read.string(`CONNECTOR_${upper}_HOST`, '0.0.0.0'),
    ...infrastructure(read),
    redisPrefix: read.string('REDIS_PREFIX', `integrations:${name}:`),
    database: read.string(`${upper}_DATABASE`, `integrations_${name}`),
    messageRetentionDays: days,
    retentionIntervalMs: intervalMs,
    secretsEnv: read.env,
  };
}
