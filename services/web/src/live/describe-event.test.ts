import { describeEvent, staleListsOf } from './describe-event';

const event = (type: string, data: Record<string, unknown>) => ({
  id: 'e-1',
  type,
  time: '2026-11-25T10:00:00Z',
  data,
});
const names = {
  chat: (chatId: string) => (chatId === '-1001' ? 'Spring sale' : undefined),
  resource: (id: string) => ({ 'acct-1': 'Cody @code_person', 'chan-1': 'Web news' })[id],
};

describe('describeEvent', () => {
  it('turns a session error into a notice that stays, names the account, and says what to do', () => {
    expect(
      describeEvent(
        event('telegram.account.session_error', {
          accountId: 'acct-1',
          error: { code: 'TELEGRAM_SESSION_REVOKED', detail: 'The session was ended.' },
        }),
        names,
      ),
    ).toEqual({
      title: 'Account session down',
      message:
        'Cody @code_person lost its session: The session was ended. Reconnect it on the Accounts page.',
      tone: 'red',
      critical: true,
    });
  });

  it('names the chat of a failed send by its title, never by a raw id, and ends in one full stop', () => {
    const failed = (data: Record<string, unknown>) =>
      describeEvent(
        event('telegram.message.failed', { error: { code: 'X', detail: 'Refused.' }, ...data }),
        names,
      );
    expect(failed({ chatId: '-1001' })?.message).toBe('A message to Spring sale was not sent: Refused.');
    expect(failed({ chatId: '-1002', chatTitle: 'VIP group' })?.message).toBe(
      'A message to VIP group was not sent: Refused.',
    );
    expect(failed({ chatId: '-1003', channelId: 'chan-1' })?.message).toBe(
      'A message to Web news was not sent: Refused.',
    );
    expect(failed({ chatId: '-1004' })?.message).toBe('A message to a chat was not sent: Refused.');
    expect(failed({ chatId: '-1004' })?.critical).toBeUndefined();
  });

  it('names the sender of an inbound message and shortens long text', () => {
    const notice = describeEvent(
      event('telegram.message.received', { from: { id: '42', username: null }, text: 'x'.repeat(200) }),
    );
    expect(notice?.message.startsWith('Telegram user 42: xxx')).toBe(true);
    expect(notice?.message.endsWith('…')).toBe(true);
    expect(
      describeEvent(event('telegram.message.received', { from: { id: '42', username: 'fan' }, text: 'hi' }))
        ?.message,
    ).toBe('@fan: hi');
  });

  it('says nothing about routine events, which only refresh their lists; a removal refreshes the channels too', () => {
    expect(describeEvent(event('telegram.bot.removed', {}))).toBeNull();
    expect(staleListsOf('telegram.bot.removed')).toEqual(['bots', 'channels']);
    expect(staleListsOf('telegram.account.disconnected')).toEqual(['accounts', 'channels']);
    expect(staleListsOf('telegram.account.phone_revealed')).toEqual(['logs']);
    expect(staleListsOf('telegram.channel.removed')).toEqual(['channels']);
    expect(staleListsOf('telegram.message.sent')).toEqual(['stats', 'logs']);
    expect(staleListsOf('security.key.rotated')).toEqual([]);
  });

  it('tells of a failed WhatsApp message and a customer writing in; a delivery state only refreshes', () => {
    expect(
      describeEvent(
        event('whatsapp.message.status', {
          messageId: 'm-1',
          to: '15550001111',
          status: 'failed',
          error: { code: 'WHATSAPP_WINDOW_CLOSED', detail: 'Outside the 24-hour window.' },
        }),
      ),
    ).toEqual({
      title: 'WhatsApp message failed',
      message: 'A message to +15550001111 was not delivered: Outside the 24-hour window.',
      tone: 'red',
    });
    expect(describeEvent(event('whatsapp.message.status', { status: 'delivered' }))).toBeNull();
    expect(
      describeEvent(event('whatsapp.message.received', { from: '15550001111', name: 'Carol', text: 'hi' }))
        ?.message,
    ).toBe('Carol: hi');
    expect(staleListsOf('whatsapp.message.status')).toEqual(['whatsapp-messages', 'stats', 'logs']);
    expect(staleListsOf('whatsapp.number.paused')).toEqual(['whatsapp']);
  });
});
