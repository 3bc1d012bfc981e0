import { mergeShards } from './actions/merge-shards.action';
import { splitShard } from './actions/split-shard.action';
import { updateShardCount } from './actions/update-shard-count.action';
import { MAX_HASH_KEY } from './hash-range';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { aStream, currentStream, openShards } from './testing/data-plane-fixtures';
import { openTestKds, type TestKds } from './testing/test-kds';

/** A small seeded generator (mulberry32), so a failing sequence can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byStart = (a: ShardMeta, b: ShardMeta) => (BigInt(a.hashKeyStart) < BigInt(b.hashKeyStart) ? -1 : 1);

function expectInvariants(meta: StreamMeta): void {
  // The open shards tile 0..2^128-1 with no gap and no overlap.
  const open = openShards(meta).sort(byStart);
  expect(open[0].hashKeyStart).toBe('0');
  expect(open[open.length - 1].hashKeyEnd).toBe(MAX_HASH_KEY.toString());
  for (let i = 1; i < open.length; i++) expect(BigInt(open[i].hashKeyStart)).toBe(BigInt(open[i - 1].hashKeyEnd) + 1n);

  const byId = new Map(meta.shards.map((s) => [s.shardId, s]));
  for (const child of meta.shards.filter((s) => s.parentShardId !== undefined)) {
    const parent = byId.get(child.parentShardId as string) as ShardMeta;
    expect(parent.closedMs).toBeDefined();
    if (child.adjacentParentShardId === undefined) {
      // A split: the parent's children tile exactly its range.
      const siblings = meta.shards.filter((s) => s.parentShardId === parent.shardId && s.adjacentParentShardId === undefined).sort(byStart);
      expect(siblings).toHaveLength(2);
      expect([siblings[0].hashKeyStart, siblings[1].hashKeyEnd]).toEqual([parent.hashKeyStart, parent.hashKeyEnd]);
      expect(BigInt(siblings[1].hashKeyStart)).toBe(BigInt(siblings[0].hashKeyEnd) + 1n);
    } else {
      // A merge: the child is exactly the union of two adjacent parents.
      const [lower, upper] = [parent, byId.get(child.adjacentParentShardId) as ShardMeta].sort(byStart);
      expect(upper.closedMs).toBeDefined();
      expect(BigInt(upper.hashKeyStart)).toBe(BigInt(lower.hashKeyEnd) + 1n);
      expect([child.hashKeyStart, child.hashKeyEnd]).toEqual([lower.hashKeyStart, upper.hashKeyEnd]);
    }
  }
}

describe('resharding', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  it.each([1, 2, 3])('keeps the hash key space tiled and the lineage exact over random reshards (seed %i)', async (seed) => {
    const next = random(seed);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
    await aStream(kds, 1 + Math.floor(next() * 4));
    for (let step = 0; step < 25; step++) {
      const meta = await currentStream(kds);
      const open = openShards(meta).sort(byStart);
      const choice = next();
      if (choice < 0.4) {
        const shard = pick(open.filter((s) => BigInt(s.hashKeyEnd) - BigInt(s.hashKeyStart) > 3n));
        const [start, end] = [BigInt(shard.hashKeyStart), BigInt(shard.hashKeyEnd)];
        const at = start + 2n + (((end - start - 3n) * BigInt(Math.floor(next() * 1e9))) / 1_000_000_000n);
        await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: shard.shardId, NewStartingHashKey: at.toString() });
      } else if (choice < 0.7 && open.length > 1) {
        const i = Math.floor(next() * (open.length - 1));
        const [a, b] = next() < 0.5 ? [open[i], open[i + 1]] : [open[i + 1], open[i]];
        await mergeShards(kds.ctx(), { StreamName: 'orders', ShardToMerge: a.shardId, AdjacentShardToMerge: b.shardId });
      } else {
        const low = Math.ceil(open.length / 2);
        const target = low + Math.floor(next() * (2 * open.length - low + 1));
        await updateShardCount(kds.ctx(), { StreamName: 'orders', TargetShardCount: target, ScalingType: 'UNIFORM_SCALING' });
        expect(openShards(await currentStream(kds))).toHaveLength(target);
      }
      // Three hours apart: UpdateShardCount stays within ten calls per day, and closed shards within retention.
      kds.advance(3 * 3_600_000);
      const after = await currentStream(kds);
      expectInvariants(after);
      // Every shard the step closed, having been open, is sealed in the data plane.
      const closedNow = meta.shards.filter((s) => s.closedMs === undefined && after.shards.find((a) => a.shardId === s.shardId)?.closedMs !== undefined);
      for (const shard of closedNow) expect(kds.data.isSealed({ streamId: after.streamId, shardId: shard.shardId })).toBe(true);
    }
  });
});
