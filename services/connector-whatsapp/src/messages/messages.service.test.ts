import { lostConnection } from '@integrations/testing';
import type { Envelope, WhatsAppMessageStatusEvent } from '@integrations/contracts';
import { GraphApiError } from '../graph/graph-client';
import type { NumberRow } from '../numbers/numbers.repository';
import { FakeMessageStore, fakeEnvelope, quietLogger, testMetrics } from '../testing/fakes';
import { MessagesService, type StatusUpdate } from './messages.service';

const number: NumberRow = {
  id: 'num-1',
  user_id: 'alice',
  phone_number_id: '100200300',
  display_phone_number: '15550100001',
  verified_name: 'Shop',
  quality_rating: 'GREEN',
  access_token_enc: 'sealed',
  access_token_key_version: 1,
  app_secret_enc: 'sealed',
  app_secret_key_version: 1,
  status: 'active',
  is_active: 1,
  label: null,
  webhook_url: null,
  last_error: null,
  created_at: new Date(),
  updated_at: new Date(),
};

const envelope = (extra: Partial<Envelope> = {}): Envelope =>
  ({ ...fakeEnvelope('whatsapp.number.send', {}, { userId: 'alice' }), ...extra }) as Envelope;

function setup(
  send: () => Promise<{ wamid: string }> = async () => ({ wamid: 'wamid.1' }),
  metrics = testMetrics(),
) {
  const store = new FakeMessageStore();
  store.numbers.set(number.id, number);
  const revoked: string[] = [];
  const calls: unknown[] = [];
  const service = new MessagesService({
    store,
    numbers: {
      sendable: async () => number,
      tokenOf: async () => 'token',
      markRevoked: async (row) => void revoked.push(row.id),
    },
    send: async (...args) => {
      calls.push(args);
      return send();
    },
    makeEnvelope: fakeEnvelope,
    relay: { kick: () => undefined },
    metrics,
    logger: quietLogger(),
  });
  const statuses = () =>
    store.events
      .filter((e) => e.type === 'whatsapp.message.status')
      .map((e) => (e as unknown as { data: WhatsAppMessageStatusEvent }).data.status);
  return { store, service, revoked, calls, statuses };
}

const status = (s: StatusUpdate['status'], extra: Partial<StatusUpdate> = {}): StatusUpdate => ({
  wamid: 'wamid.1',
  status: s,
  at: new Date(),
  metaCode: null,
  title: null,
  ...extra,
});
const alice = { userId: 'alice', admin: false };

/** A send whose call to Meta answers `wamid.1` only once `release()` is called. */
function sendHeldAtMeta() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { service, statuses } = setup(async () => {
    await gate;
    return { wamid: 'wamid.1' };
  });
  const pending = service.send(alice, { numberId: number.id, to: '15551230001', text: 'hi' }, envelope());
  return { service, statuses, pending, release };
}

