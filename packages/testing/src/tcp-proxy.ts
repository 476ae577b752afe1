import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real dependency (Redis, RabbitMQ, MariaDB) for fault tests: `cut()` drops every
 * connection and refuses new ones, as a restart or a network partition looks from the services; `restore()`
 * accepts again on the same port. The dependency itself is untouched, so tests running beside stay unaffected.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>` of the proxy. */
  host: string;
  port: number;
  /** The URL with its host and port replaced by the proxy's. */
  url(target: string): string;
  /** Connections made through the proxy since it started (to tell that clients came back). */
  readonly accepted: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  /**
   * Arms a one-shot trap: the first chunk a client sends that contains `bytes` drops every open connection (new
   * ones are still accepted), so a test can lose the connection at an exact step of a protocol, with that step's
   * request on the wire and its answer never coming. Resolves once it fired.
   */
  dropWhenClientSends(bytes: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** A proxy for the host and port of a URL (`redis://...`, `amqp://...`); `defaultPort` when it names none. */
export function startProxyFor(url: string, defaultPort: number): Promise<TcpProxy> {
  const { hostname, port } = new URL(url);
  return startTcpProxy({ host: hostname, port: Number(port || defaultPort) });
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let trap: { bytes: Buffer; fired: () => void } | undefined;
  const dropAll = () => {
    for (const socket of open) socket.destroy();
  };
  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = createConnection(target);
    open.add(client);
    open.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
    // After the pipe's own listener: the step's bytes reach the dependency, and its answer is cut off.
    client.on('data', (chunk: Buffer) => {
      if (!trap || !chunk.includes(trap.bytes)) return;
      const { fired } = trap;
      trap = undefined;
      dropAll();
      fired();
    });
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let down = false;
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      dropAll();
    });
  return {
    host: '127.0.0.1',
    port,
    url(raw) {
      const url = new URL(raw);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    get accepted() {
      return accepted;
    },
    async cut() {
      if (down) return;
      down = true;
      await stopListening();
    },
    async restore() {
      if (!down) return;
      await listen(port);
      down = false;
    },
    dropWhenClientSends(bytes) {
      return new Promise<void>((fired) => (trap = { bytes, fired }));
    },
    async close() {
      if (!down) await stopListening();
      down = true;
    },
  };
}
