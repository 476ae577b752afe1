import { RecordingOutbox } from '@integrations/connector-kit';
import { createMetricsRegistry } from '@integrations/observability';
import type { SessionRow } from '../accounts/account-store';
import { FakeAccounts, quietLogger, sessionRow } from '../testing/fakes';
import { AccountShards } from './account-shards';
import { shardOf } from './shard-leases';

const SHARDS = 4;

/** Users spread over the shards: the first user found in each shard. */
function usersByShard(): string[] {
  const users: string[] = [];
  for (let n = 0; users.filter(Boolean).length < SHARDS; n += 1) {
    const user = `user-${n}`;
    users[shardOf(user, SHARDS)] ??= user;
  }
  return users;
}

function setUp() {
  const users = usersByShard();
  const accounts = new FakeAccounts(new RecordingOutbox()).seed(
    ...users.map((user, shard) => sessionRow({ id: `acc-${shard}`, user_id: user })),
  );
  const log: string[] = [];
  const restored: SessionRow[] = [];
  const closedFor: string[] = [];
  const shards = new AccountShards({
    service: 'connector-telegram-account',
    shards: SHARDS,
    messaging: {
      declareKeyedQueues: async () => undefined,
      forwardCommands: async () => undefined,
      consumeUntilStopped: async ({ queue }) => {
        log.push(`consume ${queue}`);
        return { stop: async () => void log.push(`stop ${queue}`) };
      },
    },
    handler: async () => ({}),
    store: accounts,
    live: {
      size: 0,
      has: () => false,
      restoreAll: async (rows) => void restored.push(...rows),
      closeWhere: async (ofUser) => void closedFor.push(...users.filter(ofUser)),
    },
    flows: { expireWhere: async () => undefined },
    messages: {
      recover: async (ofUser = () => true) => {
        log.push(`recover ${users.filter(ofUser).join(',')}`);
        return 0;
      },
      stopRetries: () => undefined,
      drain: async () => undefined,
    },
    restoreConcurrency: 2,
    registry: createMetricsRegistry({ service: 'test', defaultMetrics: false }),
    logger: quietLogger(),
  });
  return { shards, users, accounts, log, restored, closedFor };
}

describe('AccountShards (in memory)', () => {
  it("takes a shard: its accounts connecting, its users' sends recovered, its queue consumed, its sessions restored", async () => {
    const { shards, users, accounts, log, restored } = setUp();
    await shards.acquire(2);
    expect(log).toEqual([`recover ${users[2]}`, 'consume connector-telegram-account.shard.2']);
    expect(shards.held()).toEqual({ shards: [2], of: SHARDS });
    await shards.reconnectMissing();
    // Restored twice (on acquire and by the reconnect), each time only the shard's own account.
    expect(new Set(restored.map((row) => row.id))).toEqual(new Set(['acc-2']));
    const connecting = [...accounts.rows.values()].filter((row) => row.status === 'connecting');
    expect(connecting.map((row) => row.id)).toEqual(['acc-2']);
  });

  it("gives a shard up: its consumer stopped and only its users' clients closed", async () => {
    const { shards, users, log, closedFor } = setUp();
    await shards.acquire(1);
    await shards.acquire(3);
    await shards.release(1);
    expect(log).toContain('stop connector-telegram-account.shard.1');
    expect(log).not.toContain('stop connector-telegram-account.shard.3');
    expect(closedFor).toEqual([users[1]]);
    expect(shards.held()).toEqual({ shards: [3], of: SHARDS });
  });

  it('routes every user to the queue of their shard', () => {
    const { shards, users } = setUp();
    users.forEach((user, shard) =>
      expect(shards.queueOf(shardOf(user, SHARDS))).toBe(`connector-telegram-account.shard.${shard}`),
    );
  });
});
