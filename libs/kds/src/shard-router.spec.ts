import { randomBytes } from 'node:crypto';
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

  it('routes hash keys given as words exactly as it routes them as numbers, near every boundary too', () => {
    // Uneven ranges whose starts differ only in their low words, and a gap, which both refuse.
    const third = MAX_HASH_KEY / 3n;
    const ranges = [
      { start: 0n, end: third },
      { start: third + 1n, end: third + 2n },
      { start: third + 3n, end: (third << 1n) | 0xffffffffn },
      { start: ((third << 1n) | 0xffffffffn) + 1n, end: MAX_HASH_KEY - 10n },
    ];
    const router = shardRouter(aStreamMeta({ streamId: 'router-d', shards: shardsOf(ranges), nextShardIndex: 4 }));
    const keys = ranges.flatMap(({ start, end }) => [start - 1n, start, start + 1n, end - 1n, end, end + 1n]);
    for (let i = 0; i < 2000; i++) keys.push(BigInt('0x' + randomBytes(16).toString('hex')));
    keys.push(0n, MAX_HASH_KEY);
    const words = new Uint32Array(4);
    const outcome = (route: () => unknown) => {
      try {
        return route();
      } catch (error) {
        return (error as Error).message;
      }
    };
    for (const key of keys.filter((k) => k >= 0n && k <= MAX_HASH_KEY)) {
      for (let w = 0; w < 4; w++) words[w] = Number((key >> BigInt(96 - 32 * w)) & 0xffffffffn);
      expect(outcome(() => router.routeWords(words, 0))).toEqual(outcome(() => router.route(key)));
    }
  });
});
