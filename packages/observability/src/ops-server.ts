import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A dependency check for `/health/ready`: resolves true when the dependency answers. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Runs every check with a deadline; the answer names each dependency and whether it is up. */
export async function runChecks(
  checks: Record<string, ReadinessCheck>,
  timeoutMs = 2000,
): Promise<{ ok: boolean; checks: Record<string, 'up' | 'down'> }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const up = await Promise.race([
          Promise.resolve(check()),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
        return [name, up ? 'up' : 'down'] as const;
      } catch {
        return [name, 'down'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, state]) => state === 'up'), checks: Object.fromEntries(entries) };
}

/**
 * The small HTTP server of a worker service (connectors, audit-log): `/health/live`, `/health/ready` (503 naming
 * the failing dependency) and `/metrics`. The api serves the same routes from its own HTTP server.
 */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
}): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') return send(405, JSON.stringify({ status: 'method not allowed' }));
    if (path === '/health/live') return send(200, JSON.stringify({ status: 'ok' }));
    if (path === '/health/ready') {
      void runChecks(options.checks).then((result) => {
        const failing = Object.entries(result.checks)
          .filter(([, s]) => s === 'down')
          .map(([n]) => n);
        send(
          result.ok ? 200 : 503,
          JSON.stringify({
            status: result.ok ? 'ok' : 'unavailable',
            checks: result.checks,
            ...(failing.length ? { failing } : {}),
          }),
        );
      });
      return;
    }
    if (path === '/metrics') {
      void options.registry.metrics().then((text) => send(200, text, options.registry.contentType));
      return;
    }
    send(404, JSON.stringify({ status: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
