import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver got: the raw body as sent, its signature header, and the parsed body. */
export interface ReceivedWebhook {
  raw: string;
  signature: string | undefined;
  body: unknown;
}

export interface WebhookReceiver {
  /** The callback URL to subscribe. */
  url: string;
  received: ReceivedWebhook[];
  /** Verification GETs seen (their query strings). */
  verifications: URLSearchParams[];
  /** Answers the next `n` POSTs with `status` instead of 200 (a receiver that is down). */
  failNext(n: number, status?: number): void;
  /** Resolves once `count` POSTs were received (no deadline of its own: the test's timeout is the limit). */
  waitFor(count: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * A minimal webhook endpoint as a Cloud API client runs one, for tests: answers the subscription check with
 * `hub.challenge` when `hub.verify_token` matches, and records every POST with its raw body.
 */
export async function startWebhookReceiver(verifyToken: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const verifications: URLSearchParams[] = [];
  const waiters: { count: number; resolve: (r: ReceivedWebhook[]) => void }[] = [];
  let failing = 0;
  let failStatus = 500;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET') {
      verifications.push(url.searchParams);
      const ok =
        url.searchParams.get('hub.mode') === 'subscribe' &&
        url.searchParams.get('hub.verify_token') === verifyToken;
      res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
      res.end(ok ? (url.searchParams.get('hub.challenge') ?? '') : 'forbidden');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failing > 0) {
        failing -= 1;
        res.writeHead(failStatus).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-hub-signature-256'];
      received.push({
        raw,
        signature: Array.isArray(header) ? header[0] : header,
        body: JSON.parse(raw) as unknown,
      });
      res.writeHead(200).end();
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(received.slice());
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    received,
    verifications,
    failNext(n, status = 500) {
      failing = n;
      failStatus = status;
    },
    waitFor(count) {
      if (received.length >= count) return Promise.resolve(received.slice());
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
