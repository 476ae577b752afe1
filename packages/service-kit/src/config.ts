/**
 * Reading a service's settings from the environment, validated: a value that is not what the variable needs stops
 * the service at start with an error naming the variable (never a silent `NaN`, a negative port or a typo taken
 * for a default). Unset or empty variables take their default.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface Range {
  min?: number;
  max?: number;
}

export interface UrlOptions {
  /** Accepted schemes without the colon (`amqp`, `https`); any when unset. */
  protocols?: readonly string[];
  /** Drop one trailing `/` (base URLs that paths are appended to). */
  trimSlash?: boolean;
}

export class EnvReader {
  constructor(readonly env: NodeJS.ProcessEnv) {}

  /** The variable's value, `undefined` when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, range: Range = {}): number {
    return this.numeric(name, fallback, range, true);
  }

  number(name: string, fallback: number, range: Range = {}): number {
    return this.numeric(name, fallback, range, false);
  }

  /** `true` or `false` (nothing else: `1`, `yes` or a typo stop the service). */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new ConfigError(`${name} must be true or false, not ${JSON.stringify(value)}`);
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new ConfigError(`${name} must be one of ${values.join(', ')}, not ${JSON.stringify(value)}`);
  }

  url(name: string, fallback: string, options?: UrlOptions): string;
  url(name: string, fallback: undefined, options?: UrlOptions): string | undefined;
  url(name: string, fallback: string | undefined, options: UrlOptions = {}): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      // The value is not echoed: a URL may carry a password.
      throw new ConfigError(`${name} must be a URL`);
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (options.protocols && !options.protocols.includes(scheme)) {
      throw new ConfigError(`${name} must be a ${options.protocols.join(' or ')} URL, not ${scheme}`);
    }
    return options.trimSlash ? value.replace(/\/$/, '') : value;
  }

  /** A comma-separated list, items trimmed, empty items dropped. */
  list(name: string): string[] {
    return (this.raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  private numeric(name: string, fallback: number, range: Range, whole: boolean): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value.trim());
    const kind = whole ? 'a whole number' : 'a number';
    if (value.trim() === '' || !Number.isFinite(n) || (whole && !Number.isInteger(n))) {
      throw new ConfigError(`${name} must be ${kind}, not ${JSON.stringify(value)}`);
    }
    const { min, max } = range;
    if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
      const bounds =
        min !== undefined && max !== undefined
          ? `from ${min} to ${max}`
          : min !== undefined
            ? `at least ${min}`
            : `at most ${max}`;
      throw new ConfigError(`${name} must be ${kind} ${bounds}, not ${value}`);
    }
    return n;
  }
}

/** The range of a TCP port to listen on (0: any free port). */
export const PORT: Range = { min: 0, max: 65_535 };

/** The infrastructure every back-end service reaches, with the local defaults of docs/API.md. */
export interface Infrastructure {
  amqpUrl: string;
  mysqlUrl: string;
  redisUrl: string;
}

export function infrastructure(env: EnvReader): Infrastructure {
  return {
    amqpUrl: env.url('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672', { protocols: ['amqp', 'amqps'] }),
    mysqlUrl: env.url('MYSQL_URL', 'mysql://root@127.0.0.1:3306', { protocols: ['mysql', 'mariadb'] }),
    redisUrl: env.url('REDIS_URL', 'redis://127.0.0.1:6379', { protocols: ['redis', 'rediss'] }),
  };
}

export type PlatformMode = 'sandbox' | 'live';

/**
 * `TELEGRAM_MODE` (`sandbox`, the default, or `live`), with the sandbox guard: the emulator is refused in
 * production, so a production deployment never talks to a fake Telegram by omission.
 */
export function telegramMode(env: EnvReader): PlatformMode {
  const mode = env.oneOf<PlatformMode>('TELEGRAM_MODE', ['sandbox', 'live'], 'sandbox');
  if (env.raw('NODE_ENV') === 'production' && mode === 'sandbox') {
    throw new ConfigError(
      'TELEGRAM_MODE=sandbox is refused with NODE_ENV=production; set TELEGRAM_MODE=live.',
    );
  }
  return mode;
}

/**
 * A number of days from the environment: a whole number at least `min` (the fallback when unset); anything else
 * stops the service at start with the variable's name, rather than running with a retention nobody meant.
 */
export function retentionDays(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < min)
    throw new ConfigError(`${name} must be a whole number of days, at least ${min}`);
  return days;
}

/** The retention settings every service with a database has: how old rows get, and how often they are deleted. */
export function retention(
  env: EnvReader,
  name: string,
  fallbackDays: number,
  minDays = 1,
): { days: number; intervalMs: number } {
  return {
    days: retentionDays(env.env, name, fallbackDays, minDays),
    intervalMs: env.integer('RETENTION_INTERVAL_MS', 3_600_000, { min: 1 }),
  };
}
