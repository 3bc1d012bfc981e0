import { evenHashRanges, MAX_HASH_KEY } from './hash-range';
import { shardRouter } from './shard-router';
import { aStreamMeta } from './testing/stream-meta.fixture';
import type { ShardMeta } from './ports/stream-meta';

function shardsOf(ranges: Array<{ start: bigint; end: bigint }>, closed: number[] = []): ShardMeta[] {
  return ranges.map((range, index) => ({
    shardId: `shardId-${String(index).padStart(12, '0')}`,
    index,
    hashKeyStart: range.start.toString(),
    hashKeyEnd: range.end.toString(),
    createdMs: 0,
    ...(closed.includes(index) && { closedMs: 1 }),
  }));
}

describe('shard router', () => {
  it('routes every key to the open shard whose range holds it, including the range edges', () => {
    const ranges = evenHashRanges(5);
    const meta = aStreamMeta({ streamId: 'router-a', shards: shardsOf(ranges), nextShardIndex: 5 });
    const router = shardRouter(meta);
    ranges.forEach((range, i) => {
      for (const key of [range.start, range.end, (range.start + range.end) / 2n]) {
        expect(router.route(key).index).toBe(i);
      }
    });
  });

  it('ignores closed shards, whose ranges their children now cover', () => {
    // Shard 0 covered everything and was split into 1 and 2; the shards are listed out of order.
    const half = MAX_HASH_KEY / 2n;
    const shards = shardsOf(
      [
        { start: 0n, end: MAX_HASH_KEY },
        { start: half + 1n, end: MAX_HASH_KEY },
        { start: 0n, end: half },
      ],
      [0],
    );
    const router = shardRouter(aStreamMeta({ streamId: 'router-b', shards, nextShardIndex: 3 }));
    expect(router.route(0n).index).toBe(2);
    expect(router.route(half).index).toBe(2);
    expect(router.route(half + 1n).index).toBe(1);
    expect(router.route(MAX_HASH_KEY).index).toBe(1);
  });

  it('builds a new router when a reshard has created shards', () => {
    const one = aStreamMeta({ streamId: 'router-c', shards: shardsOf(evenHashRanges(1)), nextShardIndex: 1 });
    expect(shardRouter(one).route(MAX_HASH_KEY).index).toBe(0);
    const two = aStreamMeta({
      streamId: 'router-c',
      shards: [{ ...one.shards[0], closedMs: 1 }, ...shardsOf(evenHashRanges(2)).map((s, i) => ({ ...s, index: i + 1 }))],
      nextShardIndex: 3,
    });
    expect(shardRouter(two).route(MAX_HASH_KEY).index).toBe(2);
  });
});
