import type { Channel, Flow, Message } from '@integrations/contracts';
import { createLogger } from '@integrations/observability';
import {
  createTestDatabase,
  infra,
  startDaemon,
  until,
  type Daemon,
  type TestDatabase,
} from '@integrations/testing';
import { startWhatsAppEmulator, type WhatsAppEmulator } from '@integrations/whatsapp-emulator';
import {
  loadConfig as whatsappConfig,
  startWhatsAppConnector,
  type WhatsAppConnector,
} from '@integrations/connector-whatsapp';
import { parser } from '@prometheus-io/lezer-promql';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse, stringify } from 'yaml';
import {
  loadConfig as accountConfig,
  startAccountConnector,
  type AccountConnector,
} from '@integrations/connector-telegram-account';
import { startStack, type Stack } from './stack';

const ROOT = path.resolve(__dirname, '../../..');
const RABBITMQ_METRICS = process.env.RABBITMQ_PROMETHEUS_TARGET ?? '127.0.0.1:15692';

jest.setTimeout(120_000);

interface Panel {
  title: string;
  targets: { expr: string }[];
}
interface RuleGroup {
  rules: { alert?: string; record?: string; expr: string }[];
}
type Vector = { metric: Record<string, string>; value: [number, string] }[];

const dashboards = readdirSync(path.join(ROOT, 'monitoring/grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(ROOT, 'monitoring/grafana/dashboards', f), 'utf8')))
  .map((d: { uid: string; panels: Panel[] }) => d);
const ruleFiles = readdirSync(path.join(ROOT, 'monitoring/prometheus/rules')).filter((f) =>
  f.endsWith('.yml'),
);
const rules = ruleFiles.flatMap(
  (f) =>
    (
      parse(readFileSync(path.join(ROOT, 'monitoring/prometheus/rules', f), 'utf8')) as {
        groups: RuleGroup[];
      }
    ).groups,
);

/** Metric names an expression selects, read with Prometheus' own PromQL grammar. */
function selectedNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== 'VectorSelector') return;
      const first = node.node.firstChild;
      if (first?.name === 'Identifier') names.push(expr.slice(first.from, first.to));
    },
  });
  return names;
}

/**
 * The dashboards and rules checked by a real Prometheus (Debian's `prometheus`), with the project's scrape
 * configuration pointed at a running stack (two account-connector replicas) and RabbitMQ's prometheus plugin:
 * every panel's and rule's expression runs without error and names only metrics Prometheus knows, and the
 * panels that must show something after sends do.
 */
