import type { Account, Bot, Flow, Message } from '@integrations/contracts';
import { EmulatorClient } from '@integrations/telegram-emulator';
import { WhatsAppEmulatorClient } from '@integrations/whatsapp-emulator';
import {
  createTestDatabase,
  createTestVhost,
  freePort,
  infra,
  mintToken,
  uniqueName,
  until,
  waitFor,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

// Two full starts of every service, one after another: minutes on a busy machine.
jest.setTimeout(600_000);

/**
 * `npm start`, stopped and started again, as a new user does it: an account and a bot connected before the stop
 * send again after it, without connecting anything anew. Runs `scripts/start.mjs` itself (what was built by the
 * test run's build step; SKIP_INSTALL and SKIP_BUILD), on free ports, with its own databases, vhost, Redis
 * prefix and RUN_DIR (keyring, dev token, the emulator's state file).
 */
describe('npm start, stopped and started again', () => {
  const secret = randomBytes(32).toString('base64url');
  const dir = mkdtempSync(path.join(tmpdir(), 'restart-'));
  let databases: TestDatabase[] = [];
  let vhost: TestVhost | undefined;
  let env: Record<string, string> = {};
  let proc: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    databases = await Promise.all(
      ['rs_bot', 'rs_acct', 'rs_audit', 'rs_wa'].map((n) => createTestDatabase(n)),
    );
    vhost = await createTestVhost('restart');
    const names = ['API_PORT', 'WEB_PORT', 'EMULATOR_PORT', 'EMULATOR_MTPROTO_PORT'].concat([
      'CONNECTOR_ACCOUNT_PORT',
      'CONNECTOR_BOT_PORT',
      'AUDIT_LOG_PORT',
      'WHATSAPP_EMULATOR_PORT',
      'CONNECTOR_WHATSAPP_PORT',
      'CONNECTOR_WHATSAPP_WEBHOOK_PORT',
    ]);
    const ports: Record<string, string> = {};
    for (const name of names) ports[name] = String(await freePort());
    env = {
      ...ports,
      SKIP_INSTALL: '1',
      SKIP_BUILD: '1',
      AUTH_JWT_SECRET: secret,
      AMQP_URL: vhost.url,
      MYSQL_URL: infra.mysqlUrl,
      REDIS_URL: infra.redisUrl,
      REDIS_PREFIX: `${uniqueName('restart')}:`,
      BOT_DATABASE: databases[0]!.name,
      ACCOUNT_DATABASE: databases[1]!.name,
      AUDIT_DATABASE: databases[2]!.name,
      WHATSAPP_DATABASE: databases[3]!.name,
      // The dev token, keyring and emulator state (`.run/` otherwise) go to this test's own folder.
      RUN_DIR: dir,
      TELEGRAM_POLL_TIMEOUT_S: '1',
      TELEGRAM_ACCOUNT_SEND_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    await Promise.all([...databases.map((d) => d.drop()), vhost?.delete()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<void> => {
    output = '';
    proc = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(() => output.includes('Integration Service is up') || proc!.exitCode !== null);
    if (proc.exitCode !== null) throw new Error(`npm start stopped:\n${output.slice(-3000)}`);
  };
  const stop = async (): Promise<void> => {
    const exited = new Promise((resolve) => proc!.once('exit', resolve));
    proc!.kill('SIGINT');
    await exited;
  };
  const api = async <T>(token: string, method: string, route: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${env['API_PORT']}/api/integrations${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };

  it('keeps the connected account, bot and WhatsApp number working across a restart', async () => {
    await start();
    const control = new EmulatorClient(`http://127.0.0.1:${env['EMULATOR_PORT']}`);
    const whatsapp = new WhatsAppEmulatorClient(`http://127.0.0.1:${env['WHATSAPP_EMULATOR_PORT']}`);
    const token = await mintToken({
      sub: 'restart-user',
      secret,
      scope: 'integrations:read integrations:write',
    });

    // A bot with a group, and an account with a peer to write to, connected through REST.
    const created = await control.createBot({ username: 'restart_bot' });
    const group = await control.createChat({
      type: 'group',
      title: 'Restart',
      members: [{ botId: created.id, role: 'member' }],
    });
    const bot = await api<Bot>(token, 'POST', '/telegram/bots', { token: created.token });
    expect(bot.status).toBe(201);
    const phone = '+15558800001';
    await control.createUser({ phone, username: 'restart_owner' });
    await control.createUser({ phone: '+15558800002', username: 'restart_peer' });
    const flow = await api<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
    expect(flow.status).toBe(202);
    const code = (await control.loginCode(phone))!;
    const done = await api<Flow>(token, 'POST', `/telegram/connect/${flow.body.flowId}/code`, { code });
    expect(done.body.status).toBe('active');
    const accountId = done.body.accountId!;

    const sendBoth = async (text: string) => [
      await api<Message>(token, 'POST', `/telegram/bots/${bot.body.id}/send`, { chatId: group.id, text }),
      await api<Message>(token, 'POST', `/telegram/accounts/${accountId}/send`, {
        to: '@restart_peer',
        text,
      }),
    ];
    expect((await sendBoth('before')).map((r) => [r.status, r.body.status])).toEqual([
      [200, 'sent'],
      [200, 'sent'],
    ]);
    // A WhatsApp number, and a customer who wrote to it (the 24-hour window is open).
    const meta = await whatsapp.createNumber();
    const number = await api<{ id: string }>(token, 'POST', '/whatsapp/numbers', {
      phoneNumberId: meta.phoneNumberId,
      accessToken: meta.accessToken,
      appSecret: meta.appSecret,
    });
    expect(number.status).toBe(201);
    await whatsapp.inbound(meta.phoneNumberId, { from: '15558800003', text: 'hello' });

    await stop();
    await start();

    // The restarted WhatsApp emulator still knows the number, its token and the open window.
    const text = await api<{ id: string }>(token, 'POST', `/whatsapp/numbers/${number.body.id}/send`, {
      to: '15558800003',
      text: 'after',
    });
    expect(text.status).toBe(200);
    // Delivered, not failed WHATSAPP_WINDOW_CLOSED or WHATSAPP_TOKEN_INVALID: the window and token came back.
    await waitFor(
      'the WhatsApp text sent after the restart to be delivered',
      async () =>
        (await api<{ status: string }>(token, 'GET', `/messages/${text.body.id}`)).body.status ===
        'delivered',
    );

    // Nothing connected anew: the same bot token and account session work with the restarted emulator.
    expect((await sendBoth('after')).map((r) => [r.status, r.body.status])).toEqual([
      [200, 'sent'],
      [200, 'sent'],
    ]);
    await until(
      async () =>
        (await api<Account>(token, 'GET', `/telegram/accounts/${accountId}`)).body.status === 'active',
    );
    expect((await control.messages(group.id)).map((m) => m.text)).toEqual(['before', 'after']);
    await stop();
  });
});
