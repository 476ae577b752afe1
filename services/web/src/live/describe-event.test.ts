import { describeEvent, staleListsOf } from './describe-event';

const event = (type: string, data: Record<string, unknown>) => ({
  id: 'e-1',
  type,
  time: '2026-11-25T10:00:00Z',
  data,
});

describe('describeEvent', () => {
  it('turns a session error into a red notice that says what to do', () => {
    expect(
      describeEvent(
        event('telegram.account.session_error', {
          error: { code: 'TELEGRAM_SESSION_REVOKED', detail: 'revoked' },
        }),
      ),
    ).toEqual({
      title: 'Account session down',
      message: 'A Telegram account lost its session: revoked. Reconnect it on the Accounts page.',
      tone: 'red',
    });
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

  it('says nothing about routine events, which only refresh their list', () => {
    expect(describeEvent(event('telegram.bot.removed', {}))).toBeNull();
    expect(staleListsOf('telegram.bot.removed')).toEqual(['bots']);
    expect(staleListsOf('telegram.message.sent')).toEqual(['stats', 'logs']);
    expect(staleListsOf('security.key.rotated')).toEqual([]);
  });
});
