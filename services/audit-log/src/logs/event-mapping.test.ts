import type { Envelope } from '@integrations/contracts';
import { fromLegacyType, legacyType, mapEvent } from './event-mapping';

const event = (type: string, data: Record<string, unknown> = {}): Envelope => ({
  specversion: '1.0',
  id: 'e-1',
  source: 'test',
  type,
  time: '2026-12-02T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: { userId: 'u-1', ...data },
  userid: 'u-1',
});

describe('event mapping', () => {
  it('files an event under the platform and resource of its routing key', () => {
    expect(mapEvent(event('telegram.bot.connected', { botId: 'b-1' }))).toMatchObject({
      platform: 'telegram',
      resource: 'bot',
      action: 'connected',
      subject: { type: 'bot', id: 'b-1' },
    });
    expect(mapEvent(event('telegram.channel.attached', { channelId: 'c-1' }))).toMatchObject({
      platform: 'telegram',
      resource: 'channel',
    });
  });

  it('files a message under what it went through', () => {
    const sent = mapEvent(
      event('telegram.message.sent', { messageId: 'm-1', via: { type: 'account', id: 'a-1' } }),
    );
    expect(sent).toMatchObject({ platform: 'telegram', resource: 'account', action: 'message_sent' });
  });

  it('labels nothing Telegram by default: an unknown platform keeps its own words', () => {
    expect(mapEvent(event('whatsapp.number.connected'))).toMatchObject({
      platform: 'whatsapp',
      resource: 'number',
      action: 'connected',
    });
    expect(mapEvent(event('platform.user.purged'))).toMatchObject({
      platform: 'platform',
      resource: 'user',
      action: 'user_purged',
      subject: null,
    });
    // What is not a word of a routing key is stored as `unknown`, never guessed.
    expect(mapEvent(event('telegram.message.sent', { via: { type: 'Bot; drop' } }))).toMatchObject({
      resource: 'unknown',
    });
    expect(mapEvent(event('oddity'))).toMatchObject({ platform: 'oddity', resource: 'unknown' });
  });

  it('files a status event by its outcome, and a new resource by its own id (WhatsApp delivery states)', () => {
    const status = (value: string, extra: Record<string, unknown> = {}) =>
      mapEvent(
        event('whatsapp.message.status', { messageId: 'm-1', numberId: 'n-1', status: value, ...extra }),
      );
    expect(status('delivered')).toMatchObject({
      platform: 'whatsapp',
      resource: 'message',
      action: 'message_delivered',
      status: 'success',
      targetId: 'm-1',
    });
    expect(
      status('failed', { error: { code: 'WHATSAPP_WINDOW_CLOSED', detail: 'Outside the 24-hour window.' } }),
    ).toMatchObject({
      action: 'message_failed',
      status: 'error',
      errorMessage: 'WHATSAPP_WINDOW_CLOSED: Outside the 24-hour window.',
    });
    expect(status('Odd; drop')).toMatchObject({ action: 'message_unknown' });
    expect(mapEvent(event('whatsapp.message.received', { numberId: 'n-1' }))).toMatchObject({
      action: 'message_received',
      status: 'info',
    });
    expect(mapEvent(event('whatsapp.number.paused', { numberId: 'n-1' }))).toMatchObject({
      resource: 'number',
      action: 'paused',
      targetId: 'n-1',
    });
  });

  it("answers the API's integration type as before, and reads it back as a filter", () => {
    expect(legacyType('telegram', 'bot')).toBe('telegram_bot');
    expect(legacyType('telegram', 'channel')).toBe('telegram_channel');
    expect(legacyType('security', 'key')).toBe('security');
    expect(legacyType('platform', 'user')).toBe('security');
    expect(fromLegacyType('telegram_account')).toEqual({ platforms: ['telegram'], resource: 'account' });
    expect(fromLegacyType('security')).toEqual({ platforms: ['security', 'platform'] });
  });
});
