import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot } from 'grammy';
import { EmulatorClient, startEmulator } from '.';
import { loadMtprotoStarter } from './emulator';

describe('startEmulator', () => {
  it('ends a running long poll when it stops, and frees its port', async () => {
    const emu = await startEmulator({ mtprotoPort: false });
    const { token } = await new EmulatorClient(emu.url).createBot();
    const bot = new Bot(token, { client: { apiRoot: emu.url } });
    const poll = bot.api.getUpdates({ timeout: 30 }).then(
      (updates) => ({ updates }),
      (error: unknown) => ({ error }),
    );
    await new Promise((r) => setTimeout(r, 50));
    await emu.stop();
    const outcome = await poll;
    expect('updates' in outcome ? outcome.updates : []).toEqual([]);
    // The port is free again.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(emu.port, '127.0.0.1', resolve));
    expect((probe.address() as AddressInfo).port).toBe(emu.port);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('gives up on a webhook update after the last attempt and delivers the next one', async () => {
    const emu = await startEmulator({
      mtprotoPort: false,
      webhook: { webhookRetryMs: 5, webhookMaxAttempts: 2 },
    });
    const received: string[] = [];
    let attempts = 0;
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        attempts += 1;
        const poison = body.includes('poison');
        if (!poison) received.push((JSON.parse(body) as { message: { text: string } }).message.text);
        res.writeHead(poison ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const control = new EmulatorClient(emu.url);
      const created = await control.createBot();
      const user = await control.createUser({ phone: '+15550500001' });
      const bot = new Bot(created.token, { client: { apiRoot: emu.url } });
      await bot.api.setWebhook(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
      await control.postMessage(created.id, { fromUserId: user.id, text: 'poison' });
      await control.postMessage(created.id, { fromUserId: user.id, text: 'fine' });
      const deadline = Date.now() + 5000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(received).toEqual(['fine']);
      expect(attempts).toBe(3);
      expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
    } finally {
      await emu.stop();
      await new Promise<void>((resolve) => {
        receiver.close(() => resolve());
        receiver.closeAllConnections();
      });
    }
  });

  it('loads src/mtproto/server.ts when it exists (TypeScript under Jest), and nothing otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-hook-'));
    try {
      expect(loadMtprotoStarter(dir)).toBeUndefined();
      mkdirSync(join(dir, 'mtproto'));
      writeFileSync(
        join(dir, 'mtproto', 'server.ts'),
        'export function startMtprotoServer(args: { port: number }): { port: number; stop(): void } {\n' +
          '  return { port: args.port + 1, stop: () => undefined };\n}\n',
      );
      const starter = loadMtprotoStarter(dir);
      expect(typeof starter).toBe('function');
      expect((starter as unknown as (a: { port: number }) => { port: number })({ port: 41 }).port).toBe(42);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
