import { freePort, until } from '@integrations/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { startStack, type Stack } from './stack';

const MAIN = path.resolve(__dirname, '../../../services/connector-telegram-bot/dist/main.js');

jest.setTimeout(90_000);

/**
 * A tracing collector (OTLP) and a log store (Elasticsearch) that are down never take a service down: it
 * starts, serves, exports into the void and stops cleanly (exit 0). Run on the built bot connector, as a
 * separate process, so an unhandled rejection would really end it.
 */
describe('a service with its tracing and logging backends down', () => {
  let stack: Stack;
  let proc: ChildProcess | undefined;
  let collector: Server | undefined;

  beforeAll(async () => {
    stack = await startStack('backdown', { botConnector: false });
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL');
    collector?.close();
    await stack?.close();
  });

  it('starts, runs and stops while OTLP and Elasticsearch refuse connections', async () => {
    const otlpPort = await freePort();
    const esPort = await freePort();
    let output = '';
    proc = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        ...stack.botEnv,
        CONNECTOR_BOT_PORT: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        ELASTICSEARCH_URL: `http://127.0.0.1:${esPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc!.once('exit', (code) => resolve(code)));

    // Start: ready although neither backend answers.
    await until(() => /bot connector ready/.test(output) || proc!.exitCode !== null);
    expect(proc.exitCode).toBeNull();
    const port = Number(/"port":(\d+)/.exec(output.slice(output.indexOf('bot connector ready')))?.[1]);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);

    // Run time: spans are made and their export fails (the collector's port resets every connection).
    let attempts = 0;
    collector = createServer((socket) => {
      attempts += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => collector!.listen(otlpPort, '127.0.0.1', resolve));
    const token = await stack.token('backends-down');
    const connected = await stack.connectBotWithGroups(token, 'backdown_bot');
    expect(connected.bot.status).toBe('active');
    await until(() => attempts >= 2);
    expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
    expect(proc.exitCode).toBeNull();

    // Stop: the last flush meets a closed port; the service still stops cleanly.
    await new Promise<void>((resolve) => collector!.close(() => resolve()));
    collector = undefined;
    await stack.connectBotWithGroups(token, 'backdown2_bot');
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/unhandled/i);
  });
});
