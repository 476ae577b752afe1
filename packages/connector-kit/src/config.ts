import { EnvReader, PORT, infrastructure, retention } from '@integrations/service-kit';
import type { ConnectorBaseConfig } from './connector-base';

/** What every connector's configuration holds: where it listens, its infrastructure, its database and retention. */
export interface ConnectorSettings extends ConnectorBaseConfig {
  port: number;
  host: string;
  /** Key prefix in Redis (tests isolate themselves with it). */
  redisPrefix: string;
}

/** The names and defaults of one connector's own variables (the shared ones are the same for all). */
export interface ConnectorVariables {
  /** `CONNECTOR_BOT` reads `CONNECTOR_BOT_PORT` and `CONNECTOR_BOT_HOST`. */
  prefix: string;
  port: number;
  redisPrefix: string;
  /** The variable naming the database, and its default. */
  database: [name: string, fallback: string];
}

/** A connector's shared settings, validated (a bad value stops the start, naming the variable). */
export function connectorSettings(read: EnvReader, vars: ConnectorVariables): ConnectorSettings {
  const { days, intervalMs } = retention(read, 'MESSAGE_RETENTION_DAYS', 30);
  return {
    port: read.integer(`${vars.prefix}_PORT`, vars.port, PORT),
    host: read.string(`${vars.prefix}_HOST`, '0.0.0.0'),
    ...infrastructure(read),
    redisPrefix: read.string('REDIS_PREFIX', vars.redisPrefix),
    database: read.string(...vars.database),
    messageRetentionDays: days,
    retentionIntervalMs: intervalMs,
    secretsEnv: read.env,
  };
}
