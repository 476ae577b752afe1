import { createHmac, timingSafeEqual } from 'node:crypto';
import { until } from '@integrations/testing';
import { WhatsAppEmulatorClient, WhatsAppEmulatorControlError, type CreatedNumber } from './control';
import { startWhatsAppEmulator, type WhatsAppEmulator } from './emulator';
import { startWebhookReceiver, type WebhookReceiver } from './receiver';
import { sendText, statusOf } from './test-helpers';

/** What a receiver does with `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with its app secret. */
function verifies(raw: string, header: string | undefined, secret: string): boolean {
  if (header === undefined || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(raw).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('WhatsApp emulator: webhooks', () => {
  let emu: WhatsAppEmulator;
  let control: WhatsAppEmulatorClient;
  let number: CreatedNumber;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    emu = await startWhatsAppEmulator({ webhook: { retryMs: 10, maxAttempts: 3 } });
    control = new WhatsAppEmulatorClient(emu.url);
    number = await control.createNumber({ displayPhoneNumber: '+1 555 010 0002' });
    receiver = await startWebhookReceiver('the-verify-token');
  });

  afterEach(async () => {
    await emu.stop();
    await receiver.close();
  });

  it('subscribes only after the verification handshake echoes hub.challenge', async () => {
    await expect(
      control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'wrong' }),
    ).rejects.toMatchObject({ status: 422, code: 'WEBHOOK_VERIFICATION_FAILED' });
    expect((await control.number(number.phoneNumberId)).webhookUrl).toBeNull();

    await expect(
      control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'the-verify-token' }),
    ).resolves.toEqual({ url: receiver.url, verified: true });
    const check = receiver.verifications.at(-1)!;
    expect(check.get('hub.mode')).toBe('subscribe');
    expect(check.get('hub.verify_token')).toBe('the-verify-token');
    expect(check.get('hub.challenge')).toMatch(/^\d+$/);
    expect((await control.number(number.phoneNumberId)).webhookUrl).toBe(receiver.url);
  });

  it("subscribes through Graph's per-number override (POST /{phone-number-id}) after the handshake", async () => {
    const override = (verifyToken: string) =>
      fetch(`${emu.url}/v21.0/${number.phoneNumberId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${number.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          webhook_configuration: { override_callback_uri: receiver.url, verify_token: verifyToken },
        }),
      });
    const refused = await override('wrong');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: number } }).error.code).toBe(2200);
    expect((await control.number(number.phoneNumberId)).webhookUrl).toBeNull();

    const accepted = await override('the-verify-token');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ success: true });
    expect((await control.number(number.phoneNumberId)).webhookUrl).toBe(receiver.url);
  });

  it('fails the handshake for an unreachable or non-http callback URL', async () => {
    const closed = await startWebhookReceiver('x');
    await closed.close();
    for (const url of [closed.url, 'ftp://127.0.0.1/x', 'not a url']) {
      const error = await control
        .setWebhook(number.phoneNumberId, { url, verifyToken: 'x' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WhatsAppEmulatorControlError);
      expect((error as WhatsAppEmulatorControlError).code).toBe('WEBHOOK_VERIFICATION_FAILED');
    }
  });

  it("posts inbound messages in Meta's shape, signed with the app secret (a wrong secret fails the check)", async () => {
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'the-verify-token' });
    const inbound = await control.inbound(number.phoneNumberId, {
      from: '+44 7700 900123',
      text: 'hi',
      name: 'Ann',
    });
    const [hook] = await receiver.waitFor(1);
    expect(hook!.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: number.wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550100002', phone_number_id: number.phoneNumberId },
                contacts: [{ profile: { name: 'Ann' }, wa_id: '447700900123' }],
                messages: [
                  {
                    from: '447700900123',
                    id: inbound.id,
                    timestamp: String(inbound.timestamp),
                    type: 'text',
                    text: { body: 'hi' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect(hook!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifies(hook!.raw, hook!.signature, number.appSecret)).toBe(true);
    const other = await control.createNumber();
    expect(verifies(hook!.raw, hook!.signature, other.appSecret)).toBe(false);
    expect(verifies(`${hook!.raw} `, hook!.signature, number.appSecret)).toBe(false);
  });

  it('signs status webhooks too, with conversation and pricing on sent/delivered', async () => {
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'the-verify-token' });
    await control.inbound(number.phoneNumberId, { from: '15551230009', text: 'hello' });
    await sendText(emu, number.accessToken, number.phoneNumberId, '15551230009', 'reply');
    const hooks = await receiver.waitFor(3);
    for (const hook of hooks) expect(verifies(hook.raw, hook.signature, number.appSecret)).toBe(true);
    expect(statusOf(hooks[1]!.body)).toMatchObject({
      status: 'sent',
      conversation: { origin: { type: 'service' } },
      pricing: { category: 'service' },
    });
  });

  it('retries a delivery the receiver refused, in order, and reports it', async () => {
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'the-verify-token' });
    receiver.failNext(2, 503);
    await control.inbound(number.phoneNumberId, { from: '15551230008', text: 'first' });
    await control.inbound(number.phoneNumberId, { from: '15551230008', text: 'second' });
    const hooks = await receiver.waitFor(2);
    const texts = hooks.map(
      (h) =>
        (h.body as { entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[] })
          .entry[0]!.changes[0]!.value.messages[0]!.text.body,
    );
    expect(texts).toEqual(['first', 'second']);
    // The receiver records a POST before it answers: wait for the emulator to have seen both answers.
    await until(async () =>
      (await control.deliveries(number.phoneNumberId)).every((d) => d.state !== 'pending'),
    );
    const deliveries = await control.deliveries(number.phoneNumberId);
    expect(deliveries.map((d) => [d.kind, d.state, d.attempts])).toEqual([
      ['inbound', 'delivered', 3],
      ['inbound', 'delivered', 1],
    ]);
    expect(deliveries[0]!.lastError).toBe('HTTP 503');
  });

  it('gives a delivery up after maxAttempts and goes on with the next', async () => {
    await control.setWebhook(number.phoneNumberId, { url: receiver.url, verifyToken: 'the-verify-token' });
    receiver.failNext(3);
    await control.inbound(number.phoneNumberId, { from: '15551230007', text: 'lost' });
    await control.inbound(number.phoneNumberId, { from: '15551230007', text: 'kept' });
    await receiver.waitFor(1);
    await until(async () =>
      (await control.deliveries(number.phoneNumberId)).every((d) => d.state !== 'pending'),
    );
    expect((await control.deliveries(number.phoneNumberId)).map((d) => d.state)).toEqual([
      'given_up',
      'delivered',
    ]);
  });

  it('drops events of a number without a subscription, as Meta does', async () => {
    await control.inbound(number.phoneNumberId, { from: '15551230006', text: 'nobody listens' });
    expect(await control.deliveries(number.phoneNumberId)).toEqual([]);
  });
});
