import { RecordingOutbox } from '@integrations/connector-kit';
import { Api } from 'telegram';
import { FakeAccounts, Kicks, messaging, quietLogger } from '../testing/fakes';
import { FlowsService } from './flows.service';

/** GramJS raises Telegram's RPC errors with `errorMessage`. */
const rpc = (code: number, errorMessage: string) =>
  Object.assign(new Error(errorMessage), { code, errorMessage });

/** A GramJS client as the flows use it: connected, answering `sendCode` and the login requests given. */
function fakeClient(answer: (request: unknown) => unknown) {
  return {
    _sender: { _userConnected: true },
    connected: true,
    session: { save: () => 'session-text' },
    sendCode: async () => ({ phoneCodeHash: 'hash-1', isCodeViaApp: true }),
    invoke: async (request: unknown) => answer(request),
    addEventHandler: () => undefined,
    destroy: async () => undefined,
  };
}

function setUp() {
  const outbox = new RecordingOutbox();
  const accounts = new FakeAccounts(outbox);
  const store = new Map<string, string>();
  const redis = {
    get: async (key: string) => store.get(key) ?? null,
    set: async (key: string, value: string) => void store.set(key, value),
    del: async (key: string) => void store.delete(key),
  };
  const codes: string[] = [];
  const client = fakeClient((request) => {
    if (!(request instanceof Api.auth.SignIn)) throw rpc(400, 'UNEXPECTED');
    codes.push(request.phoneCode!);
    if (request.phoneCode !== '12345') throw rpc(400, 'PHONE_CODE_INVALID');
    return {
      user: { id: { toString: () => '777' }, phone: '15550000001', username: 'erin', firstName: 'Erin' },
    };
  });
  const adopted: string[] = [];
  const service = new FlowsService({
    redis: redis as never,
    prefix: 'test:',
    ttlMs: 60_000,
    factory: { create: async () => client as never },
    store: accounts,
    live: { adopt: async (row) => void adopted.push(row.id) },
    calls: { run: (_id, call) => call(), connect: async () => undefined },
    callTimeoutMs: 1000,
    messaging,
    relay: new Kicks(),
    logger: quietLogger(),
    apiId: 1,
    apiHash: 'sandbox',
  });
  return { service, accounts, outbox, codes, adopted };
}

describe('FlowsService (in memory)', () => {
  const alice = { userId: 'alice', admin: false };

  it('connects by code: the account stored with its event, its client handed over', async () => {
    const { service, accounts, outbox, adopted } = setUp();
    const started = await service.start(
      alice,
      { method: 'code', phone: '+15550000001' },
      { userId: 'alice' },
    );
    expect(started).toMatchObject({ status: 'awaiting_code', codeType: 'app' });
    const done = await service.code(alice, started.flowId, '12345', { userId: 'alice' });
    expect(done).toMatchObject({ status: 'active', accountId: expect.any(String) });
    expect(accounts.rows.get(done.accountId!)).toMatchObject({
      user_id: 'alice',
      telegram_user_id: '777',
      username: 'erin',
      session_enc: 'session-text',
    });
    expect(outbox.types()).toEqual(['telegram.account.connected']);
    expect(adopted).toEqual([done.accountId]);
    await service.close();
  });

  it('keeps the flow waiting after a wrong code, and takes the right one next', async () => {
    const { service, codes, outbox } = setUp();
    const started = await service.start(
      alice,
      { method: 'code', phone: '+15550000001' },
      { userId: 'alice' },
    );
    await expect(service.code(alice, started.flowId, '00000', { userId: 'alice' })).rejects.toMatchObject({
      code: 'TELEGRAM_CODE_INVALID',
    });
    expect(await service.get(alice, started.flowId)).toMatchObject({
      status: 'awaiting_code',
      error: { code: 'TELEGRAM_CODE_INVALID' },
    });
    expect(outbox.types()).toEqual([]);
    expect((await service.code(alice, started.flowId, '12345', { userId: 'alice' })).status).toBe('active');
    expect(codes).toEqual(['00000', '12345']);
    await service.close();
  });

  it("answers another user's flow as missing", async () => {
    const { service } = setUp();
    const started = await service.start(
      alice,
      { method: 'code', phone: '+15550000001' },
      { userId: 'alice' },
    );
    const mallory = { userId: 'mallory', admin: true };
    await expect(service.get(mallory, started.flowId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.code(mallory, started.flowId, '12345', { userId: 'mallory' })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await service.close();
  });
});
