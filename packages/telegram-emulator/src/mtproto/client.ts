import { createPublicKey } from 'node:crypto';
import bigInt from 'big-integer';
import { Api, TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password';
import { _serverKeys } from 'telegram/crypto/RSA';
import { Logger } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { ConnectionTCPFull } from 'telegram/network';
import { StringSession } from 'telegram/sessions';

/** What `GET /_emulator/mtproto` answers (and `Emulator.mtproto.info()`). */
export interface EmulatorMtprotoInfo {
  host: string;
  port: number;
  dcId: number;
  rsaPublicKeyPem: string;
  fingerprint: string;
}

/**
 * Teaches GramJS the emulator's RSA key: it only talks to servers whose key fingerprint it knows, and keeps
 * them in a module-level map keyed by the signed decimal fingerprint.
 */
export function trustEmulatorKey(info: Pick<EmulatorMtprotoInfo, 'rsaPublicKeyPem' | 'fingerprint'>): void {
  const jwk = createPublicKey(info.rsaPublicKeyPem).export({ format: 'jwk' });
  const n = bigInt(Buffer.from(jwk.n!, 'base64url').toString('hex'), 16);
  const e = Number(bigInt(Buffer.from(jwk.e!, 'base64url').toString('hex'), 16).toString());
  _serverKeys.set(info.fingerprint, { n, e });
}

/**
 * GramJS connects to port 80 or 443 whatever the session says, so the emulator's address is baked into the
 * connection class instead.
 */
export function emulatorConnection(host: string, port: number): typeof ConnectionTCPFull {
  return class EmulatorConnection extends ConnectionTCPFull {
    constructor(params: ConstructorParameters<typeof ConnectionTCPFull>[0]) {
      super({ ...params, ip: host, port });
    }
  };
}

export interface EmulatorClientOptions {
  /** A saved `StringSession` to resume; empty for a new login. */
  session?: string;
  apiId?: number;
  apiHash?: string;
  /** Connection attempts before `connect()` fails (GramJS's default is 5 with 1 s between). */
  connectionRetries?: number;
  retryDelayMs?: number;
  autoReconnect?: boolean;
  /**
   * FLOOD_WAIT up to this many seconds is slept through by GramJS itself. 0 (the default here) surfaces every
   * one, which is what a caller that obeys and reports flood waits wants.
   */
  floodSleepThreshold?: number;
  /** GramJS's own log level; silent by default. */
  logLevel?: LogLevel;
}

/**
 * A real GramJS client pointed at the emulator, for tests and the account connector's sandbox mode. Remember to
 * `destroy()` it: GramJS keeps a ping loop and reconnect timers running until then.
 */
export function createEmulatorClient(
  info: EmulatorMtprotoInfo,
  options: EmulatorClientOptions = {},
): TelegramClient {
  trustEmulatorKey(info);
  const session = new StringSession(options.session ?? '');
  // A new session starts on DC 2 (GramJS defaults to 4). The port stored is nominal: StringSession keeps it as a
  // signed 16-bit number, and the connection class above decides where to connect anyway.
  if (session.serverAddress === undefined) session.setDC(info.dcId, info.host, 443);
  return new TelegramClient(session, options.apiId ?? 1, options.apiHash ?? 'emulator', {
    connection: emulatorConnection(info.host, info.port),
    connectionRetries: options.connectionRetries ?? 2,
    retryDelay: options.retryDelayMs ?? 200,
    autoReconnect: options.autoReconnect ?? true,
    useWSS: false,
    floodSleepThreshold: options.floodSleepThreshold ?? 0,
    baseLogger: new Logger(options.logLevel ?? LogLevel.NONE),
  });
}

export { LogLevel };

/**
 * Signs a client in by phone code (and 2FA password when the user has one) through the plain API calls, so every
 * Telegram error surfaces as GramJS's `RPCError`. `readCode` fetches the code the emulator "sent" (the control
 * API's `GET /users/{phone}/code`).
 */
export async function signInWithCode(
  client: TelegramClient,
  input: { phone: string; readCode: (phone: string) => Promise<string | undefined>; password?: string },
): Promise<Api.User> {
  if (!client.connected) await client.connect();
  const sent = await client.sendCode({ apiId: client.apiId, apiHash: client.apiHash }, input.phone);
  const code = await input.readCode(input.phone);
  try {
    const auth = await client.invoke(
      new Api.auth.SignIn({
        phoneNumber: input.phone,
        phoneCodeHash: sent.phoneCodeHash,
        phoneCode: code ?? '',
      }),
    );
    return (auth as Api.auth.Authorization).user as Api.User;
  } catch (error) {
    if ((error as { errorMessage?: string }).errorMessage !== 'SESSION_PASSWORD_NEEDED') throw error;
    if (input.password === undefined) throw error;
  }
  const password = await client.invoke(new Api.account.GetPassword());
  const auth = await client.invoke(
    new Api.auth.CheckPassword({ password: await computeCheck(password, input.password) }),
  );
  return (auth as Api.auth.Authorization).user as Api.User;
}
