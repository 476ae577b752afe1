import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createBotApi } from './botapi/handler';
import type { UpdateHubOptions } from './botapi/updates';
import { isLoopback } from './config';
import type { MtprotoInfo } from './control';
import { createEmulatorServer } from './http/server';
import { readStateFile, StateWriter } from './state-file';
import { World, type Limits } from './world';

/** What an MTProto server started next to the Bot API gives back (see `src/mtproto/server.ts`). */
export interface MtprotoHandle {
  port: number;
  stop(): Promise<void> | void;
  /** Connection data for `GET /_emulator/mtproto`. */
  info?(): MtprotoInfo;
  /** Takes the port away (every connection cut, new ones refused) and gives it back; auth keys survive. */
  outage?: { start(): Promise<void>; end(): Promise<void> };
  /** What the state file keeps of the server (auth keys and sign-ins), handed back as `saved` on the next start. */
  snapshot?(): unknown;
}

export type MtprotoStarter = (args: {
  world: World;
  host: string;
  port: number;
  qrTtlMs?: number;
  /** The server's part of a state file from a previous run. */
  saved?: unknown;
  /** Told when something its `snapshot()` holds changed. */
  onChange?(): void;
}) => Promise<MtprotoHandle> | MtprotoHandle;

export interface EmulatorOptions {
  /** Bot API + control API port; 0 (the default for the library) picks a free one. */
  port?: number;
  host?: string;
  /** Allows a non-loopback host (the control API has no auth). Also `EMULATOR_ALLOW_REMOTE=1`. */
  allowRemote?: boolean;
  /** Flood limits; tests tighten or disable them (`{enabled: false}`). */
  limits?: Partial<Limits>;
  /** Webhook delivery tuning (retry back-off, attempts, timeout). */
  webhook?: Pick<
    UpdateHubOptions,
    'webhookRetryMs' | 'webhookMaxDelayMs' | 'webhookMaxAttempts' | 'webhookTimeoutMs'
  >;
  /** MTProto port; 0 picks a free one; `false` skips the MTProto server. */
  mtprotoPort?: number | false;
  /** Life of a QR login token (Telegram's 30 s by default; tests of the refresh shorten it). */
  qrTtlMs?: number;
  /** Starts the MTProto server; defaults to the package's own when it has one. */
  startMtproto?: MtprotoStarter;
  /** Share an existing world (the default is a new, empty one). */
  world?: World;
  /**
   * Keep the world (users, bots, chats, messages) and the MTProto auth keys in this file, so a restart finds
   * them again, like a Telegram that stays up (`EMULATOR_STATE_FILE`). `POST /_emulator/reset` empties it.
   */
  stateFile?: string;
  /** Where the emulator reports a state file it could not read or write (stderr by default). */
  warn?(message: string): void;
}

export interface Emulator {
  /** `http://host:port`: use it as grammY's `apiRoot`; the control API is under `/_emulator`. */
  url: string;
  port: number;
  host: string;
  world: World;
  mtproto?: MtprotoHandle;
  stop(): Promise<void>;
}

/**
 * The hook where the MTProto server joins the emulator: `<dir>/mtproto/server.ts` (`.js` once built) exports
 * `startMtprotoServer({world, host, port})`. It is looked up at run time, so the Bot API works (and builds)
 * without it; once the file exists, every emulator starts it unless `mtprotoPort: false`.
 */
export function loadMtprotoStarter(dir: string = __dirname): MtprotoStarter | undefined {
  const base = join(dir, 'mtproto', 'server');
  if (!existsSync(`${base}.js`) && !existsSync(`${base}.ts`)) return undefined;
  // The module-scoped `require`: Node's in the built package, Jest's (which compiles TypeScript) in tests.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a run-time optional module, see above
  const mod = require(base) as { startMtprotoServer?: MtprotoStarter };
  if (typeof mod.startMtprotoServer !== 'function') {
    throw new Error(`${base} does not export startMtprotoServer({world, host, port})`);
  }
  return mod.startMtprotoServer;
}

/** Starts the fake Telegram: Bot API and control API over HTTP (and MTProto over TCP when available). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? process.env.EMULATOR_ALLOW_REMOTE === '1';
  if (!isLoopback(host) && !allowRemote) {
    throw new Error(
      `refusing to listen on ${host}: the emulator's control API has no auth; set EMULATOR_ALLOW_REMOTE=1 to allow it`,
    );
  }
  const world = options.world ?? new World({ limits: options.limits });
  if (options.world !== undefined && options.limits !== undefined) world.setLimits(options.limits);
  const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
  const saved = options.stateFile === undefined ? undefined : readStateFile(options.stateFile, warn);
  if (saved !== undefined) world.restore(saved.world);
  let mtproto: MtprotoHandle | undefined;
  const writer =
    options.stateFile === undefined
      ? undefined
      : new StateWriter(
          options.stateFile,
          () => ({
            version: 1,
            world: world.snapshot(),
            updates: botApi.hub.snapshot(),
            mtproto: mtproto?.snapshot?.() ?? saved?.mtproto,
          }),
          (error) => warn(`the emulator state could not be written: ${(error as Error).message}`),
        );
  const save = (): void => writer?.schedule();
  world.on('changed', save);
  const botApi = createBotApi(world, options.webhook);
  if (saved?.updates !== undefined) botApi.hub.restore(saved.updates);
  botApi.hub.onChange = save;
  const server = createEmulatorServer(botApi, {
    world,
    mtproto: () =>
      mtproto === undefined
        ? undefined
        : (mtproto.info?.() ?? { host, port: mtproto.port, dcId: 2, rsaPublicKeyPem: '', fingerprint: '' }),
    mtprotoOutage: () => mtproto?.outage,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const closeHttp = async (): Promise<void> => {
    botApi.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  };

  if (options.mtprotoPort !== false) {
    const starter = options.startMtproto ?? loadMtprotoStarter();
    if (starter !== undefined) {
      try {
        mtproto = await starter({
          world,
          host,
          port: options.mtprotoPort ?? 0,
          qrTtlMs: options.qrTtlMs,
          saved: saved?.mtproto,
          onChange: save,
        });
      } catch (error) {
        await closeHttp();
        throw error;
      }
    }
  }

  const urlHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  let stopped = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    world,
    mtproto,
    async stop() {
      if (stopped) return;
      stopped = true;
      world.off('changed', save);
      await mtproto?.stop();
      await closeHttp();
      await writer?.flush();
    },
  };
}
