import { normalisePhone } from '../../world';
import { badRequest } from '../rpc-error';
import { Api, longOf, vectorOf } from '../tl';
import { apiBot, apiChat, apiParticipant, apiUser } from './convert';
import { method, publicMethod, type MethodSpec, type SignedIn } from './context';
import { participantForInputUser } from './resolve';

const now = (): number => Math.floor(Date.now() / 1000);

const getConfig = publicMethod(Api.help.GetConfig, (ctx) => {
  const { host, port, dcId } = ctx.state;
  return new Api.Config({
    date: now(),
    expires: now() + 3600,
    testMode: false,
    thisDc: dcId,
    dcOptions: [new Api.DcOption({ id: dcId, ipAddress: host, port })],
    dcTxtDomainName: 'emulator.invalid',
    chatSizeMax: 200,
    megagroupSizeMax: 200_000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210_000,
    offlineBlurTimeoutMs: 5_000,
    offlineIdleTimeoutMs: 30_000,
    onlineCloudTimeoutMs: 300_000,
    notifyCloudDelayMs: 30_000,
    notifyDefaultDelayMs: 1_500,
    pushChatPeriodMs: 60_000,
    pushChatLimit: 2,
    editTimeLimit: 172_800,
    revokeTimeLimit: 2_147_483_647,
    revokePmTimeLimit: 2_147_483_647,
    ratingEDecay: 2_419_200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604_800,
    callReceiveTimeoutMs: 20_000,
    callRingTimeoutMs: 90_000,
    callConnectTimeoutMs: 30_000,
    callPacketTimeoutMs: 10_000,
    meUrlPrefix: 'https://t.me/',
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: dcId,
  });
});

const getNearestDc = publicMethod(
  Api.help.GetNearestDc,
  (ctx) => new Api.NearestDc({ country: 'ZZ', thisDc: ctx.state.dcId, nearestDc: ctx.state.dcId }),
);

const getState = method(
  Api.updates.GetState,
  (ctx) =>
    new Api.updates.State({
      pts: ctx.state.pts.current(`user:${ctx.user.id}`),
      qts: 0,
      date: now(),
      seq: 0,
      unreadCount: 0,
    }),
);

/** The emulator pushes every update while connected and keeps no backlog: the difference is always empty. */
const getDifference = method(
  Api.updates.GetDifference,
  () => new Api.updates.DifferenceEmpty({ date: now(), seq: 0 }),
);

const getChannelDifference = method(
  Api.updates.GetChannelDifference,
  (_ctx, request) => new Api.updates.ChannelDifferenceEmpty({ final: true, pts: request.pts, timeout: 30 }),
);

const getUsers = method(Api.users.GetUsers, (ctx, request) =>
  vectorOf(
    request.id.map((input) => {
      const ref = participantForInputUser(ctx.state.world, ctx.user.id, input);
      const user = ref === undefined ? undefined : apiParticipant(ctx.state.world, ref, ctx.user.id);
      return user ?? new Api.UserEmpty({ id: input instanceof Api.InputUser ? input.userId : longOf(0) });
    }),
  ),
);

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;

const resolveUsername = method(Api.contacts.ResolveUsername, (ctx, request) => {
  const name = request.username.replace(/^@/, '');
  if (!USERNAME.test(name)) throw badRequest('USERNAME_INVALID');
  const owner = ctx.state.world.resolveUsername(name);
  if (owner === undefined) throw badRequest('USERNAME_NOT_OCCUPIED');
  const me = ctx.user.id;
  if (owner.kind === 'user') {
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerUser({ userId: longOf(owner.user.id) }),
      users: [apiUser(owner.user, me)],
      chats: [],
    });
  }
  if (owner.kind === 'bot') {
    return new Api.contacts.ResolvedPeer({
      peer: new Api.PeerUser({ userId: longOf(owner.bot.id) }),
      users: [apiBot(owner.bot)],
      chats: [],
    });
  }
  const chat = apiChat(owner.chat, me);
  const peer =
    chat instanceof Api.Channel
      ? new Api.PeerChannel({ channelId: chat.id })
      : new Api.PeerChat({ chatId: chat.id });
  return new Api.contacts.ResolvedPeer({ peer, users: [], chats: [chat] });
});

const resolvePhone = method(Api.contacts.ResolvePhone, (ctx, request) => {
  const phone = normalisePhone(request.phone);
  if (phone === undefined) throw badRequest('PHONE_NUMBER_INVALID');
  const user = ctx.state.world.findUserByPhone(phone);
  if (user === undefined || user.deactivated) throw badRequest('PHONE_NOT_OCCUPIED');
  return new Api.contacts.ResolvedPeer({
    peer: new Api.PeerUser({ userId: longOf(user.id) }),
    users: [apiUser(user, ctx.user.id)],
    chats: [],
  });
});

/** Every other emulator user is a contact: that is what lets GramJS find a user by phone number. */
const getContacts = method(Api.contacts.GetContacts, (ctx: SignedIn) => {
  const others = ctx.state.world.listUsers().filter((u) => u.id !== ctx.user.id && !u.deactivated);
  return new Api.contacts.Contacts({
    contacts: others.map((u) => new Api.Contact({ userId: longOf(u.id), mutual: true })),
    savedCount: 0,
    users: others.map((u) => apiUser(u, ctx.user.id)),
  });
});

export const miscMethods = [
  getConfig,
  getNearestDc,
  getState,
  getDifference,
  getChannelDifference,
  getUsers,
  resolveUsername,
  resolvePhone,
  getContacts,
] as MethodSpec<never>[];
