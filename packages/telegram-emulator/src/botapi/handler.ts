import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bot, World } from '../world';
import { BodyError, readParams } from '../http/body';
import { sendJson } from '../http/respond';
import { BotApiError, notFound, tooManyRequests, unauthorized } from './errors';
import { findMethod } from './methods';
import { Params } from './params';
import { UpdateHub, type UpdateHubOptions } from './updates';

const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]+$/;

export interface BotApi {
  hub: UpdateHub;
  /** Serves `/bot<token>/<method>`; `rest` is the path after `/bot`. */
  handle(req: IncomingMessage, res: ServerResponse, rest: string, query: string): Promise<void>;
  /** Runs a method as a bot (used for replies carried by webhook answers). */
  call(bot: Bot, method: string, params: Record<string, unknown>): Promise<unknown>;
  stop(): void;
}

function fail(res: ServerResponse, error: BotApiError): void {
  sendJson(res, error.code, error.toJSON());
}

/** Applies the faults registered for this bot; answers true when the request was answered (or dropped). */
async function applyFaults(
  world: World,
  bot: Bot,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const faults = world.faults.take(`bot:${bot.id}`);
  if (faults.length === 0) return false;
  const delay = faults.reduce((sum, f) => sum + (f.kind === 'latency' ? (f.ms ?? 0) : 0), 0);
  if (delay > 0) await sleep(delay);
  for (const fault of faults) {
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'revoke':
        world.revokeBot(bot.id);
        fail(res, unauthorized());
        return true;
      case 'rate_limit':
        fail(res, tooManyRequests(fault.retryAfter ?? 1));
        return true;
      case 'error': {
        const status = fault.status ?? 500;
        const text =
          fault.message ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request: injected error');
        fail(res, new BotApiError(status, text));
        return true;
      }
      case 'latency':
        break;
    }
  }
  return false;
}

export function createBotApi(world: World, options: UpdateHubOptions = {}): BotApi {
  const call = async (bot: Bot, method: string, raw: Record<string, unknown>): Promise<unknown> =>
    findMethod(method)({ world, hub, bot, params: new Params(raw) });
  const hub: UpdateHub = new UpdateHub(world, {
    ...options,
    runWebhookReply: async (bot, method, params) => {
      await call(bot, method, params);
    },
  });

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    query: string,
  ): Promise<void> {
    const slash = rest.indexOf('/');
    const token = slash === -1 ? rest : rest.slice(0, slash);
    const methodName = slash === -1 ? '' : rest.slice(slash + 1);
    if (!TOKEN_SHAPE.test(token)) return fail(res, notFound());
    const bot = world.findBotByToken(token);
    if (bot === undefined || bot.revoked) return fail(res, unauthorized());
    try {
      const method = findMethod(methodName);
      if (await applyFaults(world, bot, req, res)) return;
      const params = new Params(await readParams(req, query));
      const result = await method({ world, hub, bot, params });
      if (!res.writableEnded && !res.destroyed) sendJson(res, 200, { ok: true, result });
    } catch (error) {
      if (res.writableEnded || res.destroyed) return;
      if (error instanceof BotApiError) return fail(res, error);
      if (error instanceof BodyError) {
        const description = error.status === 413 ? 'Request Entity Too Large' : error.message;
        return fail(res, new BotApiError(error.status, description));
      }
      // A bug of the emulator, not a Telegram answer: say so on stderr (the method name only, never parameters).
      process.stderr.write(
        `${JSON.stringify({ 'log.level': 'error', message: `Bot API ${methodName} failed`, error: { message: (error as Error).message, stack_trace: (error as Error).stack } })}\n`,
      );
      fail(res, new BotApiError(500, 'Internal Server Error'));
    }
  }

  return { hub, handle, call, stop: () => hub.stop() };
}
