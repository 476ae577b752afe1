import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control';
import { handleGraph } from './graph-api';
import type { Limits } from './limits';
import { WebhookSender, type WebhookOptions } from './webhooks';
import { World } from './world';

/** Hosts that are loopback: the control API has no auth, so the emulator refuses others unless told to. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

export interface WhatsAppEmulatorOptions {
  /** 0 (the default for the library) picks a free port. */
  port?: number;
  host?: string;
  /** Allows a non-loopback host (the control API has no auth). */
  allowRemote?: boolean;
  limits?: Partial<Limits>;
  /** Webhook retry tuning (tests shorten the back-off). */
  webhook?: WebhookOptions;
  /** Timeout of the subscription check GET (default 5000 ms). */
  verifyTimeoutMs?: number;
}

export interface WhatsAppEmulator {
  /** `http://host:port`: the Graph API base (use it instead of `https://graph.facebook.com`); control under `/_emulator`. */
  url: string;
  port: number;
  host: string;
  world: World;
  stop(): Promise<void>;
}

/** Starts the fake WhatsApp Cloud API: Graph API subset and control API on one HTTP port. */
export async function startWhatsAppEmulator(
  options: WhatsAppEmulatorOptions = {},
): Promise<WhatsAppEmulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && options.allowRemote !== true) {
    throw new Error(
      `refusing to listen on ${host}: the emulator's control API has no auth; set WHATSAPP_EMULATOR_ALLOW_REMOTE=1 to allow it`,
    );
  }
  const world = new World({ limits: options.limits });
  const webhooks = new WebhookSender(world, options.webhook);
  const control = { world, webhooks, verifyTimeoutMs: options.verifyTimeoutMs };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
      void handleControl(control, req, res, url.pathname.slice('/_emulator'.length));
    } else {
      void handleGraph(world, req, res, url, options.verifyTimeoutMs);
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  let stopped = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    world,
    async stop() {
      if (stopped) return;
      stopped = true;
      webhooks.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
