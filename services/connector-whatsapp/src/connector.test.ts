import type {
  Envelope,
  WhatsAppMessage,
  WhatsAppMessageStatusEvent,
  WhatsAppNumber,
  WhatsAppNumberPage,
} from '@integrations/contracts';
import { Messaging, type MessageContext } from '@integrations/messaging';
import { createLogger } from '@integrations/observability';
import {
  createTestDatabase,
  createTestVhost,
  infra,
  until,
  type TestDatabase,
  type TestVhost,
} from '@integrations/testing';
import {
  startWhatsAppEmulator,
  WhatsAppEmulatorClient,
  type CreatedNumber,
  type WhatsAppEmulator,
} from '@integrations/whatsapp-emulator';
import { createHmac, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { startWhatsAppConnector, type WhatsAppConnector } from './app';
import { loadConfig } from './config';

const CUSTOMER = '15551230001';

describe('connector-whatsapp against the emulator', () => {
  let emulator: WhatsAppEmulator;
  let control: WhatsAppEmulatorClient;
  let database: TestDatabase;
  let vhost: TestVhost;
  let connector: WhatsAppConnector;
  let client: Messaging;
  const events: Envelope[] = [];
  const logLines: string[] = [];
  const alice: MessageContext = { userId: 'alice' };

  beforeAll(async () => {
    emulator = await startWhatsAppEmulator({ webhook: { retryMs: 20, maxAttempts: 5 } });
    control = new WhatsAppEmulatorClient(emulator.url);
    [database, vhost] = await Promise.all([createTestDatabase('wa'), createTestVhost('wa')]);
    const logStream = new PassThrough();
    logStream.on('data', (chunk: Buffer) => logLines.push(chunk.toString()));
    connector = await startWhatsAppConnector(
      loadConfig({
        AMQP_URL: vhost.url,
        MYSQL_URL: infra.mysqlUrl,
        WHATSAPP_DATABASE: database.name,
        CONNECTOR_WHATSAPP_PORT: '0',
        CONNECTOR_WHATSAPP_WEBHOOK_PORT: '0',
        CONNECTOR_WHATSAPP_HOST: '127.0.0.1',
        WHATSAPP_GRAPH_URL: emulator.url,
        WHATSAPP_BREAKER_RESET_MS: '60000',
        SECRETS_KEYRING: JSON.stringify({ 'whatsapp-numbers': { '1': randomBytes(32).toString('base64') } }),
      }),
      createLogger({ service: 'connector-whatsapp', stream: logStream }),
    );
    client = await Messaging.connect({ url: vhost.url, service: 'test-api' });
    await client.consumeEvents({
      queue: 'test-events',
      patterns: ['#'],
      transient: true,
      handler: async (e) => void events.push(e),
    });
  });

  afterAll(async () => {
    await client?.close();
    await connector?.close();
    await emulator?.stop();
    await Promise.all([database?.drop(), vhost?.delete()]);
  });

  const command = <T>(type: string, data: unknown, ctx = alice) =>
    client.request<T>(type, data, ctx, { timeoutMs: 15_000 });
  const ok = async <T>(type: string, data: unknown, ctx = alice): Promise<T> => {
    const reply = await command<T>(type, data, ctx);
    if (!reply.ok) throw new Error(`${type} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  };
  const statusesOf = (messageId: string) =>
    events
      .filter((e) => e.type === 'whatsapp.message.status')
      .map((e) => e.data as WhatsAppMessageStatusEvent)
      .filter((d) => d.messageId === messageId);
  const waitForStatus = async (messageId: string, status: WhatsAppMessage['status']) => {
    await until(() => statusesOf(messageId).some((s) => s.status === status));
    return statusesOf(messageId).find((s) => s.status === status)!;
  };
  const metric = async (line: string): Promise<number> => {
    const text = await (await fetch(`${connector.url}/metrics`)).text();
    const found = text.split('\n').find((l) => l.startsWith(line));
    return found ? Number(found.split(' ').at(-1)) : 0;
  };

  let meta: CreatedNumber;
  let number: WhatsAppNumber;

  describe('numbers', () => {
    it('connects a number after Graph describes it, stores token and secret only encrypted, subscribes its webhook', async () => {
      meta = await control.createNumber({ displayPhoneNumber: '+1 555 010 0001', verifiedName: 'Shop' });
      await control.addTemplate(meta.phoneNumberId, {
        name: 'order_ready',
        language: 'en_US',
        body: 'Your order {{1}} is ready.',
      });
      number = await ok<WhatsAppNumber>('whatsapp.number.connect', {
        phoneNumberId: meta.phoneNumberId,
        accessToken: meta.accessToken,
        appSecret: meta.appSecret,
      });
      expect(number).toMatchObject({
        phoneNumberId: meta.phoneNumberId,
        verifiedName: 'Shop',
        status: 'active',
        isActive: true,
        webhookUrl: `${connector.webhookUrl}/whatsapp/webhooks/${number.id}`,
        lastError: null,
      });
      expect((await control.number(meta.phoneNumberId)).webhookUrl).toBe(number.webhookUrl);
      const row = await connector.db
        .selectFrom('whatsapp_numbers')
        .selectAll()
        .where('id', '=', number.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(meta.accessToken);
      expect(JSON.stringify(row)).not.toContain(meta.appSecret);
      expect(row.access_token_enc).toMatch(/^local:v1:b:/);
      await until(() => events.some((e) => e.type === 'whatsapp.number.connected'));
      expect(events.find((e) => e.type === 'whatsapp.number.connected')?.data).toEqual({
        userId: 'alice',
        numberId: number.id,
        phoneNumberId: meta.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
      });
    });

    it('refuses a bad token (WHATSAPP_TOKEN_INVALID), a token of another number, and a duplicate, storing nothing', async () => {
      const bad = await command(
        'whatsapp.number.connect',
        { phoneNumberId: meta.phoneNumberId, accessToken: 'not-a-token', appSecret: 'x' },
        { userId: 'bob' },
      );
      expect(bad).toMatchObject({ ok: false, error: { code: 'WHATSAPP_TOKEN_INVALID', status: 422 } });
      const other = await control.createNumber();
      const wrongNumber = await command(
        'whatsapp.number.connect',
        { phoneNumberId: other.phoneNumberId, accessToken: meta.accessToken, appSecret: 'x' },
        { userId: 'bob' },
      );
      expect(wrongNumber).toMatchObject({ ok: false, error: { code: 'WHATSAPP_TOKEN_INVALID' } });
      const again = await command('whatsapp.number.connect', {
        phoneNumberId: meta.phoneNumberId,
        accessToken: meta.accessToken,
        appSecret: meta.appSecret,
      });
      expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', status: 409 } });
      expect(await connector.db.selectFrom('whatsapp_numbers').select('id').execute()).toHaveLength(1);
    });

    it("lists and gets only the caller's numbers; another user's id is a 404", async () => {
      const mine = await ok<WhatsAppNumberPage>('whatsapp.number.list', { limit: 20 });
      expect(mine.items.map((n) => n.id)).toEqual([number.id]);
      expect(
        (await ok<WhatsAppNumberPage>('whatsapp.number.list', { limit: 20 }, { userId: 'mallory' })).items,
      ).toEqual([]);
      expect(await ok<WhatsAppNumber>('whatsapp.number.get', { id: number.id })).toEqual(number);
      for (const type of ['whatsapp.number.get', 'whatsapp.number.remove'])
        expect(await command(type, { id: number.id }, { userId: 'mallory' })).toMatchObject({
          ok: false,
          error: { code: 'NOT_FOUND' },
        });
    });
  });

  describe('sending', () => {
    it('sends a template over AMQP: accepted, then sent, delivered and read as the status webhooks say', async () => {
      const message = await ok<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: `+${CUSTOMER}`,
        template: {
          name: 'order_ready',
          language: 'en_US',
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-17' }] }],
        },
      });
      expect(message).toMatchObject({ numberId: number.id, to: CUSTOMER, type: 'template' });
      expect(message.wamid).toMatch(/^wamid\./);
      expect(['accepted', 'sent', 'delivered']).toContain(message.status);
      const delivered = await waitForStatus(message.id, 'delivered');
      expect(delivered).toMatchObject({
        userId: 'alice',
        numberId: number.id,
        to: CUSTOMER,
        wamid: message.wamid,
      });
      expect(statusesOf(message.id).map((s) => s.status)).toEqual(['accepted', 'sent', 'delivered']);
      const sent = await control.messages(meta.phoneNumberId);
      expect(sent.at(-1)).toMatchObject({
        to: CUSTOMER,
        type: 'template',
        template: { name: 'order_ready', parameters: ['A-17'], body: 'Your order A-17 is ready.' },
      });

      await control.read(meta.phoneNumberId, message.wamid!);
      await waitForStatus(message.id, 'read');
      expect(await ok<WhatsAppMessage>('whatsapp.message.get', { id: message.id })).toMatchObject({
        id: message.id,
        status: 'read',
      });
    });

    it('fails a free-form text outside the 24-hour window: WHATSAPP_WINDOW_CLOSED by status webhook', async () => {
      const message = await ok<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: '15551239999',
        text: 'hello out of the blue',
      });
      expect(message.status).not.toBe('failed');
      const failed = await waitForStatus(message.id, 'failed');
      expect(failed.error).toMatchObject({ code: 'WHATSAPP_WINDOW_CLOSED', metaCode: 131047 });
      expect(await ok<WhatsAppMessage>('whatsapp.message.get', { id: message.id })).toMatchObject({
        status: 'failed',
        error: { code: 'WHATSAPP_WINDOW_CLOSED', metaCode: 131047 },
      });
    });

    it('announces a customer message and then delivers a free-form reply inside the window', async () => {
      await control.inbound(meta.phoneNumberId, { from: CUSTOMER, text: 'is it ready?', name: 'Carol' });
      await until(() => events.some((e) => e.type === 'whatsapp.message.received'));
      const received = events.find((e) => e.type === 'whatsapp.message.received')!;
      expect(received.userid).toBe('alice');
      expect(received.data).toMatchObject({
        userId: 'alice',
        numberId: number.id,
        from: CUSTOMER,
        name: 'Carol',
        type: 'text',
        text: 'is it ready?',
      });
      const reply = await ok<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: CUSTOMER,
        text: 'yes, come by',
      });
      await waitForStatus(reply.id, 'delivered');
      expect((await control.messages(meta.phoneNumberId)).at(-1)).toMatchObject({
        type: 'text',
        text: 'yes, come by',
      });
    });

    it('answers a template Meta does not know with WHATSAPP_TEMPLATE_NOT_FOUND and keeps the message as failed', async () => {
      const reply = await command<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: CUSTOMER,
        messageId: 'wa-missing-template',
        template: { name: 'nope', language: 'en_US' },
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'WHATSAPP_TEMPLATE_NOT_FOUND', status: 422 } });
      expect(await ok<WhatsAppMessage>('whatsapp.message.get', { id: 'wa-missing-template' })).toMatchObject({
        status: 'failed',
        error: { code: 'WHATSAPP_TEMPLATE_NOT_FOUND', metaCode: 132001 },
      });
    });

    it('fails an undeliverable message with WHATSAPP_UNDELIVERABLE (131026)', async () => {
      await control.addFault({ target: `number:${meta.phoneNumberId}`, kind: 'undeliverable', count: 1 });
      const message = await ok<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: CUSTOMER,
        text: 'this one will not arrive',
      });
      expect((await waitForStatus(message.id, 'failed')).error).toMatchObject({
        code: 'WHATSAPP_UNDELIVERABLE',
        metaCode: 131026,
      });
    });

    it('sends once per message id and per idempotency key: a repeat answers the first message', async () => {
      const before = (await control.messages(meta.phoneNumberId)).length;
      const data = { numberId: number.id, to: CUSTOMER, text: 'only once', messageId: 'wa-once-1' };
      const first = await ok<WhatsAppMessage>('whatsapp.number.send', data);
      const second = await ok<WhatsAppMessage>('whatsapp.number.send', data);
      expect(second.id).toBe(first.id);
      expect(second.wamid).toBe(first.wamid);
      const keyed = { ...alice, idempotencyKey: 'order-17-ready' };
      const { messageId: _id, ...withoutId } = data;
      const a = await ok<WhatsAppMessage>('whatsapp.number.send', withoutId, keyed);
      const b = await ok<WhatsAppMessage>('whatsapp.number.send', withoutId, keyed);
      expect(b.id).toBe(a.id);
      expect((await control.messages(meta.phoneNumberId)).length).toBe(before + 2);
      expect(await command('whatsapp.number.send', data, { userId: 'mallory' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    });

    it('refuses both or neither of text and template', async () => {
      expect(await command('whatsapp.number.send', { numberId: number.id, to: CUSTOMER })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    });
  });

  describe('webhooks', () => {
    const post = (body: string, signature?: string, id = number.id) =>
      fetch(`${connector.webhookUrl}/whatsapp/webhooks/${id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature ? { 'x-hub-signature-256': signature } : {}),
        },
        body,
      });
    const forgedRead = (wamid: string) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: meta.wabaId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: meta.phoneNumberId, display_phone_number: '15550100001' },
                  statuses: [{ id: wamid, status: 'read', timestamp: '1764669600', recipient_id: CUSTOMER }],
                },
              },
            ],
          },
        ],
      });

    it('refuses a forged delivery (wrong or missing signature), counts it, and changes nothing', async () => {
      const message = await ok<WhatsAppMessage>('whatsapp.number.send', {
        numberId: number.id,
        to: CUSTOMER,
        text: 'delivered, never read',
      });
      await waitForStatus(message.id, 'delivered');
      const before = await metric('whatsapp_webhook_rejected_total{reason="signature"');
      const body = forgedRead(message.wamid!);
      const wrong = `sha256=${createHmac('sha256', 'not-the-app-secret').update(body).digest('hex')}`;
      expect((await post(body, wrong)).status).toBe(401);
      expect((await post(body)).status).toBe(401);
      expect(await metric('whatsapp_webhook_rejected_total{reason="signature"')).toBe(before + 2);
      expect((await ok<WhatsAppMessage>('whatsapp.message.get', { id: message.id })).status).toBe(
        'delivered',
      );

      // The same bytes signed with the number's app secret are taken (what Meta would send).
      const right = `sha256=${createHmac('sha256', meta.appSecret).update(body).digest('hex')}`;
      expect((await post(body, right)).status).toBe(200);
      expect((await ok<WhatsAppMessage>('whatsapp.message.get', { id: message.id })).status).toBe('read');
    });

    it('answers the handshake only with the verify token, and refuses deliveries for an unknown number', async () => {
      const challenge = await fetch(
        `${connector.webhookUrl}/whatsapp/webhooks/${number.id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=123`,
      );
      expect(challenge.status).toBe(403);
      expect((await post('{}', 'sha256=00', 'no-such-number')).status).toBe(404);
    });
  });

  describe('lifecycle', () => {
    it('pauses (sends refused with INTEGRATION_PAUSED), resumes, and removes a number', async () => {
      const paused = await ok<WhatsAppNumber>('whatsapp.number.update', { id: number.id, isActive: false });
      expect(paused.isActive).toBe(false);
      expect(
        await command('whatsapp.number.send', { numberId: number.id, to: CUSTOMER, text: 'while paused' }),
      ).toMatchObject({ ok: false, error: { code: 'INTEGRATION_PAUSED', status: 409 } });
      await ok<WhatsAppNumber>('whatsapp.number.update', {
        id: number.id,
        isActive: true,
        label: 'Shop line',
      });
      await until(() =>
        ['whatsapp.number.paused', 'whatsapp.number.resumed', 'whatsapp.number.updated'].every((t) =>
          events.some((e) => e.type === t),
        ),
      );
      await ok('whatsapp.number.remove', { id: number.id });
      await until(() => events.some((e) => e.type === 'whatsapp.number.removed'));
      expect(await command('whatsapp.number.get', { id: number.id })).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
      // Nothing in the logs ever carries the token or the app secret.
      expect(logLines.join('\n')).not.toContain(meta.accessToken);
      expect(logLines.join('\n')).not.toContain(meta.appSecret);
    });

    it('marks a number revoked when Meta stops accepting its token', async () => {
      const other = await control.createNumber();
      const connected = await ok<WhatsAppNumber>('whatsapp.number.connect', {
        phoneNumberId: other.phoneNumberId,
        accessToken: other.accessToken,
        appSecret: other.appSecret,
      });
      await control.addFault({ target: `number:${other.phoneNumberId}`, kind: 'revoke', count: 1 });
      const reply = await command('whatsapp.number.send', {
        numberId: connected.id,
        to: CUSTOMER,
        text: 'hi',
      });
      expect(reply).toMatchObject({ ok: false, error: { code: 'WHATSAPP_TOKEN_INVALID' } });
      expect((await ok<WhatsAppNumber>('whatsapp.number.get', { id: connected.id })).status).toBe('revoked');
    });
  });
});
