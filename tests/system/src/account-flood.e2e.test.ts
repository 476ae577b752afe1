import type { Account, Flow, Message } from '@integrations/contracts';
import { until } from '@integrations/testing';
import { loadConfig as accountConfig } from '@integrations/connector-telegram-account';
import { startStack, type Stack } from './stack';

/**
 * Asynchronous account sends under Telegram's limits (the emulator's, on): a FLOOD_WAIT delays the sends accepted
 * behind it, it never fails them, and the wait survives a restart of the connector. Each account sends to its own
 * recipient, spaced by the connector's default interval, which must stay clear of the 1 message/s per private chat.
 */
jest.setTimeout(120_000);

const ACCOUNTS = 3;
const SENDS = 15;

describe('account sends after a FLOOD_WAIT', () => {
  let stack: Stack;
  let token: string;
  const accounts: { account: Account; phone: string; peer: string }[] = [];

  beforeAll(async () => {
    stack = await startStack('acctflood', {
      accounts: true,
      // The default spacing, as deployed (the stack's own default turns it off).
      accountEnv: {
        TELEGRAM_ACCOUNT_SEND_INTERVAL_MS: String(accountConfig({}).sendIntervalMs),
        // No health checks: the one injected FLOOD_WAIT must meet a send, not a ping.
        TELEGRAM_HEALTH_SWEEP_MS: '0',
      },
    });
    token = await stack.token('flood-user');
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const phone = `+1555910000${i}`;
      const peer = `flood_peer_${i}`;
      await stack.control.createUser({ phone, username: `flood_sender_${i}` });
      await stack.control.createUser({ phone: `+1555920000${i}`, username: peer });
      const started = await stack.rest<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
      const code = (await stack.control.loginCode(phone))!;
      const done = await stack.rest<Flow>(token, 'POST', `/telegram/connect/${started.body.flowId}/code`, {
        code,
      });
      expect(done.body.status).toBe('active');
      const account = await stack.rest<Account>(token, 'GET', `/telegram/accounts/${done.body.accountId}`);
      accounts.push({ account: account.body, phone, peer: `@${peer}` });
    }
    // Telegram's limits from here on: 1 message/s per private chat, the per-sender rate.
    await stack.control.setLimits({ enabled: true });
  });
  afterAll(() => stack?.close());

  const messageOf = async (id: string) => (await stack.rest<Message>(token, 'GET', `/messages/${id}`)).body;

  it('answers a synchronous send with 429 and Retry-After; the same key sent again after the wait is sent', async () => {
    const [{ account, phone, peer }] = accounts;
    await stack.control.addFault({ target: `user:${phone}`, kind: 'rate_limit', retryAfter: 2, count: 1 });
    const send = () =>
      stack.rest<Message & { code?: string }>(
        token,
        'POST',
        `/telegram/accounts/${account!.id}/send`,
        { to: peer, text: 'sync after a wait' },
        { 'idempotency-key': 'sync-after-a-wait' },
      );
    const refused = await send();
    expect([refused.status, refused.body.code]).toEqual([429, 'TELEGRAM_FLOOD_WAIT']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The client waits as told and sends the same request again; until the wait is over it is refused again.
    let again = await send();
    while (again.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(again.headers.get('retry-after')) * 1000));
      again = await send();
    }
    expect([again.status, again.body.status]).toEqual([200, 'sent']);
    const texts = (await stack.control.messages(Number(account!.telegramUserId))).map((m) => m.text);
    expect(texts.filter((t) => t === 'sync after a wait')).toHaveLength(1);
  });

  it('sends every accepted message once the wait is over, also across a connector restart', async () => {
    // One FLOOD_WAIT per account on its next call, long enough for the restart below to fall inside it.
    for (const { phone } of accounts) {
      await stack.control.addFault({ target: `user:${phone}`, kind: 'rate_limit', retryAfter: 3, count: 1 });
    }
    const accepted: { id: string; text: string; account: number }[] = [];
    for (let n = 0; n < SENDS; n += 1) {
      for (const [a, { account, peer }] of accounts.entries()) {
        const text = `flood ${a} ${n}`;
        const res = await stack.rest<Message>(
          token,
          'POST',
          `/telegram/accounts/${account.id}/send`,
          { to: peer, text },
          { prefer: 'respond-async' },
        );
        expect([text, res.status, res.body.status]).toEqual([text, 202, 'queued']);
        accepted.push({ id: res.body.id, text, account: a });
      }
    }
    // Every account has met its FLOOD_WAIT: its sends are waiting. The connector stops and starts meanwhile.
    await until(async () => (await stack.control.faults()).length === 0, 100);
    await stack.restartAccounts();

    await until(async () => {
      const statuses = await Promise.all(accepted.map(async ({ id }) => (await messageOf(id)).status));
      expect(statuses.filter((s) => s === 'failed')).toEqual([]);
      return statuses.every((s) => s === 'sent');
    }, 500);
    for (const [a, { account }] of accounts.entries()) {
      const texts = (await stack.control.messages(Number(account.telegramUserId))).map((m) => m.text);
      const expected = accepted.filter((m) => m.account === a).map((m) => m.text);
      expect(expected.map((text) => [text, texts.filter((t) => t === text).length])).toEqual(
        expected.map((text) => [text, 1]),
      );
    }
  });
});
