import bigInt from 'big-integer';
import { Api, type TelegramClient } from 'telegram';
import { NewMessage, type NewMessageEvent } from 'telegram/events';
import { EmulatorClient } from '../control';
import { startEmulator, type Emulator } from '../emulator';
import { createEmulatorClient, signInWithCode, type EmulatorMtprotoInfo } from './client';
import { rpcError } from './testing';

/** Sending as a user account and receiving pushed updates, through the real GramJS client. */
let emulator: Emulator;
let control: EmulatorClient;
let info: EmulatorMtprotoInfo;
const clients: TelegramClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ mtprotoPort: 0 });
  control = new EmulatorClient(emulator.url);
  info = await control.mtproto();
});

afterEach(async () => {
  await control.clearFaults();
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
  await control.reset();
});

afterAll(async () => {
  await emulator.stop();
});

async function signedIn(phone: string, username?: string): Promise<{ client: TelegramClient; id: number }> {
  const user = await control.createUser({ phone, username, firstName: username ?? phone });
  const client = createEmulatorClient(info, { connectionRetries: 1, autoReconnect: false });
  clients.push(client);
  await signInWithCode(client, { phone, readCode: (p) => control.loginCode(p) });
  return { client, id: user.id };
}

const texts = async (chatId: string | number): Promise<string[]> =>
  (await control.messages(chatId)).map((m) => m.text);

/** A private chat between two users is named after one of them: read it from the world directly. */
const privateTexts = (a: number, b: number): string[] =>
  emulator.world.privateChat({ type: 'user', id: a }, { type: 'user', id: b })?.messages.map((m) => m.text) ??
  [];

