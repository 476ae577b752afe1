import type { WhatsAppEmulatorOptions } from './emulator';

function portFrom(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0..65535)`);
  return n;
}

/**
 * The CLI's options: `WHATSAPP_EMULATOR_PORT` (8091), `WHATSAPP_EMULATOR_HOST` (127.0.0.1),
 * `WHATSAPP_EMULATOR_ALLOW_REMOTE=1`, `WHATSAPP_EMULATOR_LIMITS=off`.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): WhatsAppEmulatorOptions {
  const limits = env.WHATSAPP_EMULATOR_LIMITS?.toLowerCase();
  return {
    host: env.WHATSAPP_EMULATOR_HOST || '127.0.0.1',
    port: portFrom(env.WHATSAPP_EMULATOR_PORT, 'WHATSAPP_EMULATOR_PORT', 8091),
    allowRemote: env.WHATSAPP_EMULATOR_ALLOW_REMOTE === '1',
    ...(limits === 'off' || limits === '0' || limits === 'false' ? { limits: { enabled: false } } : {}),
  };
}

/**
 * Where the CLI keeps its numbers across restarts (`WHATSAPP_EMULATOR_STATE_FILE`; `npm start` sets
 * `.run/whatsapp-emulator-state.json`); unset or `off`: nowhere, every start is empty.
 */
export function stateFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.WHATSAPP_EMULATOR_STATE_FILE;
  return file === undefined || file === '' || file === 'off' ? undefined : file;
}
