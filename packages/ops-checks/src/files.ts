import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const root = path.resolve(__dirname, '../../..');

export const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');
/** YAML as compose and kustomize read it (with `<<` merge keys). */
export const readYaml = <T>(rel: string): T => parse(read(rel), { merge: true }) as T;
export const list = (rel: string, ext: string): string[] =>
  readdirSync(path.join(root, rel))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${rel}/${f}`);

/** Runs a tool from the PATH (promtool, amtool, kubectl); its output, or its failure with what it printed. */
export function tool(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

export function yamlDocuments(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

export interface RuleGroup {
  name: string;
  rules: {
    alert?: string;
    record?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

export const ruleGroups = (): RuleGroup[] =>
  list('monitoring/prometheus/rules', '.yml').flatMap((f) => readYaml<{ groups: RuleGroup[] }>(f).groups);

export interface Daemon {
  url: string;
  /** Its own folder (storage, generated configuration), removed on stop. */
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
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
  readyPath: string,
  before?: (port: number, dir: string) => void,
): Promise<Daemon> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), `${command}-`));
  before?.(port, dir);
  let output = '';
  const proc = spawn(command, args(port, dir), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${command} exited:\n${output.slice(-2000)}`);
    const ready = await fetch(`${url}${readyPath}`).catch(() => undefined);
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