describe('MTProto messaging with the real GramJS client', () => {
  it('sends to a user by @username and by phone number, and the emulator stores both', async () => {
    const { client, id } = await signedIn('+15550100001', 'alice_sender');
    const bob = await control.createUser({
      phone: '+15550100002',
      username: 'bob_receiver',
      firstName: 'Bob',
    });
    const first = await client.sendMessage('@bob_receiver', { message: 'hello by username' });
    expect(first.id).toBe(1);
    expect(first.out).toBe(true);
    emulator.world.setLimits({ enabled: false });
    await client.sendMessage('+15550100002', { message: 'hello by phone' });
    expect(privateTexts(id, bob.id)).toEqual(['hello by username', 'hello by phone']);
  });

  it('posts to a group it is a member of and to a channel it administers; refused without rights', async () => {
    const { client, id } = await signedIn('+15550100011', 'carol_admin');
    const group = await control.createChat({
      type: 'group',
      title: 'Team',
      members: [{ userId: id, role: 'member' }],
    });
    const channel = await control.createChat({
      type: 'channel',
      title: 'News',
      username: 'news_channel',
      members: [{ userId: id, role: 'administrator', canPost: true }],
    });
    const readOnly = await control.createChat({
      type: 'channel',
      title: 'Read only',
      username: 'readonly_channel',
      members: [{ userId: id, role: 'member' }],
    });

    const groupPeer = new Api.InputPeerChat({ chatId: bigInt(-Number(group.id)) });
    await client.invoke(
      new Api.messages.SendMessage({ peer: groupPeer, message: 'to the group', randomId: bigInt(11) }),
    );
    const posted = await client.sendMessage('@news_channel', { message: 'to the channel' });
    expect(posted.id).toBe(1);
    expect(await texts(group.id)).toEqual(['to the group']);
    expect(await texts(channel.id)).toEqual(['to the channel']);

    const refused = await rpcError(client.sendMessage('@readonly_channel', { message: 'not allowed' }));
    expect(refused).toMatchObject({ code: 403, errorMessage: 'CHAT_WRITE_FORBIDDEN' });
    expect(await texts(readOnly.id)).toEqual([]);
  });

  it('reports post rights through channels.getParticipant, channels.getChannels and messages.getChats', async () => {
    const { client, id } = await signedIn('+15550100021', 'dave_checker');
    await control.createChat({
      type: 'channel',
      username: 'admin_here',
      members: [{ userId: id, role: 'administrator', canPost: true }],
    });
    await control.createChat({
      type: 'channel',
      username: 'member_here',
      members: [{ userId: id, role: 'member' }],
    });
    const group = await control.createChat({
      type: 'group',
      members: [{ userId: id, role: 'member', canPost: false }],
    });

    const admin = (await client.getInputEntity('@admin_here')) as Api.InputPeerChannel;
    const adminChannel = new Api.InputChannel({ channelId: admin.channelId, accessHash: admin.accessHash });
    const participant = await client.invoke(
      new Api.channels.GetParticipant({ channel: adminChannel, participant: new Api.InputPeerSelf() }),
    );
    expect(participant.participant).toBeInstanceOf(Api.ChannelParticipantAdmin);
    expect((participant.participant as Api.ChannelParticipantAdmin).adminRights.postMessages).toBe(true);

    const member = (await client.getInputEntity('@member_here')) as Api.InputPeerChannel;
    const chats = await client.invoke(
      new Api.channels.GetChannels({
        id: [
          adminChannel,
          new Api.InputChannel({ channelId: member.channelId, accessHash: member.accessHash }),
        ],
      }),
    );
    const [adminView, memberView] = chats.chats as Api.Channel[];
    expect(adminView!.adminRights?.postMessages).toBe(true);
    expect(memberView!.adminRights ?? undefined).toBeUndefined();
    expect(memberView!.broadcast).toBe(true);

    const groups = await client.invoke(new Api.messages.GetChats({ id: [bigInt(-Number(group.id))] }));
    expect((groups.chats[0] as Api.Chat).defaultBannedRights?.sendMessages).toBe(true);

    const outsider = await control.createChat({ type: 'channel', username: 'not_joined', members: [] });
    expect(outsider.username).toBe('not_joined');
    const notJoined = (await client.getInputEntity('@not_joined')) as Api.InputPeerChannel;
    const notMember = await rpcError(
      client.invoke(
        new Api.channels.GetParticipant({
          channel: new Api.InputChannel({ channelId: notJoined.channelId, accessHash: notJoined.accessHash }),
          participant: new Api.InputPeerSelf(),
        }),
      ),
    );
    expect(notMember).toMatchObject({ code: 400, errorMessage: 'USER_NOT_PARTICIPANT' });
  });

  it('answers USERNAME_NOT_OCCUPIED, FLOOD_WAIT on a too fast private chat, and RANDOM_ID_DUPLICATE', async () => {
    const { client, id } = await signedIn('+15550100031', 'erin_sender');
    const frank = await control.createUser({ phone: '+15550100032', username: 'frank_target' });
    const missing = await rpcError(
      client.invoke(new Api.contacts.ResolveUsername({ username: 'nobody_here' })),
    );
    expect(missing).toMatchObject({ code: 400, errorMessage: 'USERNAME_NOT_OCCUPIED' });

    const peer = await client.getInputEntity('@frank_target');
    await client.invoke(new Api.messages.SendMessage({ peer, message: 'one', randomId: bigInt(501) }));
    // Telegram allows about one message a second in a private chat.
    const flood = await rpcError(
      client.invoke(new Api.messages.SendMessage({ peer, message: 'two', randomId: bigInt(502) })),
    );
    expect(flood).toMatchObject({ code: 420, seconds: 1 });
    emulator.world.setLimits({ enabled: false });
    const duplicate = await rpcError(
      client.invoke(new Api.messages.SendMessage({ peer, message: 'one again', randomId: bigInt(501) })),
    );
    expect(duplicate).toMatchObject({ errorMessage: 'RANDOM_ID_DUPLICATE' });
    expect(privateTexts(id, frank.id)).toEqual(['one']);
  });

  it('answers USERNAME_INVALID for a malformed name and PRIVACY_PREMIUM_REQUIRED to a user who refuses strangers', async () => {
    const { client } = await signedIn('+15550100041', 'gina_sender');
    await control.createUser({ phone: '+15550100042', username: 'hank_private' });
    const malformed = await rpcError(client.invoke(new Api.contacts.ResolveUsername({ username: 'a-b' })));
    expect(malformed).toMatchObject({ code: 400, errorMessage: 'USERNAME_INVALID' });

    await control.updateUser('+15550100042', { restrictsMessages: true });
    const peer = await client.getInputEntity('@hank_private');
    const refused = await rpcError(
      client.invoke(new Api.messages.SendMessage({ peer, message: 'hi', randomId: bigInt(601) })),
    );
    expect(refused).toMatchObject({ code: 403, errorMessage: 'PRIVACY_PREMIUM_REQUIRED' });
  });

  it('pushes inbound messages as updates: private chat, group and channel', async () => {
    const { client, id } = await signedIn('+15550100041', 'gina_reader');
    const sender = await control.createUser({ phone: '+15550100042', firstName: 'Hank' });
    const group = await control.createChat({
      type: 'group',
      members: [
        { userId: id, role: 'member' },
        { userId: sender.id, role: 'member' },
      ],
    });
    const channel = await control.createChat({
      type: 'supergroup',
      members: [
        { userId: id, role: 'member' },
        { userId: sender.id, role: 'member' },
      ],
    });
    await control.createChat({
      type: 'private',
      members: [
        { userId: id, role: 'member' },
        { userId: sender.id, role: 'member' },
      ],
    });
    const received: NewMessageEvent[] = [];
    const three = new Promise<void>((resolve) => {
      client.addEventHandler((event: NewMessageEvent) => {
        received.push(event);
        if (received.length === 3) resolve();
      }, new NewMessage({}));
    });
    await control.postMessage(id, { fromUserId: sender.id, text: 'private hello' });
    await control.postMessage(group.id, { fromUserId: sender.id, text: 'group hello' });
    await control.postMessage(channel.id, { fromUserId: sender.id, text: 'supergroup hello' });
    await three;
    expect(received.map((e) => e.message.message).sort()).toEqual([
      'group hello',
      'private hello',
      'supergroup hello',
    ]);
    const privateOne = received.find((e) => e.message.message === 'private hello')!;
    expect(privateOne.isPrivate).toBe(true);
    expect(privateOne.message.senderId?.toString()).toBe(String(sender.id));
  });
});
