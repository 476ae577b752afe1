import { createHmac } from 'node:crypto';
import { parseWebhook } from './payload';
import { signatureMatches } from './signature';

const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
const sign = (raw: Buffer, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe('webhook signature', () => {
  it("matches Meta's HMAC-SHA256 of the raw bytes with the app secret, nothing else", () => {
    expect(signatureMatches(body, sign(body, 'secret'), 'secret')).toBe(true);
    expect(signatureMatches(body, sign(body, 'other'), 'secret')).toBe(false);
    expect(signatureMatches(Buffer.from(`${body.toString()} `), sign(body, 'secret'), 'secret')).toBe(false);
    expect(signatureMatches(body, undefined, 'secret')).toBe(false);
    expect(signatureMatches(body, 'sha1=abc', 'secret')).toBe(false);
    expect(signatureMatches(body, 'sha256=abc', 'secret')).toBe(false);
  });
});

describe('webhook payload', () => {
  it('reads statuses (with the error of a failed one) and customer messages with their names', () => {
    const contents = parseWebhook({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba',
          changes: [
            {
              field: 'messages',
              value: {
                metadata: { phone_number_id: '100' },
                statuses: [
                  { id: 'wamid.1', status: 'delivered', timestamp: '1764669600' },
                  {
                    id: 'wamid.2',
                    status: 'failed',
                    timestamp: '1764669601',
                    errors: [{ code: 131047, title: 'Re-engagement message' }],
                  },
                  { id: 'wamid.3', status: 'deleted' },
                ],
                contacts: [{ wa_id: '1555', profile: { name: 'Carol' } }],
                messages: [
                  {
                    id: 'wamid.in',
                    from: '1555',
                    timestamp: '1764669602',
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
    expect(contents?.statuses).toEqual([
      { wamid: 'wamid.1', status: 'delivered', at: new Date(1764669600000), metaCode: null, title: null },
      {
        wamid: 'wamid.2',
        status: 'failed',
        at: new Date(1764669601000),
        metaCode: 131047,
        title: 'Re-engagement message',
      },
    ]);
    expect(contents?.messages).toEqual([
      {
        phoneNumberId: '100',
        from: '1555',
        name: 'Carol',
        wamid: 'wamid.in',
        type: 'text',
        text: 'hi',
        at: new Date(1764669602000),
      },
    ]);
  });

  it('is undefined for anything that is not a WhatsApp Business delivery', () => {
    expect(parseWebhook({ object: 'page', entry: [] })).toBeUndefined();
    expect(parseWebhook('text')).toBeUndefined();
  });
});
