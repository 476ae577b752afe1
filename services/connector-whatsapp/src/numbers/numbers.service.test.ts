import { secretFieldsOf } from '@integrations/messaging';
import { LocalKeyringCipher } from '@integrations/secrets';
import type { OutboxEnvelope } from '@integrations/persistence';
import { GraphApiError } from '../graph/graph-client';
import { fakeEnvelope } from '../testing/fakes';
import { toNumber, type NumberRow, type NumberStore } from './numbers.repository';
import { NumbersService, WHATSAPP_KEY } from './numbers.service';

/** Numbers in memory, with the events they enqueued. */
class FakeNumberStore implements NumberStore {
  readonly rows = new Map<string, NumberRow>();
  readonly events: OutboxEnvelope[] = [];
  async find(id: string) {
    return this.rows.get(id);
  }
  async findByPhone(userId: string, phoneNumberId: string) {
    return [...this.rows.values()].find((r) => r.user_id === userId && r.phone_number_id === phoneNumberId);
  }
  async owners(phoneNumberId: string) {
    return [...this.rows.values()].filter(
      (r) => r.phone_number_id === phoneNumberId && r.status === 'active',
    );
  }
  async ownedBy(userId: string) {
    return [...this.rows.values()].filter((r) => r.user_id === userId);
  }
  async list() {
    return { items: [...this.rows.values()].map(toNumber), nextCursor: null };
  }
  async insert(row: NumberRow, event: OutboxEnvelope) {
    if (await this.findByPhone(row.user_id, row.phone_number_id)) return false;
    this.rows.set(row.id, row);
    this.events.push(event);
    return true;
  }
  async lifecycle(row: NumberRow) {
    return row;
  }
  async remove(id: string, event: OutboxEnvelope) {
    this.rows.delete(id);
    this.events.push(event);
  }
  async markRevoked(id: string, detail: string) {
    const row = this.rows.get(id)!;
    this.rows.set(id, { ...row, status: 'revoked', last_error: detail });
  }
  async purgeMessages(_userId: string, event: (messages: number) => OutboxEnvelope) {
    this.events.push(event(3));
    return 3;
  }
}

const info = {
  id: '100',
  display_phone_number: '15550100001',
  verified_name: 'Shop',
  quality_rating: 'GREEN',
};
const alice = { userId: 'alice', admin: false };
const connect = { phoneNumberId: '100', accessToken: 'EAAG-token', appSecret: 'app-secret' };

function setup(graph: { describe?: () => Promise<typeof info>; subscribe?: () => Promise<void> } = {}) {
  const store = new FakeNumberStore();
  const subscribed: unknown[] = [];
  const service = new NumbersService({
    store,
    cipher: LocalKeyringCipher.fromJson('{}'),
    hashKey: 'hash-key',
    graph: {
      describeNumber: graph.describe ?? (async () => info),
      subscribe: async (...args) => {
        subscribed.push(args);
        await graph.subscribe?.();
      },
      forget: () => undefined,
    },
    makeEnvelope: fakeEnvelope,
    relay: { kick: () => undefined },
    webhookBaseUrl: () => 'https://hooks.example',
  });
  return { store, service, subscribed };
}

describe('NumbersService', () => {
  it('connects: Meta describes the number, secrets are sealed to the row, the callback URL is subscribed', async () => {
    const { store, service, subscribed } = setup();
    const number = await service.connect(alice, connect, alice);
    expect(number).toMatchObject({
      phoneNumberId: '100',
      verifiedName: 'Shop',
      qualityRating: 'GREEN',
      webhookUrl: `https://hooks.example/whatsapp/webhooks/${number.id}`,
      lastError: null,
    });
    const row = store.rows.get(number.id)!;
    expect(JSON.stringify(row)).not.toContain('EAAG-token');
    expect(JSON.stringify(row)).not.toContain('app-secret');
    expect(await service.tokenOf(row)).toBe('EAAG-token');
    expect(await service.appSecretOf(row)).toBe('app-secret');
    // Bound to the row: the token's ciphertext does not open as the secret, nor in another row.
    await expect(service.appSecretOf({ ...row, app_secret_enc: row.access_token_enc })).rejects.toThrow();
    await expect(service.tokenOf({ ...row, id: 'another' })).rejects.toThrow();
    expect(subscribed).toEqual([['100', 'EAAG-token', number.webhookUrl, service.verifyTokenOf(number.id)]]);
    expect(store.events.map((e) => e.type)).toEqual(['whatsapp.number.connected']);
    expect(WHATSAPP_KEY).toBe('whatsapp-numbers');
  });

  it('refuses a token Meta refuses and a second connection, storing nothing', async () => {
    const refused = setup({
      describe: async () => {
        throw new GraphApiError(401, 190, 'Invalid OAuth access token');
      },
    });
    await expect(refused.service.connect(alice, connect, alice)).rejects.toMatchObject({
      code: 'WHATSAPP_TOKEN_INVALID',
    });
    expect(refused.store.rows.size).toBe(0);
    const { service, store } = setup();
    await service.connect(alice, connect, alice);
    await expect(service.connect(alice, connect, alice)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(store.rows.size).toBe(1);
  });

  it('keeps a number whose callback URL Meta refused, saying so in lastError', async () => {
    const { service } = setup({
      subscribe: async () => {
        throw new GraphApiError(400, 2200, 'Callback verification failed');
      },
    });
    const number = await service.connect(alice, connect, alice);
    expect(number.webhookUrl).toBeNull();
    expect(number.lastError).toMatch(/could not be subscribed/);
  });

  it('refuses sends through a paused or revoked number, and purges a user', async () => {
    const { service, store } = setup();
    const number = await service.connect(alice, connect, alice);
    store.rows.set(number.id, { ...store.rows.get(number.id)!, is_active: 0 });
    await expect(service.sendable(alice, number.id)).rejects.toMatchObject({ code: 'INTEGRATION_PAUSED' });
    store.rows.set(number.id, { ...store.rows.get(number.id)!, is_active: 1, status: 'revoked' });
    await expect(service.sendable(alice, number.id)).rejects.toMatchObject({
      code: 'WHATSAPP_TOKEN_INVALID',
    });
    await expect(service.sendable({ userId: 'bob', admin: false }, number.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await service.purgeUser('alice', alice)).toEqual({
      userId: 'alice',
      service: 'connector-whatsapp',
      counts: { numbers: 1, messages: 3 },
    });
    expect(store.rows.size).toBe(0);
  });

  it("names the connect command's token and app secret as secret fields (sealed in retry queues, redacted)", () => {
    expect(secretFieldsOf('whatsapp.number.connect').sort()).toEqual(['accessToken', 'appSecret']);
  });
});
