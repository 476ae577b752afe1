import type { Message } from '@integrations/contracts';
import { infra, until } from '@integrations/testing';
import { createConnection } from 'mysql2/promise';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { startStack, type Stack } from './stack';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Under the api's limit for sends per user and minute (120), which this test is not about. */
const TOTAL = 96;
const MAIN = path.resolve(__dirname, '../../../services/connector-telegram-bot/dist/main.js');

/**
 * The bot connector as a real process, SIGKILLed in the middle of a burst and started again. Every accepted
 * message ends `sent` exactly once, or, if the kill landed while Telegram was answering, `failed` with
 * UPSTREAM_TIMEOUT (whether it arrived cannot be known); none is ever posted twice.
 */
describe('the bot connector killed mid-burst', () => {
  let stack: Stack;
  let child: ChildProcess | undefined;
  let token: string;

  const startConnector = async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...stack.botEnv,
        CONNECTOR_BOT_PORT: String(port),
        TELEGRAM_REPLICA_TTL_MS: '1000',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    await until(async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok;
      } catch {
        return false;
      }
    });
    return proc;
  };

  beforeAll(async () => {
    stack = await startStack('kill', { botConnector: false });
    token = await stack.token('survivor');
    child = await startConnector();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack?.close();
  });

  it('settles every accepted send: sent exactly once, or failed as uncertain, never twice', async () => {
    const { bot, created, chats } = await stack.connectBotWithGroups(token, 'survivor_bot', 8);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    // Slow answers keep several calls to Telegram in flight, so the kill lands inside some of them, and keep
    // the burst going (one call per chat at a time: 12 × 400 ms each) well past its acceptance, which needs the
    // connector up (it stores each message before the 202) and which a loaded machine makes slow.
    await stack.control.addFault({ target: `bot:${created.id}`, kind: 'latency', ms: 400 });

    const send = async (i: number) => {
      const chat = chats[i % chats.length]!;
      const res = await fetch(`${stack.apiUrl}/api/integrations/telegram/bots/${bot.id}/send`, {
        method: 'POST',
        headers: { ...headers, prefer: 'respond-async', 'idempotency-key': `kill-${i}` },
        body: JSON.stringify({ chatId: chat.id, text: `survivor ${i}` }),
      });
      return res.status === 202 ? ((await res.json()) as Message) : undefined;
    };
    const accepted: Message[] = [];
    for (let i = 0; i < TOTAL; i += 8) {
      const batch = await Promise.all(Array.from({ length: 8 }, (_, j) => send(i + j)));
      accepted.push(...batch.filter((m): m is Message => m !== undefined));
    }
    expect(accepted).toHaveLength(TOTAL);
    const delivered = async () =>
      (await Promise.all(chats.map((c) => stack.control.messages(c.id)))).flat().map((m) => m.text);
    await until(async () => (await delivered()).length >= 24);
    child?.kill('SIGKILL');
    await new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    const atKill = (await delivered()).length;
    expect(atKill).toBeLessThan(TOTAL); // the kill really was mid-burst

    child = await startConnector();
    const statusOf = async (m: Message) =>
      (await (
        await fetch(`${stack.apiUrl}/api/integrations/messages/${m.id}`, { headers })
      ).json()) as Message;
    // Polled in the database (the api's per-user rate limit is not under test), then read once through the api.
    const conn = await createConnection(infra.mysqlUrl);
    try {
      await until(async () => {
        const [rows] = await conn.query(
          `SELECT count(*) AS n FROM \`${stack.databases[0]}\`.telegram_messages WHERE status IN ('queued', 'sending')`,
        );
        return Number((rows as { n: number }[])[0]?.n) === 0;
      });
    } finally {
      await conn.end();
    }
    const final = await Promise.all(accepted.map(statusOf));

    const texts = await delivered();
    const counts = new Map<string, number>();
    for (const text of texts) counts.set(text, (counts.get(text) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(final.filter((m) => m.status !== 'sent' && m.status !== 'failed')).toEqual([]);
    const sent = final.filter((m) => m.status === 'sent');
    const uncertain = final.filter((m) => m.status === 'failed');
    for (const m of uncertain) expect(m.error?.code).toBe('UPSTREAM_TIMEOUT');
    // A sent message reached Telegram exactly once; only the few cut off inside a call are uncertain.
    const index = new Map(accepted.map((m, i) => [m.id, i]));
    for (const m of sent) expect(counts.get(`survivor ${index.get(m.id)}`)).toBe(1);
    expect(uncertain.length).toBeLessThanOrEqual(chats.length); // one call in flight per chat, at most
    expect(sent.length + uncertain.length).toBe(TOTAL);
  });
});
