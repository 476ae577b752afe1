#!/usr/bin/env node
import { optionsFromEnv, stateFileFromEnv } from './config';
import { startWhatsAppEmulator } from './emulator';
import { readState, restoreInto, snapshotOf, writeState } from './state-file';

/** How often the world is saved; a SIGKILL loses at most this much of a sandbox's changes. */
const SAVE_EVERY_MS = 1_000;

/** `pnpm --filter @integrations/whatsapp-emulator start`: the emulator on WHATSAPP_EMULATOR_PORT (8091), loopback. */
async function main(): Promise<void> {
  const emulator = await startWhatsAppEmulator(optionsFromEnv(process.env));
  const stateFile = stateFileFromEnv(process.env);
  const save = (): void => {
    if (stateFile === undefined) return;
    try {
      writeState(stateFile, snapshotOf(emulator.world));
    } catch (error) {
      log('warn', `could not save the state to ${stateFile}: ${(error as Error).message}`);
    }
  };
  if (stateFile !== undefined) {
    const state = readState(stateFile, (message) => log('warn', message));
    if (state) restoreInto(emulator.world, state);
    setInterval(save, SAVE_EVERY_MS).unref();
  }
  log('info', `WhatsApp emulator: Graph API at ${emulator.url} (control: ${emulator.url}/_emulator)`);
  const shutdown = (): void => {
    save();
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function log(level: 'info' | 'warn', message: string): void {
  process.stdout.write(
    `${JSON.stringify({ '@timestamp': new Date().toISOString(), 'log.level': level, message })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ 'log.level': 'error', message: `WhatsApp emulator failed to start: ${(error as Error).message}` })}\n`,
  );
  process.exit(1);
});
