import type { Account, Flow, Message } from '@integrations/contracts';
import { rabbitManagement, until } from '@integrations/testing';
import { startStack, type Stack } from './stack';

interface Problem {
  code: string;
  detail: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Faults around the account connector, against the real stack and the emulator: Telegram's MTProto port taken
 * away and given back, and Redis and RabbitMQ cut off (through TCP proxies) while sends flow. Nothing accepted is
 * lost, nothing reaches Telegram twice, and nothing reported failed reaches it at all.
 */
jest.setTimeout(90_000);

describe('the account connector under faults', () => {
  let stack: Stack;
  let token: string;
  let account: Account;

  beforeAll(async () => {
    stack = await startStack('acctfault', {
      accounts: true,
      proxied: true,
      accountEnv: {
        TELEGRAM_BREAKER_RESET_MS: '1500',
        TELEGRAM_CALL_TIMEOUT_MS: '3000',
        TELEGRAM_HEALTH_SWEEP_MS: '500',
        // Short leases: cutting Redis for 7 s must cost the connector its shards (see the Redis test below),
        // yet long enough that a stall of this busy test process (the stack runs in it) keeps them.
        TELEGRAM_SHARD_LEASE_MS: '10000',
      },
    });
    token = await stack.token('fault-user');
    const phone = '+15559000001';
    await stack.control.createUser({ phone, username: 'fault_sender' });
    await stack.control.createUser({ phone: '+15559000002', username: 'fault_peer' });
    // With leases this short, a stall of this busy test process can move the user's shard mid-login: the flow
    // then answers 410 FLOW_EXPIRED, and a user starts again, as this does (at most a few times).
    let done: { status: number; body: Flow } | undefined;
    for (let attempt = 0; attempt < 3 && done?.status !== 200; attempt += 1) {
      const started = await stack.rest<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
      const code = (await stack.control.loginCode(phone))!;
      done = await stack.rest<Flow>(token, 'POST', `/telegram/connect/${started.body.flowId}/code`, { code });
      if (done.status !== 200) expect(done.status).toBe(410);
    }
    expect(done!.body.status).toBe('active');
    account = (await stack.rest<Account>(token, 'GET', `/telegram/accounts/${done!.body.accountId}`)).body;
  });
  afterAll(() => stack?.close());

  const send = (text: string, headers: Record<string, string> = {}) =>
    stack.rest<Message & Problem>(
      token,
      'POST',
      `/telegram/accounts/${account.id}/send`,
      { to: '@fault_peer', text },
      headers,
    );
  /** A client's ordinary async send: retried with the same idempotency key until the api accepts it. */
  const sendAsync = async (text: string): Promise<Message> => {
    for (;;) {
      const res = await send(text, { prefer: 'respond-async', 'idempotency-key': text.replace(/ /g, '-') });
      if (res.status === 202) return res.body;
      // Only a failure of ours (5xx: a dependency was gone) is retried, and a 409 "still being processed": an
      // attempt whose answer was lost with Redis holds its key until the command timeout has passed. Any other
      // refusal of the request is a bug.
      const retryable = res.status >= 500 || (res.status === 409 && res.body.code === 'CONFLICT');
      expect([text, res.status, retryable]).toEqual([text, res.status, true]);
      await sleep(100);
    }
  };
  const statusOf = async () =>
    (await stack.rest<Account>(token, 'GET', `/telegram/accounts/${account.id}`)).body.status;
  const messageStatus = async (id: string) =>
    (await stack.rest<Message>(token, 'GET', `/messages/${id}`)).body.status;
  const delivered = async () =>
    (await stack.control.messages(Number(account.telegramUserId))).map((m) => m.text);
  /** The account's breaker as the connector reports it: 2 open, 1 half-open, undefined closed (no series). */
  const breakerState = async () => {
    const metrics = await (await fetch(stack.metricsUrls.at(-1)!)).text();
    const line = new RegExp(`^circuit_breaker_state\\{breaker="account:${account.id}"[^}]*\\} (\\d+)`, 'm');
    const match = line.exec(metrics);
    return match ? Number(match[1]) : undefined;
  };

  it('rides out the MTProto port dropped and back: the breaker opens and closes, async sends wait', async () => {
    expect((await send('before the outage')).body.status).toBe('sent');

    await stack.control.startMtprotoOutage();
    const waiting = [await sendAsync('queued in the outage 1'), await sendAsync('queued in the outage 2')];
    expect(waiting.map((m) => m.status)).toEqual(['queued', 'queued']);

    // Synchronous sends fail as unavailable (nothing sent) until the breaker opens; then they fail at once. A send
    // written to the connection just as it was cut is answered "may have arrived" (504) instead.
    const failed: string[] = [];
    const uncertain: string[] = [];
    const answeredFailed = (text: string, res: { status: number; body: Problem }) => {
      if (res.status === 504 && res.body.code === 'UPSTREAM_TIMEOUT') uncertain.push(text);
      else {
        expect([res.status, res.body.code]).toEqual([503, 'TELEGRAM_UNAVAILABLE']);
        failed.push(text);
      }
    };
    let paused: Problem | undefined;
    for (let i = 0; paused === undefined && i < 20; i += 1) {
      const text = `refused in the outage ${i}`;
      const res = await send(text);
      answeredFailed(text, res);
      if (/paused/.test(res.body.detail)) paused = res.body;
    }
    expect(paused).toBeDefined();
    expect(await breakerState()).toBe(2);
    const keyed = { 'idempotency-key': 'keyed-in-the-outage' };
    expect((await send('keyed in the outage', keyed)).status).toBe(503);
    await until(async () => (await statusOf()) === 'error');

    await stack.control.endMtprotoOutage();
    // Once the breaker lets a trial through, the account reconnects and the breaker closes.
    let after: Message | undefined;
    for (let i = 0; after === undefined; i += 1) {
      const text = `after the outage ${i}`;
      const res = await send(text);
      if (res.status === 200) after = res.body;
      else {
        // The breaker's trial send can be the one that times out while Telegram is slow to come back.
        answeredFailed(text, res);
        await sleep(200);
      }
    }
    expect(after.status).toBe('sent');
    expect(await breakerState()).toBeUndefined();
    // The client retries its 503 with the same key: the same message is tried again, and sent.
    const retried = await send('keyed in the outage', keyed);
    expect([retried.status, retried.body.status]).toEqual([200, 'sent']);
    await until(async () => (await statusOf()) === 'active');
    for (const message of waiting) await until(async () => (await messageStatus(message.id)) === 'sent');

    const texts = await delivered();
    const once = (text: string) => texts.filter((t) => t === text).length;
    expect(
      ['before the outage', 'queued in the outage 1', 'queued in the outage 2', 'keyed in the outage'].map(
        once,
      ),
    ).toEqual([1, 1, 1, 1]);
    // What was answered as failed never reached Telegram; what may have arrived did so at most once.
    expect(failed.filter((text) => once(text) > 0)).toEqual([]);
    expect(uncertain.filter((text) => once(text) > 1)).toEqual([]);
    expect((await stack.control.mtproto()).duplicates).toBe(0);
  });

  it('answers a login cut off by the MTProto port going away with 503, and finishes it once Telegram is back', async () => {
    const phone = '+15559000003';
    await stack.control.createUser({ phone, username: 'fault_login', password: 'pw-in-outage' });
    const started = await stack.rest<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
    expect(started.status).toBe(202);
    const { flowId } = started.body;
    const code = (await stack.control.loginCode(phone))!;

    await stack.control.startMtprotoOutage();
    try {
      // The step is a bounded call: it answers (never hangs into the api's 504) with Retry-After.
      const cut = await stack.rest<Problem>(token, 'POST', `/telegram/connect/${flowId}/code`, { code });
      expect([cut.status, cut.body.code]).toEqual([503, 'TELEGRAM_UNAVAILABLE']);
      expect(Number(cut.headers.get('retry-after'))).toBeGreaterThan(0);
      // The flow keeps waiting for that code: Telegram being away is not the user's mistake.
      const waiting = await stack.rest<Flow>(token, 'GET', `/telegram/connect/${flowId}`);
      expect(waiting.body).toMatchObject({
        status: 'awaiting_code',
        error: { code: 'TELEGRAM_UNAVAILABLE' },
      });
      // A new login meanwhile is refused the same way.
      const refused = await stack.rest<Problem>(token, 'POST', '/telegram/connect', { method: 'qr' });
      expect([refused.status, refused.body.code]).toEqual([503, 'TELEGRAM_UNAVAILABLE']);
      // Login steps pass the connector-wide breaker, reported like every other breaker.
      const metrics = await (await fetch(stack.metricsUrls.at(-1)!)).text();
      expect(metrics).toMatch(/^circuit_breaker_state\{breaker="mtproto"[^}]*\} [012]$/m);
    } finally {
      await stack.control.endMtprotoOutage();
    }
    // The same code goes through once the breaker lets a trial call pass; the password step follows.
    let next: { status: number; body: Flow & Problem } | undefined;
    while (next?.status !== 200) {
      next = await stack.rest<Flow & Problem>(token, 'POST', `/telegram/connect/${flowId}/code`, { code });
      if (next.status !== 200) {
        expect([next.status, next.body.code]).toEqual([503, 'TELEGRAM_UNAVAILABLE']);
        await sleep(200);
      }
    }
    expect(next.body.status).toBe('awaiting_password');
    const done = await stack.rest<Flow>(token, 'POST', `/telegram/connect/${flowId}/password`, {
      password: 'pw-in-outage',
    });
    expect([done.status, done.body.status]).toEqual([200, 'active']);
    const sent = await stack.rest<Message>(token, 'POST', `/telegram/accounts/${done.body.accountId}/send`, {
      to: '@fault_peer',
      text: 'logged in after the outage',
    });
    expect(sent.body.status).toBe('sent');
    // The other account's client was cut off too; the sweep brings it back for the tests after this one.
    await until(async () => (await statusOf()) === 'active');
  });

  it('loses and repeats nothing while Redis and then RabbitMQ are cut off under traffic', async () => {
    const proxies = stack.proxies!;
    const accepted: Message[] = [];
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; !stop; i += 1) accepted.push(await sendAsync(`steady ${i}`));
    })();
    const acceptedAtLeast = (n: number) => until(() => accepted.length >= n, 50);

