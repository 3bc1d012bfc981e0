import { accountUsage, checkShardLimit } from '../account-usage';
import { KinesisError } from '../kinesis-error';
import type { SplitShardInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { reshard } from '../reshard';
import { planSplit } from '../reshard-plan';
import { requireStreamStatus } from '../stream-status';
import { findLiveShard } from '../stream-shards';

/**
 * The children are [StartingHashKey, NewStartingHashKey - 1] and [NewStartingHashKey,
 * EndingHashKey], so the key must lie more than one above the parent's start and below its end.
 */
export async function splitShard(ctx: KdsContext, input: SplitShardInput): Promise<void> {
  await reshard(ctx, input, async (meta, nowMs) => {
    requireStreamStatus(meta);
    const shard = findLiveShard(meta, input.ShardToSplit, nowMs);
    if (shard.closedMs !== undefined) {
      throw new KinesisError(
        'InvalidArgumentException',
        `Shard ${shard.shardId} in stream ${meta.name} under account ${meta.account} has already been merged or split, ` +
          'and thus is not eligible for splitting',
      );
    }
    checkShardLimit(ctx.caller, accountUsage(await ctx.streams.list(meta.account, meta.region)), 1, ctx.settings.shardLimit);
    const key = BigInt(input.NewStartingHashKey);
    if (key <= BigInt(shard.hashKeyStart) + 1n || key >= BigInt(shard.hashKeyEnd)) {
      throw new KinesisError(
        'InvalidArgumentException',
        `NewStartingHashKey ${input.NewStartingHashKey} used in SplitShard() on shard ${shard.shardId} in stream ` +
          `${meta.name} under account ${meta.account} is not both greater than one plus the shard's StartingHashKey ` +
          `${shard.hashKeyStart} and less than the shard's EndingHashKey ${shard.hashKeyEnd}.`,
      );
    }
    return planSplit(meta, shard, key, nowMs);
  });
}
