export interface AuditLogConfig {
  port: number;
  host: string;
  amqpUrl: string;
  mysqlUrl: string;
  database: string;
}

/** Every setting of the service, read from the environment in one place (names as in the README). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  return {
    port: Number(env.AUDIT_LOG_PORT ?? 9103),
    host: env.AUDIT_LOG_HOST ?? '0.0.0.0',
    amqpUrl: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    mysqlUrl: env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306',
    database: env.AUDIT_DATABASE ?? 'integrations_audit',
  };
}