    await acceptedAtLeast(5);
    const redisBefore = proxies.redis.accepted;
    await proxies.redis.cut();
    // Longer than 60 % of a lease life (10 s): the connector stops serving its shards, then takes them back.
    await sleep(7_000);
    await proxies.redis.restore();
    const afterRedis = accepted.length;
    await acceptedAtLeast(afterRedis + 5);

    const amqpBefore = proxies.amqp.accepted;
    await proxies.amqp.cut();
    await sleep(3_000);
    await proxies.amqp.restore();
    const afterAmqp = accepted.length;
    await acceptedAtLeast(afterAmqp + 5);
    stop = true;
    await traffic;

    // Every service reconnected through the proxies.
    expect(proxies.redis.accepted).toBeGreaterThan(redisBefore);
    expect(proxies.amqp.accepted).toBeGreaterThan(amqpBefore);
    for (const message of accepted) await until(async () => (await messageStatus(message.id)) === 'sent');
    const texts = await delivered();
    const steady = texts.filter((t) => t.startsWith('steady '));
    expect(steady.sort()).toEqual(accepted.map((_, i) => `steady ${i}`).sort());
    expect((await stack.control.mtproto()).duplicates).toBe(0);
  });

  it('dead-letters a malformed or schema-invalid account command and keeps serving', async () => {
    const vhost = encodeURIComponent(stack.vhost);
    const publish = (payload: string) =>
      rabbitManagement('POST', `/exchanges/${vhost}/integrations.commands/publish`, {
        properties: {},
        routing_key: 'telegram.account.send',
        payload,
        payload_encoding: 'string',
      });
    await publish('{not json');
    await publish(
      JSON.stringify({
        specversion: '1.0',
        id: 'not-a-send',
        source: 'a-test',
        type: 'telegram.account.send',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        userid: 'fault-user',
        data: { accountId: account.id },
      }),
    );
    const dead = async () =>
      (
        await rabbitManagement<{ properties: { headers: Record<string, unknown> } }[]>(
          'POST',
          `/queues/${vhost}/connector-telegram-account.dead/get`,
          { count: 10, ackmode: 'ack_requeue_true', encoding: 'auto' },
        )
      ).map((m) => String(m.properties.headers['x-dead-reason']));
    await until(async () => (await dead()).length >= 2, 200);
    expect(await dead()).toEqual(
      expect.arrayContaining([
        'the body is not JSON',
        expect.stringContaining('invalid telegram.account.send'),
      ]),
    );
    expect((await send('after a malformed command')).body.status).toBe('sent');
  });
});
