import { createHmac } from 'node:crypto';
import type { NumberRow } from '../numbers/numbers.repository';
import { FakeMessageStore, fakeEnvelope, testMetrics } from '../testing/fakes';
import type { StatusUpdate } from '../messages/messages.service';
import { WebhooksService } from './webhooks.service';

const row = (id: string, userId: string): NumberRow =>
  ({ id, user_id: userId, phone_number_id: '100', status: 'active', is_active: 1 }) as NumberRow;

function setup() {
  const store = new FakeMessageStore();
  const applied: StatusUpdate[] = [];
  const owners = [row('n-alice', 'alice'), row('n-bob', 'bob')];
  const metrics = testMetrics();
  const service = new WebhooksService({
    numbers: { appSecretOf: async () => 'app-secret', verifyTokenOf: (id) => `vt-${id}` },
    numberStore: { find: async (id) => owners.find((o) => o.id === id), owners: async () => owners },
    messages: { applyStatus: async (s) => void applied.push(s) },
    store,
    makeEnvelope: fakeEnvelope,
    relay: { kick: () => undefined },
    metrics,
  });
  return { store, applied, service, metrics };
}

const delivery = Buffer.from(
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        changes: [
          {
            field: 'messages',
            value: {
              metadata: { phone_number_id: '100' },
              statuses: [{ id: 'wamid.1', status: 'delivered', timestamp: '1764669600' }],
              messages: [
                { id: 'wamid.in', from: '1555', timestamp: '1764669601', type: 'text', text: { body: 'hi' } },
              ],
            },
          },
        ],
      },
    ],
  }),
);
const signed = (raw: Buffer, secret = 'app-secret') =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('WebhooksService', () => {
  it('takes a signed delivery: statuses applied, one inbound event per owner, none again on redelivery', async () => {
    const { service, store, applied } = setup();
    expect(await service.receive('n-alice', delivery, signed(delivery))).toEqual({ status: 200 });
    expect(await service.receive('n-alice', delivery, signed(delivery))).toEqual({ status: 200 });
    expect(applied.map((s) => s.status)).toEqual(['delivered', 'delivered']);
    const received = store.events.filter((e) => e.type === 'whatsapp.message.received');
    expect(received.map((e) => (e as unknown as { data: { userId: string } }).data.userId)).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('refuses a wrong signature, an unknown number and a wrong verify token, reading nothing', async () => {
    const { service, store, applied, metrics } = setup();
    expect(await service.receive('n-alice', delivery, signed(delivery, 'forged'))).toEqual({
      status: 401,
      reason: 'signature',
    });
    expect(await service.receive('nope', delivery, signed(delivery))).toMatchObject({ status: 404 });
    expect(applied).toEqual([]);
    expect(store.events).toEqual([]);
    const query = (token: string) =>
      new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '42' });
    expect(service.verify('n-alice', query('vt-n-alice'))).toEqual({ status: 200, body: '42' });
    expect(service.verify('n-alice', query('vt-n-bob'))).toMatchObject({ status: 403 });
    expect((await metrics.webhookRejected.get()).values.map((v) => [v.labels['reason'], v.value])).toEqual([
      ['signature', 1],
      ['unknown_number', 1],
      ['verify_token', 1],
    ]);
  });
});
