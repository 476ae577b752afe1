import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Daemon {
  url: string;
  /** Its own folder (storage, generated configuration), removed on stop. */
  dir: string;
  stop(): Promise<void>;
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts a monitoring daemon from the PATH (Debian's `prometheus`, `prometheus-alertmanager`) on a free loopback
 * port with a folder of its own, and waits until `readyPath` answers. Its output is kept for the error message.
 */
export async function startDaemon(
  command: string,
  args: (port: number, dir: string) => string[],
  options: {
    readyPath: string;
    /** Runs first, with the port and folder: writes a configuration the arguments name. */
    prepare?: (port: number, dir: string) => void;
    cwd?: string;
  },
): Promise<Daemon> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), `${command}-`));
  options.prepare?.(port, dir);
  let output = '';
  const proc = spawn(command, args(port, dir), { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${command} exited:\n${output.slice(-2000)}`);
    const ready = await fetch(`${url}${options.readyPath}`).catch(() => undefined);
    if (ready?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    dir,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
