import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { MtprotoHandle } from '../emulator';
import type { SavedAuthKey } from './auth-keys';
import type { Chat, Message, World } from '../world';
import { dispatch } from './api/dispatch';
import { pushMessage } from './api/messages';
import { MtprotoConnection } from './connection';
import { createServerRsaKey, type ServerRsaKey } from './crypto';
import { createServerState } from './state';
import { Api } from './tl';

export interface MtprotoServerOptions {
  world: World;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Reuse a key (tests that restart the server keep their clients' trust); a new one by default. */
  rsa?: ServerRsaKey;
  /** Life of a QR login token (30 s, as Telegram). */
  qrTtlMs?: number;
  /** What a state file kept of a previous run (its RSA key, auth keys and sign-ins, update counters). */
  saved?: unknown;
  /** Told when something `snapshot()` returns changed (an auth key added, signed in or out). */
  onChange?(): void;
  onError?(error: unknown): void;
}

/** What the state file keeps of the MTProto server: a client that saved its session comes back to it. */
export interface MtprotoSnapshot {
  rsaPrivateKeyPem: string;
  keys: SavedAuthKey[];
  pts: Record<string, number>;
  randomIds: [string, number][];
}

/** The newest random ids kept across a restart (the resends that matter are recent ones). */
const SAVED_RANDOM_IDS = 10_000;

function isSnapshot(value: unknown): value is MtprotoSnapshot {
  const v = value as Partial<MtprotoSnapshot> | undefined;
  return typeof v?.rsaPrivateKeyPem === 'string' && Array.isArray(v.keys);
}

/**
 * MTProto over TCP (DC 2) for the real GramJS client: the emulator's users sign in with a code, 2FA or a QR,
 * send to users, groups and channels, and get messages posted in the world pushed as updates.
 */
export async function startMtprotoServer(options: MtprotoServerOptions): Promise<MtprotoHandle> {
  const saved = isSnapshot(options.saved) ? options.saved : undefined;
  const rsa = options.rsa ?? createServerRsaKey(saved?.rsaPrivateKeyPem);
  const sockets = new Set<Socket>();
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const state = createServerState({
    world: options.world,
    rsa,
    host: options.host,
    port,
    qrTtlMs: options.qrTtlMs,
  });
  if (saved !== undefined) {
    state.keys.restore(saved.keys);
    state.pts.restore(saved.pts ?? {});
    state.randomIds.restore(saved.randomIds ?? []);
  }
  state.keys.onChange = options.onChange ?? (() => undefined);
  const deps = {
    rsa,
    keys: state.keys,
    dispatch: (call: Parameters<typeof dispatch>[1]) => dispatch(state, call),
    onError: options.onError,
  };
  // An outage: the listener closed and every connection cut, while keys and sessions survive, as when
  // Telegram's data centre is unreachable for a while (not a restart that would forget the auth keys).
  let down = false;
  const dropAll = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new MtprotoConnection(socket, deps);
  });

  const onMessage = ({ chat, message }: { chat: Chat; message: Message }): void =>
    pushMessage(state, chat, message);
  const onQrApproved = ({ authKeyId }: { authKeyId?: string }): void => {
    // Tokens registered by hand (tests, the control API) may name no key of ours.
    const record =
      authKeyId !== undefined && /^-?\d+$/.test(authKeyId) ? state.keys.get(BigInt(authKeyId)) : undefined;
    if (record === undefined) return;
    const update = new Api.UpdateShort({
      update: new Api.UpdateLoginToken(),
      date: Math.floor(Date.now() / 1000),
    });
    for (const connection of record.connections) connection.push(update);
  };
  const onReset = (): void => {
    state.keys.signOutAll();
    state.codes.clear();
    state.passwords.clear();
    state.pts.clear();
    state.randomIds.clear();
  };
  options.world.on('message', onMessage);
  options.world.on('qrApproved', onQrApproved);
  options.world.on('reset', onReset);

  return {
    port,
    snapshot: (): MtprotoSnapshot => ({
      rsaPrivateKeyPem: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      keys: state.keys.snapshot(),
      pts: state.pts.snapshot(),
      randomIds: state.randomIds.snapshot().slice(-SAVED_RANDOM_IDS),
    }),
    info: () => ({
      host: options.host,
      port,
      dcId: state.dcId,
      rsaPublicKeyPem: rsa.publicKeyPem,
      fingerprint: rsa.fingerprint,
      ...state.keys.stats(),
      calls: Object.fromEntries(state.calls),
      down,
    }),
    outage: {
      start: async () => {
        if (down) return;
        down = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          dropAll();
        });
      },
      end: async () => {
        if (!down) return;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, options.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        down = false;
      },
    },
    stop: async () => {
      options.world.off('message', onMessage);
      options.world.off('qrApproved', onQrApproved);
      options.world.off('reset', onReset);
      if (down) return;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        dropAll();
      });
    },
  };
}
