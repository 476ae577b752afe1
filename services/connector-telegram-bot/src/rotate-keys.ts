import { Messaging } from '@integrations/messaging';
import { loadConfig } from './config';

/**
 * `pnpm --filter @integrations/connector-telegram-bot run rotate-keys`: asks the running connector (through the
 * broker, as the api's admin route does) to rotate the bot-token key and rewrap every row.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const messaging = await Messaging.connect({ url: config.amqpUrl, service: 'rotate-keys-cli' });
  try {
    const reply = await messaging.request(
      'telegram.bot.keys.rotate',
      {},
      { userId: process.env.USER ?? 'operator', admin: true },
      { timeoutMs: 30_000 },
    );
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.detail}`);
    console.log(JSON.stringify(reply.data));
  } finally {
    await messaging.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
