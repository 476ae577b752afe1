import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TelegramClient } from 'telegram';
import { StringSession } from 'telegram/sessions';
import { EmulatorClient } from './control';
import { startEmulator, type Emulator } from './emulator';
import { createEmulatorClient, signInWithCode } from './mtproto/client';
import { rpcError } from './mtproto/testing';

/** `EMULATOR_STATE_FILE`: a restarted emulator is the same Telegram, with the same users, bots, chats and keys. */
describe('the emulator state file', () => {
  let dir: string;
  let file: string;
  let emulator: Emulator | undefined;
  const clients: TelegramClient[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'emulator-state-'));
    file = path.join(dir, 'nested', 'state.json');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.destroy()));
    await emulator?.stop();
    emulator = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (port = 0, mtprotoPort = 0) => {
    emulator = await startEmulator({ port, mtprotoPort, stateFile: file, warn: () => undefined });
    return { emulator, control: new EmulatorClient(emulator.url) };
  };
  const gramjs = async (control: EmulatorClient, session = '') => {
    const client = createEmulatorClient(await control.mtproto(), {
      session,
      connectionRetries: 1,
      autoReconnect: false,
    });
    clients.push(client);
    return client;
  };
  const botApi = async (url: string, token: string, method: string, body: unknown = {}) =>
    (await fetch(`${url}/bot${token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((res) => res.json())) as { ok: boolean; result?: { id?: number; message_id?: number } };

  it('keeps users, bots, chats, messages and signed-in sessions across a restart', async () => {
    const first = await start();
    const alice = await first.control.createUser({ phone: '+15550100001', username: 'alice_state' });
    const bot = await first.control.createBot({ username: 'state_bot' });
    const group = await first.control.createChat({
      type: 'group',
      title: 'kept',
      members: [
        { userId: alice.id, role: 'creator' },
        { botId: bot.id, role: 'member' },
      ],
    });
    expect(
      (await botApi(first.emulator.url, bot.token, 'sendMessage', { chat_id: group.id, text: 'one' })).ok,
    ).toBe(true);
    await first.control.postMessage(group.id, { fromUserId: alice.id, text: 'to the bot' });
    const polled = (await botApi(first.emulator.url, bot.token, 'getUpdates', { timeout: 0 })) as unknown as {
      result: { update_id: number }[];
    };
    const offset = polled.result[0]!.update_id + 1;
    const client = await gramjs(first.control);
    await signInWithCode(client, { phone: alice.phone, readCode: (phone) => first.control.loginCode(phone) });
    const session = (client.session as StringSession).save();
    await client.destroy();
    const { port } = first.emulator;
    const mtprotoPort = first.emulator.mtproto!.port;
    await first.emulator.stop();
    emulator = undefined;
    expect(existsSync(file)).toBe(true);
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['state.json']);

    const second = await start(port, mtprotoPort);
    // The same bot token works, the chat and its message are there, ids go on where they were.
    expect((await botApi(second.emulator.url, bot.token, 'getMe')).result?.id).toBe(bot.id);
    expect((await second.control.messages(group.id)).map((m) => m.text)).toEqual(['one', 'to the bot']);
    // A polling bot's offset stays valid: update ids go on, nothing new is skipped.
    await second.control.postMessage(group.id, { fromUserId: alice.id, text: 'after the restart' });
    const next = (await botApi(second.emulator.url, bot.token, 'getUpdates', {
      offset,
      timeout: 0,
    })) as unknown as {
      result: { update_id: number; message: { text: string } }[];
    };
    expect(next.result.map((u) => [u.update_id, u.message.text])).toEqual([[offset, 'after the restart']]);
    const sent = await botApi(second.emulator.url, bot.token, 'sendMessage', {
      chat_id: group.id,
      text: 'two',
    });
    expect(sent.result?.message_id).toBe(4);
    expect((await second.control.createUser({ phone: '+15550100002' })).id).toBeGreaterThan(alice.id);
    // The account's saved session resumes without a new login: its auth key and sign-in were kept.
    const resumed = await gramjs(second.control, session);
    await resumed.connect();
    const me = await resumed.getMe();
    expect(me.id.toString()).toBe(String(alice.id));
    expect(me.username).toBe('alice_state');
  });

  it('empties the file on POST /_emulator/reset: keys are signed out, the world is gone', async () => {
    const first = await start();
    const alice = await first.control.createUser({ phone: '+15550100003' });
    const client = await gramjs(first.control);
    await signInWithCode(client, { phone: alice.phone, readCode: (phone) => first.control.loginCode(phone) });
    const session = (client.session as StringSession).save();
    await client.destroy();
    await first.control.reset();
    const { port } = first.emulator;
    const mtprotoPort = first.emulator.mtproto!.port;
    await first.emulator.stop();
    emulator = undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { world: { users: unknown[] } };
    expect(saved.world.users).toEqual([]);

    const second = await start(port, mtprotoPort);
    expect(await second.control.loginCode(alice.phone)).toBeUndefined();
    const resumed = await gramjs(second.control, session);
    await resumed.connect();
    expect((await rpcError(resumed.getMe())).errorMessage).toBe('AUTH_KEY_UNREGISTERED');
  });

  it('moves an unreadable file aside and starts empty, saying so', async () => {
    const warnings: string[] = [];
    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, '{not json');
    emulator = await startEmulator({
      port: 0,
      mtprotoPort: false,
      stateFile: broken,
      warn: (m) => warnings.push(m),
    });
    expect(warnings).toEqual([
      expect.stringMatching(/could not be read .* moved to .*broken\.json\.unreadable-/),
    ]);
    expect(readdirSync(dir).some((name) => name.startsWith('broken.json.unreadable-'))).toBe(true);
    expect(await new EmulatorClient(emulator.url).createUser({ phone: '+15550100004' })).toMatchObject({
      phone: '+15550100004',
    });
  });
});
