#!/usr/bin/env node
import { optionsFromEnv } from './config';
import { startEmulator } from './emulator';

/**
 * `pnpm --filter @integrations/telegram-emulator start`: the emulator on EMULATOR_PORT (8090) and
 * EMULATOR_MTPROTO_PORT (8443), loopback unless EMULATOR_HOST is set with EMULATOR_ALLOW_REMOTE=1.
 */
async function main(): Promise<void> {
  const emulator = await startEmulator(optionsFromEnv(process.env));
  const log = (message: string, extra: Record<string, unknown> = {}): void => {
    process.stdout.write(
      `${JSON.stringify({ '@timestamp': new Date().toISOString(), 'log.level': 'info', message, ...extra })}\n`,
    );
  };
  log(`Telegram emulator: Bot API and control API at ${emulator.url} (control: ${emulator.url}/_emulator)`);
  if (emulator.mtproto !== undefined)
    log(`Telegram emulator: MTProto at ${emulator.host}:${emulator.mtproto.port}`);
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ 'log.level': 'error', message: `emulator failed to start: ${(error as Error).message}` })}\n`,
  );
  process.exit(1);
});
