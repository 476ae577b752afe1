import { WhatsAppEmulatorClient, type CreatedNumber } from './control';
import { startWhatsAppEmulator, type WhatsAppEmulator } from './emulator';
import { startWebhookReceiver, type WebhookReceiver } from './receiver';
import { errorOf, graph, sendText, statusOf } from './test-helpers';

const CUSTOMER = '15551230001';

describe('WhatsApp emulator: Graph API', () => {
  let emu: WhatsAppEmulator;
  let control: WhatsAppEmulatorClient;
  let number: CreatedNumber;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    emu = await startWhatsAppEmulator();
    control = new WhatsAppEmulatorClient(emu.url);
    number = await control.createNumber({ displayPhoneNumber: '+1 555 010 0001', verifiedName: 'Shop' });
    receiver = await startWebhookReceiver('verify-me');
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'verify-me' });
  });

  afterEach(async () => {
    await emu.stop();
    await receiver.close();
  });

  it('describes the number for its token', async () => {
    const { status, json } = await graph(emu, number.accessToken, 'GET', `/v21.0/${number.phoneNumberId}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: number.phoneNumberId,
      display_phone_number: '+1 555 010 0001',
      verified_name: 'Shop',
      quality_rating: 'GREEN',
    });
    const narrowed = await graph(
      emu,
      number.accessToken,
      'GET',
      `/v21.0/${number.phoneNumberId}?fields=quality_rating`,
    );
    expect(narrowed.json).toEqual({ quality_rating: 'GREEN', id: number.phoneNumberId });
  });

  it('refuses a missing, invalid or foreign token with Graph errors', async () => {
    const path = `/v21.0/${number.phoneNumberId}`;
    const none = await graph(emu, undefined, 'GET', path);
    expect(none.status).toBe(400);
    expect(errorOf(none.json)).toMatchObject({ code: 2500, type: 'OAuthException' });

    const bad = await graph(emu, 'EAAnot-a-token', 'GET', path);
    expect(bad.status).toBe(401);
    expect(errorOf(bad.json)).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(typeof errorOf(bad.json).fbtrace_id).toBe('string');
    expect(errorOf(bad.json).message).toContain('Invalid OAuth access token');

    const other = await control.createNumber();
    const foreign = await graph(emu, other.accessToken, 'POST', `${path}/messages`, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      text: { body: 'hi' },
    });
    expect(foreign.status).toBe(400);
    expect(errorOf(foreign.json)).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
    });
    expect(await control.messages(number.phoneNumberId)).toEqual([]);

    const templates = await graph(
      emu,
      number.accessToken,
      'GET',
      `/v21.0/${number.wabaId}/message_templates`,
    );
    expect([templates.status, errorOf(templates.json).code]).toEqual([400, 2500]);
  });

  it('accepts a text inside the window: sent and delivered by webhook, read when the customer reads', async () => {
    await control.inbound(number.phoneNumberId, { from: `+${CUSTOMER}`, text: 'hello' });
    await receiver.waitFor(1);
    const { status, json } = await sendText(
      emu,
      number.accessToken,
      number.phoneNumberId,
      `+${CUSTOMER}`,
      'hi!',
    );
    expect(status).toBe(200);
    const id = (json.messages as { id: string }[])[0]!.id;
    expect(json).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }],
      messages: [{ id }],
    });
    expect(id).toMatch(/^wamid\./);
    const got = await receiver.waitFor(3);
    expect(got.slice(1).map((w) => statusOf(w.body))).toEqual([
      expect.objectContaining({ id, status: 'sent', recipient_id: CUSTOMER }),
      expect.objectContaining({ id, status: 'delivered', recipient_id: CUSTOMER }),
    ]);
    expect(await control.messages(number.phoneNumberId)).toEqual([
      expect.objectContaining({ id, to: CUSTOMER, type: 'text', text: 'hi!', status: 'delivered' }),
    ]);

    await control.read(number.phoneNumberId, id);
    const all = await receiver.waitFor(4);
    expect(statusOf(all[3]!.body)).toMatchObject({ id, status: 'read' });
    expect((await control.messages(number.phoneNumberId))[0]!.status).toBe('read');
  });

  it('accepts a free-form text outside the window, then fails it by webhook with 131047', async () => {
    const { status, json } = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'cold');
    expect(status).toBe(200);
    const id = (json.messages as { id: string }[])[0]!.id;
    const [hook] = await receiver.waitFor(1);
    expect(statusOf(hook!.body)).toMatchObject({
      id,
      status: 'failed',
      recipient_id: CUSTOMER,
      errors: [expect.objectContaining({ code: 131047, title: 'Re-engagement message' })],
    });
    expect(await control.messages(number.phoneNumberId)).toEqual([
      expect.objectContaining({ id, status: 'failed', errors: [expect.objectContaining({ code: 131047 })] }),
    ]);
  });

  it('closes the window 24 hours after the customer wrote (clock advance)', async () => {
    await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'hello' });
    await control.advanceClock(23 * 3600);
    await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'still open');
    await control.advanceClock(3600);
    await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'closed now');
    const sent = await control.messages(number.phoneNumberId);
    expect(sent.map((m) => [m.text, m.status])).toEqual([
      ['still open', 'delivered'],
      ['closed now', 'failed'],
    ]);
  });

  it("measures the window from the customer's last message", async () => {
    await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'first' });
    await control.advanceClock(20 * 3600);
    await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'again' });
    await control.advanceClock(20 * 3600);
    await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'forty hours after the first');
    expect((await control.messages(number.phoneNumberId))[0]!.status).toBe('delivered');
  });

  describe('templates', () => {
    const template = (name: string, code: string, params: string[] = []) => ({
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: {
        name,
        language: { code },
        components: [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }],
      },
    });
    const path = (): string => `/v21.0/${number.phoneNumberId}/messages`;

    beforeEach(async () => {
      await control.addTemplate(number.phoneNumberId, {
        name: 'order_shipped',
        language: 'en_US',
        body: 'Hi {{1}}, order {{2}} shipped.',
      });
    });

    it('delivers an approved template outside the window, rendered', async () => {
      const { status, json } = await graph(
        emu,
        number.accessToken,
        'POST',
        path(),
        template('order_shipped', 'en_US', ['Ann', '42']),
      );
      expect(status).toBe(200);
      expect((json.messages as unknown[])[0]).toMatchObject({ message_status: 'accepted' });
      await receiver.waitFor(2);
      expect(await control.messages(number.phoneNumberId)).toEqual([
        expect.objectContaining({
          type: 'template',
          status: 'delivered',
          template: {
            name: 'order_shipped',
            language: 'en_US',
            parameters: ['Ann', '42'],
            body: 'Hi Ann, order 42 shipped.',
          },
        }),
      ]);
    });

    it('refuses an unknown name or language with 132001 and wrong parameters with 132000', async () => {
      const unknown = await graph(
        emu,
        number.accessToken,
        'POST',
        path(),
        template('nope', 'en_US', ['a', 'b']),
      );
      expect(unknown.status).toBe(404);
      expect(errorOf(unknown.json)).toMatchObject({ code: 132001 });
      expect(errorOf(unknown.json).error_data).toMatchObject({ messaging_product: 'whatsapp' });

      const language = await graph(
        emu,
        number.accessToken,
        'POST',
        path(),
        template('order_shipped', 'de', ['a', 'b']),
      );
      expect(errorOf(language.json)).toMatchObject({ code: 132001 });

      const params = await graph(
        emu,
        number.accessToken,
        'POST',
        path(),
        template('order_shipped', 'en_US', ['a']),
      );
      expect(params.status).toBe(400);
      expect(errorOf(params.json)).toMatchObject({ code: 132000 });
      expect(await control.messages(number.phoneNumberId)).toEqual([]);
    });
  });

  it('refuses malformed sends with code 100 and stores nothing', async () => {
    const path = `/v21.0/${number.phoneNumberId}/messages`;
    const bodies: unknown[] = [
      { to: CUSTOMER, text: { body: 'no product' } },
      { messaging_product: 'whatsapp', text: { body: 'no to' } },
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: {} },
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'x'.repeat(4097) } },
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'location', location: {} },
      { messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: {} },
    ];
    for (const body of bodies) {
      const { status, json } = await graph(emu, number.accessToken, 'POST', path, body);
      expect([status, errorOf(json).code]).toEqual([400, 100]);
    }
    expect(await control.messages(number.phoneNumberId)).toEqual([]);
  });

  it('sends media by link inside the window', async () => {
    await control.inbound(number.phoneNumberId, { from: CUSTOMER, text: 'send me the pic' });
    const { status } = await graph(
      emu,
      number.accessToken,
      'POST',
      `/v21.0/${number.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        type: 'image',
        image: { link: 'https://example.com/a.png', caption: 'here' },
      },
    );
    expect(status).toBe(200);
    expect(await control.messages(number.phoneNumberId)).toEqual([
      expect.objectContaining({
        type: 'image',
        media: { link: 'https://example.com/a.png', caption: 'here' },
        status: 'delivered',
      }),
    ]);
  });

  describe('throughput', () => {
    it('answers 130429 once the per-number rate is used up; the clock frees it', async () => {
      await control.setLimits({ perNumber: { count: 2, windowMs: 1000 } });
      const to = (i: number): string => `1555000000${i}`;
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, to(1), 'a')).status).toBe(200);
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, to(2), 'b')).status).toBe(200);
      const third = await sendText(emu, number.accessToken, number.phoneNumberId, to(3), 'c');
      expect(third.status).toBe(429);
      expect(errorOf(third.json)).toMatchObject({ code: 130429, type: 'OAuthException' });
      await control.advanceClock(1);
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, to(3), 'c')).status).toBe(200);
      expect(await control.messages(number.phoneNumberId)).toHaveLength(3);
    });

    it('answers 131056 for too many messages to one customer; another customer still gets through', async () => {
      await control.setLimits({ perPair: { count: 1, windowMs: 6000 } });
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'a')).status).toBe(200);
      const again = await sendText(emu, number.accessToken, number.phoneNumberId, CUSTOMER, 'b');
      expect(again.status).toBe(400);
      expect(errorOf(again.json)).toMatchObject({ code: 131056 });
      expect((await sendText(emu, number.accessToken, number.phoneNumberId, '15559990000', 'c')).status).toBe(
        200,
      );
    });
  });
});
