import type { LogEntryPage, WhatsAppMessage, WhatsAppNumber } from '@integrations/contracts';
import { until } from '@integrations/testing';
import type { CreatedNumber, WhatsAppEmulatorClient } from '@integrations/whatsapp-emulator';
import { startStack, type Stack } from './stack';

const CUSTOMER = '15557300001';
const STRANGER = '15557300002';

/**
 * WhatsApp Business end to end through the REST api: the api, the WhatsApp connector, audit-log and the WhatsApp
 * emulator (Meta's Graph API and webhooks) with MariaDB, Redis and RabbitMQ.
 */
describe('WhatsApp through REST', () => {
  let stack: Stack;
  let control: WhatsAppEmulatorClient;
  let alice: string;
  let meta: CreatedNumber;
  let number: WhatsAppNumber;
  /** Alice's event stream (SSE), read into `streamed` as frames arrive. */
  const events = new AbortController();
  let streamed = '';

  const message = async (id: string) =>
    (await stack.rest<WhatsAppMessage>(alice, 'GET', `/messages/${id}`)).body;
  const reaches = async (id: string, status: WhatsAppMessage['status']) => {
    await until(async () => (await message(id)).status === status);
    return message(id);
  };

  beforeAll(async () => {
    stack = await startStack('wa', { whatsapp: true });
    control = stack.whatsapp!.control;
    alice = await stack.token('alice');
    meta = await control.createNumber({ displayPhoneNumber: '+1 555 730 0000', verifiedName: 'Corner Shop' });
    await control.addTemplate(meta.phoneNumberId, {
      name: 'order_ready',
      language: 'en_US',
      body: 'Your order {{1}} is ready.',
    });
    const res = await fetch(`${stack.apiUrl}/api/integrations/events`, {
      headers: { authorization: `Bearer ${alice}` },
      signal: events.signal,
    });
    const reader = res.body!.getReader();
    void (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        streamed += decoder.decode(chunk.value);
      }
    })();
  });
  afterAll(async () => {
    events.abort();
    await stack?.close();
  });

  it('connects a number (201), refusing a bad token (422) and the same number again (409)', async () => {
    const body = {
      phoneNumberId: meta.phoneNumberId,
      accessToken: meta.accessToken,
      appSecret: meta.appSecret,
    };
    const bad = await stack.rest<{ code: string }>(alice, 'POST', '/whatsapp/numbers', {
      ...body,
      accessToken: 'EAAG-not-a-token',
    });
    expect([bad.status, bad.body.code]).toEqual([422, 'WHATSAPP_TOKEN_INVALID']);
    const created = await stack.rest<WhatsAppNumber>(alice, 'POST', '/whatsapp/numbers', body);
    expect(created.status).toBe(201);
    number = created.body;
    expect(number).toMatchObject({
      phoneNumberId: meta.phoneNumberId,
      verifiedName: 'Corner Shop',
      status: 'active',
      isActive: true,
      webhookUrl: expect.any(String),
    });
    expect(created.headers.get('location')).toBe(`/api/integrations/whatsapp/numbers/${number.id}`);
    expect(JSON.stringify(number)).not.toContain(meta.accessToken);
    const duplicate = await stack.rest<{ code: string }>(alice, 'POST', '/whatsapp/numbers', body);
    expect([duplicate.status, duplicate.body.code]).toEqual([409, 'CONFLICT']);
    const list = await stack.rest<{ items: WhatsAppNumber[] }>(alice, 'GET', '/whatsapp/numbers');
    expect(list.body.items.map((n) => n.id)).toEqual([number.id]);
  });

  it('sends a template: accepted, then delivered and read as the status webhooks arrive', async () => {
    const sent = await stack.rest<WhatsAppMessage>(alice, 'POST', `/whatsapp/numbers/${number.id}/send`, {
      to: STRANGER,
      template: {
        name: 'order_ready',
        language: 'en_US',
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'A-17' }] }],
      },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ numberId: number.id, to: STRANGER, type: 'template' });
    expect(['accepted', 'sent', 'delivered']).toContain(sent.body.status);
    const delivered = await reaches(sent.body.id, 'delivered');
    expect(delivered.wamid).toMatch(/^wamid\./);
    const stored = await control.messages(meta.phoneNumberId);
    expect(stored.find((m) => m.id === delivered.wamid)).toMatchObject({
      to: STRANGER,
      type: 'template',
      template: expect.objectContaining({ name: 'order_ready', body: 'Your order A-17 is ready.' }),
    });
    await control.read(meta.phoneNumberId, delivered.wamid!);
    expect(await reaches(sent.body.id, 'read')).toMatchObject({ id: sent.body.id, status: 'read' });
  });

  it('fails a free-form text outside the 24-hour window as WHATSAPP_WINDOW_CLOSED', async () => {
    const sent = await stack.rest<WhatsAppMessage>(alice, 'POST', `/whatsapp/numbers/${number.id}/send`, {
      to: STRANGER,
      text: 'Never wrote to us',
    });
    expect(sent.status).toBe(200);
    const failed = await reaches(sent.body.id, 'failed');
    expect(failed.error).toMatchObject({ code: 'WHATSAPP_WINDOW_CLOSED', metaCode: 131047 });
  });

  it('takes a customer message as an event, then delivers a free-form reply inside the window (async, 202)', async () => {
    await control.inbound(meta.phoneNumberId, { from: CUSTOMER, text: 'Is my order ready?', name: 'Carol' });
    await until(() => streamed.includes('event: whatsapp.message.received'));
    const frame = streamed.split('\n\n').find((f) => f.includes('event: whatsapp.message.received'))!;
    const data = JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { data: Record<string, unknown> };
    expect(data.data).toMatchObject({ numberId: number.id, from: CUSTOMER, text: 'Is my order ready?' });
    const sent = await stack.rest<WhatsAppMessage>(
      alice,
      'POST',
      `/whatsapp/numbers/${number.id}/send`,
      { to: CUSTOMER, text: 'Yes, come by.' },
      { prefer: 'respond-async' },
    );
    expect(sent.status).toBe(202);
    expect(sent.headers.get('location')).toBe(`/api/integrations/messages/${sent.body.id}`);
    expect(await reaches(sent.body.id, 'delivered')).toMatchObject({ type: 'text', to: CUSTOMER });
    // The delivery states reach the owner's event stream too.
    await until(() =>
      streamed
        .split('\n\n')
        .some(
          (f) => f.includes('event: whatsapp.message.status') && f.includes(`"messageId":"${sent.body.id}"`),
        ),
    );
  });

  it('refuses a forged or unsigned webhook with 401', async () => {
    const forged = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: meta.wabaId, changes: [{ field: 'messages', value: { messages: [] } }] }],
    });
    const res = await fetch(number.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      body: forged,
    });
    expect(res.status).toBe(401);
    const unsigned = await fetch(number.webhookUrl!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: forged,
    });
    expect(unsigned.status).toBe(401);
  });

  it('pauses and resumes a number: a paused one refuses sends with 409', async () => {
    const paused = await stack.rest<WhatsAppNumber>(alice, 'PATCH', `/whatsapp/numbers/${number.id}`, {
      isActive: false,
    });
    expect(paused.body.isActive).toBe(false);
    const refused = await stack.rest<{ code: string }>(alice, 'POST', `/whatsapp/numbers/${number.id}/send`, {
      to: CUSTOMER,
      text: 'while paused',
    });
    expect([refused.status, refused.body.code]).toEqual([409, 'INTEGRATION_PAUSED']);
    const resumed = await stack.rest<WhatsAppNumber>(alice, 'PATCH', `/whatsapp/numbers/${number.id}`, {
      isActive: true,
      label: 'Shop line',
    });
    expect(resumed.body).toMatchObject({ isActive: true, label: 'Shop line' });
  });

  it('keeps another user out: 404 for the number, its sends and its messages', async () => {
    const mallory = await stack.token('mallory');
    const sent = (await control.messages(meta.phoneNumberId)).length;
    for (const [method, path] of [
      ['GET', `/whatsapp/numbers/${number.id}`],
      ['PATCH', `/whatsapp/numbers/${number.id}`],
      ['DELETE', `/whatsapp/numbers/${number.id}`],
      ['POST', `/whatsapp/numbers/${number.id}/send`],
    ] as const) {
      const body =
        method === 'PATCH'
          ? { isActive: false }
          : method === 'POST'
            ? { to: CUSTOMER, text: 'x' }
            : undefined;
      const res = await stack.rest<{ code: string }>(mallory, method, path, body);
      expect([method, res.status, res.body.code]).toEqual([method, 404, 'NOT_FOUND']);
    }
    expect((await control.messages(meta.phoneNumberId)).length).toBe(sent);
  });

  it('records the number and every delivery state in the audit log under the platform whatsapp', async () => {
    let page: LogEntryPage = { items: [], nextCursor: null };
    await until(async () => {
      page = (await stack.rest<LogEntryPage>(alice, 'GET', '/logs?platform=whatsapp&limit=100')).body;
      const actions = new Set(page.items.map((i) => i.action));
      return ['message_read', 'message_failed', 'message_received', 'resumed'].every((a) => actions.has(a));
    });
    expect(page.items.every((i) => i.platform === 'whatsapp')).toBe(true);
    expect(page.items.map((i) => i.action)).toEqual(
      expect.arrayContaining([
        'connected',
        'message_accepted',
        'message_sent',
        'message_delivered',
        'message_read',
        'message_failed',
        'message_received',
        'paused',
        'resumed',
      ]),
    );
    const failed = page.items.find((i) => i.action === 'message_failed');
    // The integration type filter knows WhatsApp's resources too.
    const messages = await stack.rest<LogEntryPage>(alice, 'GET', '/logs?type=whatsapp_message&limit=100');
    expect(messages.status).toBe(200);
    expect(messages.body.items.length).toBeGreaterThan(0);
    expect(messages.body.items.every((i) => i.type === 'whatsapp_message')).toBe(true);
    expect(failed).toMatchObject({
      status: 'error',
      errorMessage: expect.stringContaining('WHATSAPP_WINDOW_CLOSED'),
    });
  });

  it('removes a number (204): it is gone from the list', async () => {
    expect((await stack.rest(alice, 'DELETE', `/whatsapp/numbers/${number.id}`)).status).toBe(204);
    expect((await stack.rest(alice, 'GET', `/whatsapp/numbers/${number.id}`)).status).toBe(404);
  });
});