describe('MessagesService', () => {
  it('sends a text: accepted with its wamid, then follows sent, delivered and read', async () => {
    const { service, statuses, calls } = setup();
    const message = await service.send(
      alice,
      { numberId: number.id, to: '+15551230001', text: 'hi' },
      envelope(),
    );
    expect(message).toMatchObject({ status: 'accepted', wamid: 'wamid.1', to: '15551230001', type: 'text' });
    expect(calls[0]).toEqual([number, 'token', '15551230001', { type: 'text', text: { body: 'hi' } }]);
    for (const s of ['sent', 'delivered', 'read'] as const) await service.applyStatus(status(s));
    expect((await service.get(alice, message.id)).status).toBe('read');
    expect(statuses()).toEqual(['accepted', 'sent', 'delivered', 'read']);
  });

  it("applies status webhooks that overtook Meta's answer when the answer is stored", async () => {
    const { service, statuses, pending, release } = sendHeldAtMeta();
    await service.applyStatus(status('delivered'));
    await service.applyStatus(status('sent'));
    release();
    const message = await pending;
    expect(message.status).toBe('delivered');
    expect(statuses()).toEqual(['accepted', 'sent', 'delivered']);
  });

  it('records a send Meta accepted once, whatever the database does: failed writes, a lost answer', async () => {
    const { service, store, statuses } = setup();
    const settle = store.settleAccepted.bind(store);
    jest
      .spyOn(store, 'settleAccepted')
      .mockRejectedValueOnce(lostConnection())
      .mockImplementationOnce(async (...args) => {
        await settle(...args); // committed, and the answer lost on the way back
        throw lostConnection('connection lost after the commit');
      })
      .mockImplementation(settle);
    const message = await service.send(
      alice,
      { numberId: number.id, to: '15551230001', text: 'hi' },
      envelope(),
    );
    expect(message).toMatchObject({ status: 'accepted', wamid: 'wamid.1' });
    expect(store.settleAccepted).toHaveBeenCalledTimes(3);
    expect(statuses()).toEqual(['accepted']);
    expect((await service.get(alice, message.id)).status).toBe('accepted');
  });

  it('counts a failure once: a plan written again, a redelivered webhook, a lost answer', async () => {
    const failedCount = async (metrics: ReturnType<typeof testMetrics>) =>
      (await metrics.failed.get()).values.reduce((sum, v) => sum + v.value, 0);
    // A failed status overtakes Meta's answer; the answer's record is planned, then its write fails before the
    // commit and is written again: two plans, one failure.
    const metrics = testMetrics();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { service, store } = setup(async () => {
      await gate;
      return { wamid: 'wamid.1' };
    }, metrics);
    const settle = store.settleAccepted.bind(store);
    jest
      .spyOn(store, 'settleAccepted')
      .mockImplementationOnce(async (id, wamid, plan) => {
        plan(
          { ...(await store.find(id))! },
          store.statuses.filter((s) => s.wamid === wamid),
        );
        throw lostConnection('connection lost before the commit');
      })
      .mockImplementation(settle);
    const pending = service.send(alice, { numberId: number.id, to: '15551230001', text: 'hi' }, envelope());
    const failure = { metaCode: 131047, title: 'Re-engagement message' };
    await service.applyStatus(status('failed', failure));
    release();
    expect(await pending).toMatchObject({ status: 'failed' });
    expect(store.settleAccepted).toHaveBeenCalledTimes(2);
    expect(await failedCount(metrics)).toBe(1);
    await service.applyStatus(status('failed', failure));
    expect(await failedCount(metrics)).toBe(1);

    // The commit went through and its answer was lost: the next try plans nothing, and the failure still counts.
    const lost = testMetrics();
    const second = setup(async () => ({ wamid: 'wamid.2' }), lost);
    await second.service.applyStatus(status('failed', { ...failure, wamid: 'wamid.2' }));
    const settleSecond = second.store.settleAccepted.bind(second.store);
    jest
      .spyOn(second.store, 'settleAccepted')
      .mockImplementationOnce(async (...args) => {
        await settleSecond(...args);
        throw lostConnection('connection lost after the commit');
      })
      .mockImplementation(settleSecond);
    const message = await second.service.send(
      alice,
      { numberId: number.id, to: '15551230002', text: 'x' },
      envelope(),
    );
    expect(message).toMatchObject({ status: 'failed' });
    expect(await failedCount(lost)).toBe(1);
  });

  it("never takes a state back, ignores a redelivered status, and fails with the code of Meta's error", async () => {
    const { service, statuses } = setup();
    const message = await service.send(
      alice,
      { numberId: number.id, to: '15551230001', text: 'hi' },
      envelope(),
    );
    await service.applyStatus(status('read'));
    await service.applyStatus(status('delivered'));
    await service.applyStatus(status('read'));
    expect(statuses()).toEqual(['accepted', 'read']);
    expect((await service.get(alice, message.id)).status).toBe('read');

    const second = setup(async () => ({ wamid: 'wamid.2' }));
    const other = await second.service.send(
      alice,
      { numberId: number.id, to: '15551230002', text: 'x' },
      envelope(),
    );
    await second.service.applyStatus(
      status('failed', { wamid: 'wamid.2', metaCode: 131047, title: 'Re-engagement message' }),
    );
    expect(await second.service.get(alice, other.id)).toMatchObject({
      status: 'failed',
      error: { code: 'WHATSAPP_WINDOW_CLOSED', metaCode: 131047 },
    });
  });

  it('answers a repeated message id with the first message and sends once', async () => {
    const { service, calls } = setup();
    const data = { numberId: number.id, to: '15551230001', text: 'once', messageId: 'm-1' };
    const first = await service.send(alice, data, envelope());
    const again = await service.send(alice, data, envelope());
    expect(again).toEqual(first);
    expect(calls).toHaveLength(1);
    await expect(
      service.send({ userId: 'bob', admin: false }, data, envelope({ userid: 'bob' })),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("fails a send Meta refuses, keeps Meta's code, and marks the number revoked on 190", async () => {
    const refused = setup(async () => {
      throw new GraphApiError(404, 132001, 'template name does not exist');
    });
    await expect(
      refused.service.send(
        alice,
        {
          numberId: number.id,
          to: '15551230001',
          template: { name: 'x', language: 'en_US' },
          messageId: 't-1',
        },
        envelope(),
      ),
    ).rejects.toMatchObject({ code: 'WHATSAPP_TEMPLATE_NOT_FOUND' });
    expect(await refused.service.get(alice, 't-1')).toMatchObject({
      status: 'failed',
      error: { code: 'WHATSAPP_TEMPLATE_NOT_FOUND', metaCode: 132001 },
    });
    expect(refused.statuses()).toEqual(['failed']);

    const revoked = setup(async () => {
      throw new GraphApiError(401, 190, 'Invalid OAuth access token');
    });
    await expect(
      revoked.service.send(alice, { numberId: number.id, to: '15551230001', text: 'x' }, envelope()),
    ).rejects.toMatchObject({ code: 'WHATSAPP_TOKEN_INVALID' });
    expect(revoked.revoked).toEqual([number.id]);
  });

  it('refuses both or neither of text and template before anything is stored', async () => {
    const { service, store } = setup();
    await expect(
      service.send(alice, { numberId: number.id, to: '15551230001' }, envelope()),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(store.rows.size).toBe(0);
  });

  it('answers an async send as queued and delivers it in the background', async () => {
    const { service } = setup();
    const message = await service.send(
      alice,
      { numberId: number.id, to: '15551230001', text: 'later', async: true },
      envelope(),
    );
    expect(message.status).toBe('queued');
    await service.drain();
    expect((await service.get(alice, message.id)).status).toBe('accepted');
  });

  it('checks a send that waited behind its recipient against the number as it is when its turn comes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { service, store, calls } = setup(async () => {
      await gate;
      return { wamid: `wamid.${calls.length}` };
    });
    const send = (text: string) =>
      service.send(alice, { numberId: number.id, to: '15551230001', text, async: true }, envelope());
    const first = await send('first');
    const second = await send('second');
    // Paused while the second waits behind the first, which Meta is answering.
    store.numbers.set(number.id, { ...number, is_active: 0 });
    release();
    await service.drain();
    expect(calls).toHaveLength(1);
    expect((await service.get(alice, first.id)).status).toBe('accepted');
    expect(await service.get(alice, second.id)).toMatchObject({
      status: 'failed',
      error: { code: 'INTEGRATION_PAUSED' },
    });
  });

  it('leaves alone a send this replica is still delivering, however long ago it was claimed', async () => {
    const { service, statuses, pending, release } = sendHeldAtMeta();
    await new Promise((resolve) => setImmediate(resolve));
    // As a sweep long after the claim sees it (a slow Meta, or a record written again while MariaDB was away).
    expect(await service.settleOrphans(0, new Date(Date.now() + 3_600_000))).toBe(0);
    release();
    expect(await pending).toMatchObject({ status: 'accepted' });
    expect(statuses()).toEqual(['accepted']);
  });

  it('fails sends left claimed by a stopped replica as UPSTREAM_TIMEOUT, and only those', async () => {
    const { service, store, statuses } = setup();
    const now = new Date();
    const base = await service.send(
      alice,
      { numberId: number.id, to: '15551230001', text: 'done' },
      envelope(),
    );
    const row = (await store.find(base.id))!;
    store.rows.set('orphan', {
      ...row,
      id: 'orphan',
      status: 'sending',
      wamid: null,
      delivery: null,
      updated_at: new Date(now.getTime() - 60_000),
    });
    store.rows.set('fresh', {
      ...row,
      id: 'fresh',
      status: 'sending',
      wamid: null,
      delivery: null,
      updated_at: now,
    });
    expect(await service.settleOrphans(30_000, now)).toBe(1);
    expect(await service.get(alice, 'orphan')).toMatchObject({
      status: 'failed',
      error: { code: 'UPSTREAM_TIMEOUT' },
    });
    expect((await service.get(alice, 'fresh')).status).toBe('queued');
    expect(statuses().at(-1)).toBe('failed');
  });
});
