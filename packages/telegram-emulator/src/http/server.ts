import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BotApi } from '../botapi/handler';
import { handleControl, type ControlContext } from '../control';
import { sendJson } from './respond';

/**
 * One node:http server for both the Bot API (`/bot<token>/<method>`) and the control API (`/_emulator/...`).
 * Plain node:http with prefix routing: the Bot API path is the hot one and costs one string scan.
 */
export function createEmulatorServer(botApi: BotApi, control: ControlContext): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q === -1 ? target : target.slice(0, q);
    const query = q === -1 ? '' : target.slice(q + 1);
    if (path.startsWith('/bot')) {
      void botApi.handle(req, res, path.slice(4), query);
    } else if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      void handleControl(control, req, res, path.slice('/_emulator/'.length), query);
    } else {
      sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
