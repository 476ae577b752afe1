import { recipientOptions } from './recipients';

const entry = (over: Record<string, unknown>) =>
  ({ id: '1', resourceId: 'acct-1', resourceType: 'account', details: {}, ...over }) as never;

describe('recipientOptions', () => {
  it('offers attached channels first, then recent chats by name, once each, for this sender only', () => {
    const channels = [
      {
        id: 'c1',
        chatId: '-1001',
        title: 'Spring sale',
        username: 'spring',
        via: { type: 'account', id: 'acct-1' },
        canPost: true,
      },
      {
        id: 'c2',
        chatId: '-1002',
        title: 'Not ours',
        username: null,
        via: { type: 'bot', id: 'b-9' },
        canPost: true,
      },
    ] as never[];
    const activity = [
      // A reply that does not say who wrote it, then our send that named them: the chat is @quiet.
      entry({ action: 'message_received', details: { chatId: '43', from: { id: '43' } } }),
      entry({ action: 'message_sent', details: { chatId: '43', chatTitle: '@quiet' } }),
      entry({ action: 'message_received', details: { chatId: '42', from: { id: '42', username: 'fan' } } }),
      entry({ action: 'message_sent', details: { chatId: '42', chatTitle: '@fan' } }),
      entry({ action: 'message_sent', details: { chatId: '77', chatTitle: '@buyer' } }),
      entry({ action: 'message_sent', resourceId: 'other', details: { chatId: '88', chatTitle: '@other' } }),
    ];
    expect(recipientOptions('acct-1', channels, activity)).toEqual([
      { value: '@spring', name: 'Spring sale', group: 'Attached channels and groups' },
      { value: '@quiet', name: '@quiet', group: 'Recent chats' },
      { value: '@fan', name: '@fan', group: 'Recent chats' },
      { value: '@buyer', name: '@buyer', group: 'Recent chats' },
    ]);
  });
});
