import type { Logger } from '@integrations/observability';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhooksService } from './webhooks.service';

/** Meta's deliveries are small; anything larger is refused before it is read to the end. */
const MAX_BODY_BYTES = 1024 * 1024;
const PATH = /^\/whatsapp\/webhooks\/([A-Za-z0-9_-]{1,64})\/?$/;

export interface WebhookServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class TooLarge extends Error {}

async function rawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The HTTP endpoint Meta calls: `GET /whatsapp/webhooks/{numberId}` (the handshake) and `POST` (deliveries, read
 * as raw bytes for the signature). A failure on our side answers 500 so that Meta delivers again.
 */
export async function startWebhookServer(options: {
  port: number;
  host: string;
  webhooks: WebhooksService;
  logger: Logger;
  onTooLarge: () => void;
}): Promise<WebhookServer> {
  const { webhooks, logger } = options;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://webhooks');
    const match = PATH.exec(url.pathname);
    const send = (status: number, body = '', type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (!match) return send(404, 'not found');
    const numberId = match[1]!;
    if (req.method === 'GET') {
      const answer = webhooks.verify(numberId, url.searchParams);
      return send(answer.status, answer.status === 200 ? (answer.body ?? '') : 'forbidden');
    }
    if (req.method !== 'POST') return send(405, 'method not allowed');
    void (async () => {
      try {
        const raw = await rawBody(req);
        const answer = await webhooks.receive(
          numberId,
          raw,
          req.headers['x-hub-signature-256'] as string | undefined,
        );
        send(answer.status, answer.status === 200 ? 'ok' : answer.reason);
      } catch (error) {
        if (error instanceof TooLarge) {
          options.onTooLarge();
          send(413, 'too large');
          req.destroy();
          return;
        }
        logger.error('a webhook delivery failed; Meta will deliver it again', { numberId, error });
        send(500, 'error');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
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
