import { createConnection } from 'node:net';

/** One command as Redis saw it: its arguments (name first) and who sent it (`lua` for a script's calls). */
export interface MonitoredCommand {
  args: string[];
  source: string;
}

export interface RedisMonitor {
  /** Resolves once the server has answered MONITOR: every command after that is seen. */
  readonly ready: Promise<void>;
  stop(): void;
}

/**
 * Watches what reaches Redis (MONITOR) over a plain socket. ioredis's `monitor()` cannot be used on a busy server:
 * it leaves its normal reply mode only a tick after MONITOR's `+OK`, so a monitored line that arrives in the same
 * packet is taken for a reply nobody asked for, and the watch fails with "Command queue state error".
 */
export function monitorRedis(url: string, onCommand: (command: MonitoredCommand) => void): RedisMonitor {
  const { hostname, port } = new URL(url);
  const socket = createConnection({ host: hostname, port: Number(port || 6379) });
  // Decoded as a stream: a character split between two packets stays whole.
  socket.setEncoding('utf8');
  let buffered = '';
  let answered = false;
  const ready = new Promise<void>((resolve, reject) => {
    // Before MONITOR is answered an error fails `ready`; after, the watch just ends.
    socket.on('error', (error) => {
      if (!answered) reject(error);
    });
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!answered) {
          answered = true;
          if (line === '+OK') resolve();
          else reject(new Error(`MONITOR refused: ${line}`));
          continue;
        }
        const command = parseMonitorLine(line);
        if (command) onCommand(command);
      }
    });
  });
  socket.write('MONITOR\r\n');
  return {
    ready,
    stop: () => {
      socket.destroy();
    },
  };
}

/** `+1700000000.000000 [0 127.0.0.1:5000] "set" "k" "v"`; arguments are quoted with C-style escapes. */
export function parseMonitorLine(line: string): MonitoredCommand | undefined {
  const header = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] /.exec(line);
  if (!header) return undefined;
  const args = [...line.slice(header[0].length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescape(m[1]!));
  return { args, source: header[1]! };
}

function unescape(quoted: string): string {
  return quoted.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, escape: string) => {
    if (escape.startsWith('x') && escape.length === 3)
      return String.fromCharCode(parseInt(escape.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' } as Record<string, string>)[escape] ?? escape;
  });
}
