import { KinesisError } from '../kinesis-error';
import type { MergeShardsInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { ShardMeta, StreamMeta } from '../ports/stream-meta';
import { reshard } from '../reshard';
import { planMerge } from '../reshard-plan';
import { requireStreamStatus } from '../stream-status';
import { findLiveShard } from '../stream-shards';

/**
 * The two shards must be open and their ranges contiguous, in either order. The child covers
 * both; ShardToMerge becomes its ParentShardId and AdjacentShardToMerge its AdjacentParentShardId.
 */
export async function mergeShards(ctx: KdsContext, input: MergeShardsInput): Promise<void> {
  await reshard(ctx, input, async (meta, nowMs) => {
    requireStreamStatus(meta);
    const shard = findLiveShard(meta, input.ShardToMerge, nowMs);
    const adjacent = findLiveShard(meta, input.AdjacentShardToMerge, nowMs);
    for (const s of [shard, adjacent]) checkOpen(meta, s);
    const contiguous = (lower: ShardMeta, upper: ShardMeta) => BigInt(lower.hashKeyEnd) + 1n === BigInt(upper.hashKeyStart);
    if (!contiguous(shard, adjacent) && !contiguous(adjacent, shard)) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Shards ${shard.shardId} and ${adjacent.shardId} in stream ${meta.name} under account ${meta.account} ` +
          'are not an adjacent pair of shards eligible for merging',
      );
    }
    return planMerge(meta, shard, adjacent, nowMs);
  });
}

function checkOpen(meta: StreamMeta, shard: ShardMeta): void {
  if (shard.closedMs === undefined) return;
  throw new KinesisError(
    'InvalidArgumentException',
    `Shard ${shard.shardId} in stream ${meta.name} under account ${meta.account} has already been merged or split, ` +
      'and thus is not eligible for merging',
  );
}
