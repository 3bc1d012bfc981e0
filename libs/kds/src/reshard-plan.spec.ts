import { evenHashRanges, MAX_HASH_KEY } from './hash-range';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { planMerge, planSplit, planUniformScaling, type ReshardPlan } from './reshard-plan';
import { formatShardId } from './shard-id';
import { aStreamMeta } from './testing/stream-meta.fixture';

const NOW = 5_000;

function streamWith(count: number): StreamMeta {
  const shards: ShardMeta[] = evenHashRanges(count).map((range, index) => ({
    shardId: formatShardId(index),
    index,
    hashKeyStart: range.start.toString(),
    hashKeyEnd: range.end.toString(),
    createdMs: 0,
  }));
  return aStreamMeta({ shards, nextShardIndex: count });
}

/** The stream after the plan, as reshard() writes it. */
function applied(meta: StreamMeta, plan: ReshardPlan): StreamMeta {
  const shards = meta.shards.map((s) => (plan.closes.includes(s.shardId) ? { ...s, closedMs: NOW } : s));
  return { ...meta, shards: [...shards, ...plan.creates], nextShardIndex: plan.baseIndex + plan.creates.length };
}

const open = (meta: StreamMeta) =>
  meta.shards.filter((s) => s.closedMs === undefined).sort((a, b) => (BigInt(a.hashKeyStart) < BigInt(b.hashKeyStart) ? -1 : 1));
const range = (s: ShardMeta) => [BigInt(s.hashKeyStart), BigInt(s.hashKeyEnd)];

function expectTiling(shards: ShardMeta[]): void {
  expect(shards[0].hashKeyStart).toBe('0');
  expect(shards[shards.length - 1].hashKeyEnd).toBe(MAX_HASH_KEY.toString());
  for (let i = 1; i < shards.length; i++) expect(BigInt(shards[i].hashKeyStart)).toBe(BigInt(shards[i - 1].hashKeyEnd) + 1n);
}

describe('reshard plans', () => {
  it('split a shard into two children at the new starting hash key', () => {
    const meta = streamWith(1);
    const plan = planSplit(meta, meta.shards[0], 100n, NOW);
    expect(plan).toEqual({
      baseIndex: 1,
      closes: ['shardId-000000000000'],
      creates: [
        { shardId: 'shardId-000000000001', index: 1, parentShardId: 'shardId-000000000000', hashKeyStart: '0', hashKeyEnd: '99', createdMs: NOW },
        {
          shardId: 'shardId-000000000002',
          index: 2,
          parentShardId: 'shardId-000000000000',
          hashKeyStart: '100',
          hashKeyEnd: MAX_HASH_KEY.toString(),
          createdMs: NOW,
        },
      ],
    });
  });

  it('merge two adjacent shards, ShardToMerge as the parent whichever range is lower', () => {
    const meta = streamWith(2);
    const plan = planMerge(meta, meta.shards[1], meta.shards[0], NOW);
    expect(plan.closes.sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(plan.creates).toEqual([
      {
        shardId: 'shardId-000000000002',
        index: 2,
        parentShardId: 'shardId-000000000001',
        adjacentParentShardId: 'shardId-000000000000',
        hashKeyStart: '0',
        hashKeyEnd: MAX_HASH_KEY.toString(),
        createdMs: NOW,
      },
    ]);
  });

  it('doubles by splitting every shard in two, into the even layout of the new count', () => {
    const meta = streamWith(2);
    const after = applied(meta, planUniformScaling(meta, 4, NOW));
    expect(open(after).map(range)).toEqual(evenHashRanges(4).map((r) => [r.start, r.end]));
    expect(open(after).map((s) => s.parentShardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000001',
    ]);
    expect(after.shards).toHaveLength(6);
  });

  it('halves by merging neighbouring pairs', () => {
    const meta = streamWith(4);
    const after = applied(meta, planUniformScaling(meta, 2, NOW));
    expect(open(after).map(range)).toEqual(evenHashRanges(2).map((r) => [r.start, r.end]));
    expect(open(after).map((s) => [s.parentShardId, s.adjacentParentShardId])).toEqual([
      ['shardId-000000000000', 'shardId-000000000001'],
      ['shardId-000000000002', 'shardId-000000000003'],
    ]);
  });

  it('snaps to existing boundaries a few keys off the exact ones, so 3 to 6 is three plain splits', () => {
    const meta = streamWith(3);
    const plan = planUniformScaling(meta, 6, NOW);
    expect(plan.creates).toHaveLength(6);
    expect(plan.creates.every((s) => s.closedMs === undefined)).toBe(true);
    const widths = open(applied(meta, plan)).map((s) => BigInt(s.hashKeyEnd) - BigInt(s.hashKeyStart) + 1n);
    const ideal = (MAX_HASH_KEY + 1n) / 6n;
    for (const width of widths) expect(width - ideal < 6n && ideal - width < 6n).toBe(true);
  });

  it('goes through intermediate shards when a target range spans three old shards (5 to 3)', () => {
    const meta = streamWith(5);
    const plan = planUniformScaling(meta, 3, NOW);
    const after = applied(meta, plan);
    expect(open(after)).toHaveLength(3);
    expectTiling(open(after));
    expect(plan.closes).toHaveLength(5);
    const intermediate = plan.creates.filter((s) => s.closedMs !== undefined);
    expect(intermediate.length).toBeGreaterThan(0);
    // Each intermediate shard is the parent of a later shard of the same plan.
    for (const s of intermediate) {
      expect(plan.creates.some((c) => c.parentShardId === s.shardId || c.adjacentParentShardId === s.shardId)).toBe(true);
    }
  });

  it('leaves a stream already in the target layout alone', () => {
    const meta = streamWith(4);
    expect(planUniformScaling(meta, 4, NOW)).toEqual({ baseIndex: 4, closes: [], creates: [] });
  });

  it('keeps an open shard that already is a target range open and untouched', () => {
    // [0, max/2] was split; UNIFORM_SCALING to 2 only merges the two halves of the lower part back.
    const base = streamWith(2);
    const lower = base.shards[0];
    const meta = applied(base, planSplit(base, lower, BigInt(lower.hashKeyEnd) / 2n, NOW));
    const plan = planUniformScaling(meta, 2, NOW);
    expect(plan.closes.sort()).toEqual(['shardId-000000000002', 'shardId-000000000003']);
    expect(open(applied(meta, plan)).map((s) => s.shardId)).toEqual(['shardId-000000000004', 'shardId-000000000001']);
  });
});
