import { botSend } from './bot-send';

/** `AMQP_URL=... USER_ID=... BOT_TOKEN=... CHAT_ID=... TEXT=... node dist/main.js` */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
};

botSend({
  amqpUrl: required('AMQP_URL'),
  userId: required('USER_ID'),
  botToken: required('BOT_TOKEN'),
  chatId: required('CHAT_ID'),
  text: process.env['TEXT'] ?? 'Hello from a platform service',
}).then(
  ({ botId, message, sent }) => {
    console.log(
      `bot ${botId} sent message ${message.id} (Telegram id ${sent.telegramMessageId}) at ${sent.sentAt}`,
    );
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
