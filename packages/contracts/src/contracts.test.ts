import {
  COMMAND_TYPES,
  DEPRECATED_COMMANDS,
  DomainError,
  ERROR_STATUS,
  ErrorCode,
  EVENT_TYPES,
  REST_BODIES,
  allSchemas,
  compileAllSchemas,
  validateEnvelope,
  validateMessageData,
  validateReplyData,
  validateRestBody,
} from './index';
import { buildAsyncApi } from './asyncapi';

const envelope = {
  specversion: '1.0',
  id: '0192f7a0-0000-7000-8000-000000000001',
  source: 'services/api',
  type: 'telegram.bot.send',
  time: '2026-11-24T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: {},
  userid: 'user-1',
};

describe('contract schemas', () => {
  it('has a command schema and a reply schema for every command routing key, and a schema for every event', () => {
    const rels = new Set(allSchemas().map((s) => s.rel));
    for (const type of COMMAND_TYPES) {
      expect(rels).toContain(`commands/${type}.json`);
      expect(rels).toContain(`replies/${type}.json`);
    }
    for (const type of EVENT_TYPES) expect(rels).toContain(`events/${type}.json`);
    expect(COMMAND_TYPES).toEqual(
      expect.arrayContaining(['telegram.bot.send', 'telegram.account.send', 'telegram.channel.send']),
    );
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'telegram.account.connected',
        'telegram.account.disconnected',
        'telegram.account.session_error',
        'telegram.bot.connected',
        'telegram.bot.removed',
        'telegram.channel.attached',
        'telegram.channel.removed',
        'telegram.channel.write_forbidden',
        'telegram.message.sent',
        'telegram.message.failed',
        'telegram.message.received',
      ]),
    );
  });

  it('compiles every schema (each is compiled on first use; none may fail then)', () => {
    expect(compileAllSchemas()).toBe(allSchemas().length);
  });

  it('names every command key <platform>.<resource>.<verb>, the old asymmetric keys kept as deprecated aliases', () => {
    // The bot connector's channels were `telegram.channel.*` beside the account's `telegram.account.channel.*`.
    expect(DEPRECATED_COMMANDS).toEqual({
      'telegram.channel.attach': 'telegram.bot.channel.attach',
      'telegram.channel.get': 'telegram.bot.channel.get',
      'telegram.channel.list': 'telegram.bot.channel.list',
      'telegram.channel.remove': 'telegram.bot.channel.remove',
      'telegram.channel.send': 'telegram.bot.channel.send',
      'telegram.channel.update': 'telegram.bot.channel.update',
    });
    const send = { channelId: 'c-1', text: 'hi', messageId: 'm-1' };
    for (const [old, replacement] of Object.entries(DEPRECATED_COMMANDS)) {
      expect(COMMAND_TYPES).toContain(replacement);
      // Symmetric: the account connector's channel command of the same verb.
      expect(COMMAND_TYPES).toContain(replacement.replace('telegram.bot.', 'telegram.account.'));
      // The old key takes exactly the data of the new one.
      if (old === 'telegram.channel.send') {
        expect(validateMessageData(old, send)).toEqual({ valid: true });
        expect(validateMessageData(old, { ...send, extra: 1 })).toMatchObject({ valid: false });
      }
    }
    const doc = buildAsyncApi() as { operations: Record<string, Record<string, unknown>> };
    expect(doc.operations['telegramChannelSend']).toMatchObject({
      'x-deprecated': true,
      'x-replaced-by': 'telegram.bot.channel.send',
    });
    expect(doc.operations['telegramBotChannelSend']).not.toHaveProperty('x-deprecated');
  });

  it('gives every error code its status from the contract table', () => {
    expect(ERROR_STATUS.TELEGRAM_FLOOD_WAIT).toBe(429);
    expect(ERROR_STATUS.FLOW_EXPIRED).toBe(410);
    expect(ERROR_STATUS.TELEGRAM_SESSION_REVOKED).toBe(409);
    expect(ERROR_STATUS.UPSTREAM_TIMEOUT).toBe(504);
    expect(ERROR_STATUS.TELEGRAM_PEER_NOT_FOUND).toBe(422);
    expect(ERROR_STATUS.INTEGRATION_PAUSED).toBe(409);
    expect(ERROR_STATUS.WHATSAPP_WINDOW_CLOSED).toBe(422);
    expect(ERROR_STATUS.WHATSAPP_RATE_LIMITED).toBe(429);
    expect(Object.keys(ERROR_STATUS)).toHaveLength(33);
    expect(ErrorCode.NOT_FOUND).toBe('NOT_FOUND');
  });
});

