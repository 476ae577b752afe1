import { startWhatsAppEmulator, type WhatsAppEmulator } from '../emulator';
import { optionsFromEnv } from '../config';
import { startWebhookReceiver, type WebhookReceiver } from '../receiver';
import { errorOf, graph, sendText, statusOf } from '../test-helpers';
import { WhatsAppEmulatorClient, WhatsAppEmulatorControlError, type CreatedNumber } from './client';

const CUSTOMER = '15551230100';

describe('WhatsApp emulator: control API and faults', () => {
  let emu: WhatsAppEmulator;
  let control: WhatsAppEmulatorClient;
  let number: CreatedNumber;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    emu = await startWhatsAppEmulator({ webhook: { retryMs: 10, maxAttempts: 5 } });
    control = new WhatsAppEmulatorClient(emu.url);
    number = await control.createNumber();
    receiver = await startWebhookReceiver('vt');
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'vt' });
    await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'open the window' });
    await receiver.waitFor(1);
  });

  afterEach(async () => {
    await emu.stop();
    await receiver.close();
  });

  it('creates numbers with their own ids, token and app secret, and never lists the secrets', async () => {
    expect(number.phoneNumberId).toMatch(/^\d{15}$/);
    expect(number.wabaId).toMatch(/^\d{15}$/);
    expect(number.accessToken).toMatch(/^EAA/);
    expect(number.appSecret).toMatch(/^[0-9a-f]{32}$/);
    const listed = JSON.stringify(await control.numbers());
    expect(listed).toContain(number.phoneNumberId);
    expect(listed).not.toContain(number.accessToken);
    expect(listed).not.toContain(number.appSecret);
  });

  it('refuses bad control input with 4xx {error, code} and changes nothing', async () => {
    const reject = (p: Promise<unknown>) => expect(p).rejects.toBeInstanceOf(WhatsAppEmulatorControlError);
    await reject(control.addTemplate(number.phoneNumberId, { name: 'Bad Name', language: 'en', body: 'x' }));
    await reject(control.addTemplate(number.phoneNumberId, { name: 'ok', language: 'english', body: 'x' }));
    await control.addTemplate(number.phoneNumberId, { name: 'ok', language: 'en', body: 'x' });
    await expect(
      control.addTemplate(number.phoneNumberId, { name: 'ok', language: 'en', body: 'y' }),
    ).rejects.toMatchObject({ status: 409, code: 'CONFLICT' });
    await expect(control.inbound('999', { from: CUSTOMER, text: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    await reject(control.inbound(number.phoneNumberId, { from: 'abc', text: 'x' }));
    await reject(control.advanceClock(-5));
    await reject(control.setLimits({ perNumber: { count: -1, windowMs: 1000 } }));
    await reject(control.addFault({ target: 'bot:1', kind: 'error' }));
    await reject(control.createNumber({ displayPhoneNumber: 'not a phone' }));
    expect((await control.number(number.phoneNumberId)).templates).toEqual([
      { name: 'ok', language: 'en', body: 'x' },
    ]);
    expect(await control.faults()).toEqual([]);
    const res = await fetch(`${emu.url}/_emulator/nothing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'NOT_FOUND' });
    const bad = await fetch(`${emu.url}/_emulator/numbers`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
  });

  it('reads only a delivered message', async () => {
    await control.deleteWebhook(number.phoneNumberId);
    await control.advanceClock(25 * 3600);
    const { json } = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'late');
    const id = (json.messages as { id: string }[])[0]!.id;
    await expect(control.read(number.phoneNumberId, id)).rejects.toMatchObject({ status: 409 });
    await expect(control.read(number.phoneNumberId, 'wamid.nope')).rejects.toMatchObject({ status: 404 });
  });

  it('changes the quality rating the Graph API reports', async () => {
    await control.updateNumber(number.phoneNumberId, { qualityRating: 'YELLOW' });
    const { json } = await graph(emu, number.accessToken, 'GET', `/v21.0/${number.phoneNumberId}`);
    expect(json.quality_rating).toBe('YELLOW');
  });

  describe('faults', () => {
    const target = (): string => `number:${number.phoneNumberId}`;

    it('error: answers the given Graph error once, then sends again', async () => {
      await control.addFault({ target: target(), kind: 'error', status: 503, code: 131016, count: 1 });
      const failed = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'a');
      expect(failed.status).toBe(503);
      expect(errorOf(failed.json)).toMatchObject({ code: 131016 });
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'b')).status).toBe(200);
      expect(await control.faults()).toEqual([]);
    });

    it('rate_limit: 130429 for the number it targets only', async () => {
      const other = await control.createNumber();
      await control.addFault({ target: target(), kind: 'rate_limit' });
      const limited = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'a');
      expect([limited.status, errorOf(limited.json).code]).toEqual([429, 130429]);
      expect((await graph(emu, other.accessToken, 'GET', `/v21.0/${other.phoneNumberId}`)).status).toBe(200);
      await control.clearFaults();
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'b')).status).toBe(200);
    });

    it('revoke: the token stops working (190) from then on', async () => {
      await control.addFault({ target: target(), kind: 'revoke', count: 1 });
      for (let i = 0; i < 2; i += 1) {
        const { status, json } = await graph(
          emu,
          number.accessToken,
          'GET',
          `/v21.0/${number.phoneNumberId}`,
        );
        expect([status, errorOf(json).code]).toEqual([401, 190]);
      }
      expect((await control.number(number.phoneNumberId)).revoked).toBe(true);
    });

    it('drop: the connection closes without an answer', async () => {
      await control.addFault({ target: '*', kind: 'drop', count: 1 });
      await expect(sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'a')).rejects.toThrow();
      expect(await control.messages(number.phoneNumberId)).toEqual([]);
    });

    it('latency: the answer still comes, and the fault is used up', async () => {
      await control.addFault({ target: target(), kind: 'latency', ms: 50, count: 1 });
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'slow')).status).toBe(
        200,
      );
      expect(await control.faults()).toEqual([]);
    });

    it('undeliverable: accepted, then failed by webhook with 131026', async () => {
      await control.addFault({ target: target(), kind: 'undeliverable', count: 1 });
      const { status, json } = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'x');
      expect(status).toBe(200);
      const id = (json.messages as { id: string }[])[0]!.id;
      const hooks = await receiver.waitFor(2);
      expect(statusOf(hooks[1]!.body)).toMatchObject({
        id,
        status: 'failed',
        errors: [expect.objectContaining({ code: 131026 })],
      });
    });

    it('webhook_down: the delivery is retried until it goes through', async () => {
      await control.addFault({ target: target(), kind: 'webhook_down', count: 2 });
      await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'again' });
      await receiver.waitFor(2);
      const deliveries = await control.deliveries(number.phoneNumberId);
      expect(deliveries[1]).toMatchObject({ attempts: 3, lastError: 'webhook_down fault' });
    });

    it('lists and removes one fault', async () => {
      const { id } = await control.addFault({ target: '*', kind: 'latency', ms: 1 });
      expect(await control.faults()).toEqual([expect.objectContaining({ id, kind: 'latency', target: '*' })]);
      await control.removeFault(id);
      expect(await control.faults()).toEqual([]);
      await expect(control.removeFault(id)).rejects.toMatchObject({ status: 404 });
    });
  });

  it('reset empties the world', async () => {
    await control.reset();
    expect(await control.numbers()).toEqual([]);
    const { status } = await graph(emu, number.accessToken, 'GET', `/v21.0/${number.phoneNumberId}`);
    expect(status).toBe(401);
  });
});

describe('WhatsApp emulator: configuration', () => {
  it('defaults to 127.0.0.1:8091 and reads WHATSAPP_EMULATOR_*', () => {
    expect(optionsFromEnv({})).toEqual({ host: '127.0.0.1', port: 8091, allowRemote: false });
    expect(optionsFromEnv({ WHATSAPP_EMULATOR_PORT: '9100', WHATSAPP_EMULATOR_LIMITS: 'off' })).toMatchObject(
      {
        port: 9100,
        limits: { enabled: false },
      },
    );
    expect(() => optionsFromEnv({ WHATSAPP_EMULATOR_PORT: 'x' })).toThrow(/WHATSAPP_EMULATOR_PORT/);
  });

  it('refuses a non-loopback host unless allowed', async () => {
    await expect(startWhatsAppEmulator({ host: '0.0.0.0' })).rejects.toThrow(/refusing to listen/);
  });
});
