import { EnvReader } from '@integrations/service-kit';
import { connectorSettings } from './config';

describe('connectorSettings', () => {
  it("names a connector's own variables after it, with the local defaults", () => {
    expect(connectorSettings(new EnvReader({}), 'bot', 9102)).toEqual({
      port: 9102,
      host: '0.0.0.0',
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      mysqlUrl: 'mysql://root@127.0.0.1:3306',
      redisUrl: 'redis://127.0.0.1:6379',
      redisPrefix: 'integrations:bot:',
      database: 'integrations_bot',
      messageRetentionDays: 30,
      retentionIntervalMs: 3_600_000,
      secretsEnv: {},
    });
    const env = { CONNECTOR_ACCOUNT_PORT: '0', CONNECTOR_ACCOUNT_HOST: '127.0.0.1', ACCOUNT_DATABASE: 'acc' };
    expect(connectorSettings(new EnvReader(env), 'account', 9101)).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      database: 'acc',
      redisPrefix: 'integrations:account:',
    });
  });

  it('stops on a bad value, naming the variable', () => {
    const settings = (env: NodeJS.ProcessEnv) => () => connectorSettings(new EnvReader(env), 'bot', 9102);
    expect(settings({ CONNECTOR_BOT_PORT: 'ninety' })).toThrow(/CONNECTOR_BOT_PORT must be a whole number/);
    expect(settings({ CONNECTOR_BOT_PORT: '65536' })).toThrow(/CONNECTOR_BOT_PORT .* from 0 to 65535/);
    expect(settings({ MYSQL_URL: 'root@db' })).toThrow(/MYSQL_URL must be a URL/);
    expect(settings({ MESSAGE_RETENTION_DAYS: '0' })).toThrow(/MESSAGE_RETENTION_DAYS/);
  });
});
