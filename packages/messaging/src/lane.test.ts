import { commandLanes, eventLane, shardLane } from './lane';

describe('lanes', () => {
  it('a command queue dead-letters all its lanes under its own name', () => {
    expect(commandLanes('connector').map((lane) => [lane.queue, lane.deadKey])).toEqual([
      ['connector.high', 'connector'],
      ['connector.mid', 'connector'],
      ['connector.low', 'connector'],
    ]);
  });

  it('a shard queue dead-letters under the key it was declared with, not a slice of its name', () => {
    expect(shardLane('connector.shard.7', 'connector.shards')).toMatchObject({
      queue: 'connector.shard.7',
      deadKey: 'connector.shards',
      transient: false,
    });
  });

  it('an event queue dead-letters under its name; a transient one is marked so', () => {
    expect(eventLane('audit', false)).toMatchObject({ deadKey: 'audit', transient: false, label: 'events' });
    expect(eventLane('api.sse.1', true).transient).toBe(true);
  });
});
