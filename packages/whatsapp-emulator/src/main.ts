#!/usr/bin/env node
import { optionsFromEnv } from './config';
import { startWhatsAppEmulator } from './emulator';

/** `pnpm --filter @integrations/whatsapp-emulator start`: the emulator on WHATSAPP_EMULATOR_PORT (8091), loopback. */
async function main(): Promise<void> {
  const emulator = await startWhatsAppEmulator(optionsFromEnv(process.env));
  process.stdout.write(
    `${JSON.stringify({
      '@timestamp': new Date().toISOString(),
      'log.level': 'info',
      message: `WhatsApp emulator: Graph API at ${emulator.url} (control: ${emulator.url}/_emulator)`,
    })}\n`,
  );
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ 'log.level': 'error', message: `WhatsApp emulator failed to start: ${(error as Error).message}` })}\n`,
  );
  process.exit(1);
});