describe('envelope', () => {
  it('accepts a CloudEvents envelope with our extensions', () => {
    expect(
      validateEnvelope({
        ...envelope,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      }),
    ).toEqual({
      valid: true,
    });
  });

  it('rejects a missing userid, a wrong specversion, a malformed traceparent and unknown attributes', () => {
    const { userid: _userid, ...withoutUser } = envelope;
    for (const bad of [
      withoutUser,
      { ...envelope, specversion: '0.3' },
      { ...envelope, traceparent: 'nope' },
      { ...envelope, surprise: true },
    ]) {
      expect(validateEnvelope(bad).valid).toBe(false);
    }
    expect(validateEnvelope({ ...envelope, surprise: 1 })).toEqual({
      valid: false,
      errors: [{ path: '/surprise', message: 'is not allowed' }],
    });
  });
});

describe('message data', () => {
  it('validates a send command and names the failing fields', () => {
    expect(validateMessageData('telegram.bot.send', { botId: 'b1', chatId: '-100123', text: 'hi' })).toEqual({
      valid: true,
    });
    const result = validateMessageData('telegram.bot.send', { botId: 'b1', chatId: 12, text: '', extra: 1 });
    expect(result.valid).toBe(false);
    if (!result.valid) {
      expect(result.errors.map((e) => e.path).sort()).toEqual(['/chatId', '/extra', '/text']);
    }
  });

  it('rejects text over 4096 characters and unknown routing keys', () => {
    expect(
      validateMessageData('telegram.bot.send', { botId: 'b', chatId: '1', text: 'x'.repeat(4097) }).valid,
    ).toBe(false);
    expect(validateMessageData('telegram.bot.explode', {}).valid).toBe(false);
    expect(validateMessageData('../../etc/passwd', {}).valid).toBe(false);
  });

  it('validates event data (userId is always required)', () => {
    const sent = {
      userId: 'u1',
      messageId: 'm1',
      via: { type: 'bot', id: 'b1' },
      chatId: '42',
      telegramMessageId: '7',
      sentAt: '2026-11-24T10:00:00.000Z',
    };
    expect(validateMessageData('telegram.message.sent', sent)).toEqual({ valid: true });
    const { userId: _userId, ...noUser } = sent;
    expect(validateMessageData('telegram.message.sent', noUser).valid).toBe(false);
  });

  it('validates reply data against the resource schema', () => {
    const message = {
      id: 'm1',
      status: 'sent',
      chatId: '42',
      telegramMessageId: '9',
      sentAt: '2026-11-24T10:00:00.000Z',
    };
    expect(validateReplyData('telegram.bot.send', message)).toEqual({ valid: true });
    expect(validateReplyData('telegram.bot.send', { ...message, status: 'maybe' }).valid).toBe(false);
    expect(validateReplyData('telegram.bot.remove', {})).toEqual({ valid: true });
  });
});

describe('REST bodies', () => {
  it('lists the request bodies of the api', () => {
    expect(REST_BODIES).toEqual(
      expect.arrayContaining(['bot-create', 'connect', 'bot-send', 'channel-attach', 'logs-query']),
    );
  });

  it('accepts the two connect methods and refuses a mix', () => {
    expect(validateRestBody('connect', { method: 'qr' })).toEqual({ valid: true });
    expect(validateRestBody('connect', { method: 'code', phone: '+79991234567' })).toEqual({ valid: true });
    expect(validateRestBody('connect', { method: 'qr', phone: '+79991234567' }).valid).toBe(false);
    expect(validateRestBody('connect', { method: 'code', phone: '89991234567' }).valid).toBe(false);
  });

  it('applies the default list limit', () => {
    const query: Record<string, unknown> = {};
    expect(validateRestBody('logs-query', query)).toEqual({ valid: true });
    expect(query['limit']).toBe(20);
  });
});

describe('DomainError', () => {
  it('carries its status and turns into a reply error without losing retryAfter', () => {
    const error = new DomainError('TELEGRAM_FLOOD_WAIT', 'wait 30 s', { retryAfter: 30 });
    expect(error.status).toBe(429);
    expect(error.toReplyError()).toEqual({
      code: 'TELEGRAM_FLOOD_WAIT',
      status: 429,
      detail: 'wait 30 s',
      retryAfter: 30,
    });
    expect(DomainError.fromReplyError(error.toReplyError())).toMatchObject({
      code: 'TELEGRAM_FLOOD_WAIT',
      retryAfter: 30,
    });
  });
});
