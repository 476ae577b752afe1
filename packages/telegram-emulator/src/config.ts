import { resolve } from 'node:path';
import type { EmulatorOptions } from './emulator';
import type { Limits } from './world';

/** Hosts that are loopback: the emulator has no auth, so it refuses others unless told to. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

const numberFrom = (value: string | undefined, name: string): number | undefined => {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
};

/**
 * Flood limits from the environment: `EMULATOR_LIMITS=off` disables them; `EMULATOR_LIMIT_PER_BOT`,
 * `EMULATOR_LIMIT_PER_PRIVATE_CHAT` (per second), `EMULATOR_LIMIT_PER_GROUP` (per minute) and
 * `EMULATOR_RETRY_AFTER` (seconds) change them.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Limits> {
  const out: Partial<Limits> = {};
  const switchValue = env.EMULATOR_LIMITS?.toLowerCase();
  if (switchValue === 'off' || switchValue === '0' || switchValue === 'false') out.enabled = false;
  const perBot = numberFrom(env.EMULATOR_LIMIT_PER_BOT, 'EMULATOR_LIMIT_PER_BOT');
  if (perBot !== undefined) out.perBot = { count: perBot, windowMs: 1000 };
  const perPrivate = numberFrom(env.EMULATOR_LIMIT_PER_PRIVATE_CHAT, 'EMULATOR_LIMIT_PER_PRIVATE_CHAT');
  if (perPrivate !== undefined) out.perPrivateChat = { count: perPrivate, windowMs: 1000 };
  const perGroup = numberFrom(env.EMULATOR_LIMIT_PER_GROUP, 'EMULATOR_LIMIT_PER_GROUP');
  if (perGroup !== undefined) out.perGroup = { count: perGroup, windowMs: 60_000 };
  const retry = numberFrom(env.EMULATOR_RETRY_AFTER, 'EMULATOR_RETRY_AFTER');
  if (retry !== undefined) out.retryAfterSeconds = retry;
  return out;
}

function portFrom(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0..65535)`);
  return n;
}

/** Where the CLI keeps its world unless `EMULATOR_STATE_FILE` says otherwise (`off`: nowhere). */
export const DEFAULT_STATE_FILE = '.run/emulator-state.json';

/**
 * The CLI's options from its environment: `EMULATOR_PORT` (8090), `EMULATOR_MTPROTO_PORT` (8443),
 * `EMULATOR_HOST` (127.0.0.1), `EMULATOR_ALLOW_REMOTE=1`, `EMULATOR_STATE_FILE` (`.run/emulator-state.json` in
 * the working directory; `off` keeps the world in memory only), and the limits of `limitsFromEnv`.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): EmulatorOptions {
  const stateFile = env.EMULATOR_STATE_FILE || DEFAULT_STATE_FILE;
  return {
    ...(stateFile === 'off' ? {} : { stateFile: resolve(stateFile) }),
    host: env.EMULATOR_HOST || '127.0.0.1',
    port: portFrom(env.EMULATOR_PORT, 'EMULATOR_PORT', 8090),
    mtprotoPort: portFrom(env.EMULATOR_MTPROTO_PORT, 'EMULATOR_MTPROTO_PORT', 8443),
    allowRemote: env.EMULATOR_ALLOW_REMOTE === '1',
    limits: limitsFromEnv(env),
  };
}
