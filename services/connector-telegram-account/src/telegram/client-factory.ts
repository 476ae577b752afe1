import { createEmulatorClient, type EmulatorMtprotoInfo } from '@integrations/telegram-emulator';
import { TelegramClient } from 'telegram';
import { Logger } from 'telegram/extensions';
import { LogLevel } from 'telegram/extensions/Logger';
import { StringSession } from 'telegram/sessions';
import type { AccountConnectorConfig } from '../config';

/**
 * Makes GramJS clients: against the emulator in sandbox mode (its MTProto address and RSA key read from its
 * control API once), against Telegram live. Every client surfaces FLOOD_WAIT instead of sleeping through it:
 * the connector obeys it and tells the caller `retryAfter`.
 */
export class ClientFactory {
  private emulator: Promise<EmulatorMtprotoInfo> | undefined;

  constructor(private readonly config: AccountConnectorConfig) {}

  async create(session = ''): Promise<TelegramClient> {
    const { config } = this;
    if (config.mode === 'sandbox') {
      const info = await this.emulatorInfo();
      return createEmulatorClient(info, {
        session,
        apiId: config.apiId,
        apiHash: config.apiHash,
        connectionRetries: 3,
        retryDelayMs: 500,
        autoReconnect: true,
        floodSleepThreshold: 0,
      });
    }
    return new TelegramClient(new StringSession(session), config.apiId, config.apiHash, {
      connectionRetries: 5,
      autoReconnect: true,
      floodSleepThreshold: 0,
      baseLogger: new Logger(LogLevel.ERROR),
    });
  }

  private emulatorInfo(): Promise<EmulatorMtprotoInfo> {
    this.emulator ??= fetch(`${this.config.emulatorUrl}/_emulator/mtproto`, {
      signal: AbortSignal.timeout(this.config.callTimeoutMs),
    })
      .then(async (res) => {
        if (!res.ok) throw new Error(`the emulator answered ${res.status} for its MTProto address`);
        // The emulator reports the address it bound (0.0.0.0 in a container); reach it where its URL points.
        const info = (await res.json()) as EmulatorMtprotoInfo;
        return { ...info, host: new URL(this.config.emulatorUrl).hostname };
      })
      .catch((error: unknown) => {
        this.emulator = undefined;
        throw error;
      });
    return this.emulator;
  }
}

/** A client's session as text (GramJS types `save()` as void on the base class). */
export const sessionOf = (client: TelegramClient): string => client.session.save() as unknown as string;