describe('dashboards and rules in a real Prometheus', () => {
  let stack: Stack;
  let second: AccountConnector | undefined;
  // The WhatsApp connector beside the stack (against its emulator), so its job has a target and its metrics exist.
  let whatsapp:
    { emulator: WhatsAppEmulator; database: TestDatabase; connector: WhatsAppConnector } | undefined;
  let prometheus: Daemon | undefined;
  const accounts: { token: string; id: string; telegramUserId: number }[] = [];

  beforeAll(async () => {
    stack = await startStack('prom', { accounts: true });
    // Accounts connect while one replica holds every shard (a login stays on the replica that started it).
    for (const [i, user] of ['prom-a', 'prom-b', 'prom-c'].entries()) {
      const phone = `+1555770010${i}`;
      const owner = await stack.control.createUser({ phone, username: `prom_owner_${i}` });
      const token = await stack.token(user);
      const flow = await stack.rest<Flow>(token, 'POST', '/telegram/connect', { method: 'code', phone });
      const code = (await stack.control.loginCode(phone))!;
      const done = await stack.rest<Flow>(token, 'POST', `/telegram/connect/${flow.body.flowId}/code`, {
        code,
      });
      expect(done.body.status).toBe('active');
      accounts.push({ token, id: done.body.accountId!, telegramUserId: owner.id });
    }
    // A second account replica: the shards split between the two, and so do the session gauges.
    second = await startAccountConnector(
      accountConfig({ ...stack.accountEnv, CONNECTOR_ACCOUNT_PORT: '0' }),
      createLogger({ service: 'connector-telegram-account', stream: new PassThrough() }),
    );
    // The two settle their share: the accounts of the shards that moved are restored on the second one.
    const held = async (url: string) =>
      Number(/^account_shard_leases_held\S* (\d+)/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1]);
    const replicaUrls = [stack.metricsUrls.at(-1)!.replace(/\/metrics$/, ''), second.url];
    await until(async () => {
      const shares = await Promise.all(replicaUrls.map(held));
      return shares.every((n) => n === 4);
    });
    const emulator = await startWhatsAppEmulator();
    const database = await createTestDatabase('prom_wa');
    const connector = await startWhatsAppConnector(
      whatsappConfig({
        AMQP_URL: stack.amqpUrl,
        MYSQL_URL: infra.mysqlUrl,
        WHATSAPP_DATABASE: database.name,
        WHATSAPP_GRAPH_URL: emulator.url,
        CONNECTOR_WHATSAPP_PORT: '0',
        CONNECTOR_WHATSAPP_WEBHOOK_PORT: '0',
        CONNECTOR_WHATSAPP_HOST: '127.0.0.1',
      }),
      createLogger({ service: 'connector-whatsapp', stream: new PassThrough() }),
    );
    whatsapp = { emulator, database, connector };
    const targets: Record<string, string[]> = {
      ...stack.scrapeTargets,
      'connector-whatsapp': [new URL(connector.url).host],
      'connector-telegram-account': [
        ...(stack.scrapeTargets['connector-telegram-account'] ?? []),
        new URL(second.url).host,
      ],
      rabbitmq: [RABBITMQ_METRICS],
    };
    const project = parse(readFileSync(path.join(ROOT, 'monitoring/prometheus/prometheus.yml'), 'utf8')) as {
      global: Record<string, unknown>;
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    prometheus = await startDaemon(
      'prometheus',
      (port, dir) => [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      {
        readyPath: '/-/ready',
        // The project's configuration: its jobs, paths and rules; only the addresses and intervals are this test's.
        prepare: (_port, dir) =>
          writeFileSync(
            path.join(dir, 'prometheus.yml'),
            stringify({
              global: { ...project.global, scrape_interval: '1s', evaluation_interval: '1s' },
              rule_files: [path.join(ROOT, 'monitoring/prometheus/rules/*.yml')],
              scrape_configs: project.scrape_configs.map((job) => {
                const jobTargets = targets[job.job_name];
                if (!jobTargets) throw new Error(`no running target for the job ${job.job_name}`);
                return { ...job, static_configs: [{ targets: jobTargets }] };
              }),
            }),
          ),
      },
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
    await second?.close();
    await whatsapp?.connector.close();
    await whatsapp?.emulator.stop();
    await whatsapp?.database.drop();
    await stack?.close();
  });

  const query = async (
    expr: string,
  ): Promise<{ status: string; error?: string; data?: { result: Vector } }> =>
    (await fetch(`${prometheus!.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json() as Promise<{
      status: string;
      error?: string;
      data?: { result: Vector };
    }>;
  const value = async (expr: string): Promise<number | undefined> => {
    const result = (await query(expr)).data?.result ?? [];
    return result[0] ? Number(result[0].value[1]) : undefined;
  };

  it('scrapes every job, and evaluates every panel and rule without error and with data where sends left some', async () => {
    // Traffic: a bot send, an account send and a channel send through it, and a request refused for its token.
    const token = await stack.token('prom-user');
    const { bot, chats } = await stack.connectBotWithGroups(token, 'prom_bot');
    expect(
      (
        await stack.rest<Message>(token, 'POST', `/telegram/bots/${bot.id}/send`, {
          chatId: chats[0]!.id,
          text: 'hello',
        })
      ).body.status,
    ).toBe('sent');
    const [first] = accounts;
    const peer = await stack.control.createUser({ phone: '+15557700199', username: 'prom_peer' });
    const group = await stack.control.createChat({
      type: 'group',
      title: 'Prometheus',
      members: [
        { userId: first!.telegramUserId, role: 'creator' },
        { userId: peer.id, role: 'member' },
      ],
    });
    const sent = await stack.rest<Message>(first!.token, 'POST', `/telegram/accounts/${first!.id}/send`, {
      to: '@prom_peer',
      text: 'as an account',
    });
    expect(sent.body.status).toBe('sent');
    const channel = await stack.rest<Channel>(first!.token, 'POST', '/telegram/channels', {
      chat: group.id,
      via: { type: 'account', id: first!.id },
    });
    expect(channel.status).toBe(201);
    const posted = await stack.rest<Message>(
      first!.token,
      'POST',
      `/telegram/channels/${channel.body.id}/send`,
      {
        text: 'to the group',
      },
    );
    expect(posted.body.status).toBe('sent');
    expect((await fetch(`${stack.apiUrl}/api/integrations/telegram/bots`)).status).toBe(401);

    // Every job is scraped, the sends are in, and the session gauges have caught up (they refresh every 5 s).
    await until(async () => {
      const up = (await query('up')).data?.result ?? [];
      return up.length > 0 && up.every((s) => s.value[1] === '1');
    });
    await until(async () => (await value('sum(telegram_messages_sent_total{type="channel"})')) === 1);
    await until(
      async () => (await value('sum(telegram_sessions_active{type="account"})')) === accounts.length,
    );
    await until(async () => (await value('count(telegram_sessions_total{type="account"})')) === 2);
    // Two replicas, each reporting the accounts of its own shards: the panel counts each account once.
    await until(
      async () => (await value('sum(telegram_sessions_total{type="account"})')) === accounts.length,
    );
    // The broker emits queue statistics every few seconds: the stack's queues show once it has.
    await until(
      async () => (await value(`count(rabbitmq_queue_messages_ready{vhost="${stack.vhost}"})`)) !== undefined,
    );
    // A rate needs two samples of a counter: wait until the last counters to appear have them.
    for (const counter of [
      'telegram_messages_sent_total{type="channel"}',
      'api_request_error_total{status="401"}',
    ]) {
      await until(async () => (await value(`sum(rate(${counter}[5m]))`)) !== undefined);
    }

    const known = new Set<string>(['up']);
    const metadata = (await (await fetch(`${prometheus!.url}/api/v1/metadata`)).json()) as {
      data: Record<string, { type: string }[]>;
    };
    for (const [name, [meta]] of Object.entries(metadata.data)) {
      known.add(name);
      if (meta?.type === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) known.add(name + suffix);
    }
    for (const group of rules) for (const rule of group.rules) if (rule.record) known.add(rule.record);

    const empty: string[] = [];
    const problems: string[] = [];
    const check = async (where: string, expr: string) => {
      const answer = await query(expr);
      if (answer.status !== 'success') problems.push(`${where}: ${answer.error}`);
      const unknown = selectedNames(expr).filter((name) => !known.has(name));
      if (unknown.length > 0) problems.push(`${where}: unknown metric ${unknown.join(', ')}`);
      if ((answer.data?.result ?? []).length === 0) empty.push(where);
    };
    for (const dashboard of dashboards)
      for (const panel of dashboard.panels)
        for (const [i, target] of panel.targets.entries())
          await check(`${dashboard.uid} / ${panel.title} #${i}`, target.expr);
    for (const group of rules)
      for (const rule of group.rules) await check(rule.alert ?? rule.record!, rule.expr);
    expect(problems).toEqual([]);

    // What must show after sends, API traffic and connected accounts.
    const mustHaveData = [
      'integrations-overview / Active account sessions #0',
      'integrations-overview / Messages sent (1h) #0',
      'integrations-overview / Sends per second by type #0',
      'integrations-messages / Sent per second #0',
      'integrations-messages / Send latency #0',
      'integrations-api / Requests per second by endpoint #0',
      'integrations-api / Latency p99 by endpoint #0',
      'integrations-sessions / Account sessions #0',
      'integrations-sessions / Account sessions #1',
      'integrations-sessions / Shard leases per replica #0',
      'integrations-sessions / Breakers (0 closed, 1 half-open, 2 open) #0',
      'integrations-queues / Tasks per second by lane #0',
      'integrations-queues / Ready messages per queue #0',
      'integrations-queues / Sends waiting for Telegram’s limits #0',
      'integrations-security / Client errors (4xx) by code #0',
    ];
    expect(mustHaveData.filter((where) => empty.includes(where))).toEqual([]);
    const byType = (await query('sum by (type) (telegram_messages_sent_total)')).data!.result;
    expect(Object.fromEntries(byType.map((s) => [s.metric['type'], Number(s.value[1])]))).toEqual({
      bot: 1,
      account: 1,
      channel: 1,
    });
  });
});
