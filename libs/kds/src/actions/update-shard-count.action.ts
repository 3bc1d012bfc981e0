import { accountUsage, openShardCount } from '../account-usage';
import { KinesisError } from '../kinesis-error';
import type { UpdateShardCountInput, UpdateShardCountOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { DAY_MS, reshard } from '../reshard';
import { planUniformScaling } from '../reshard-plan';
import { requireStreamStatus } from '../stream-status';

/** UpdateShardCount calls allowed per stream in any 24 hours. */
export const MAX_SCALINGS_PER_DAY = 10;

/**
 * UNIFORM_SCALING (the only ScalingType) to TargetShardCount open shards of equal width; see
 * planUniformScaling for how old shards map to new ones. The limits are AWS's: at most double and
 * at least half the open shards, the account's shard limit, ten calls per rolling 24 hours.
 */
export async function updateShardCount(ctx: KdsContext, input: UpdateShardCountInput): Promise<UpdateShardCountOutput> {
  const target = input.TargetShardCount;
  let current = 0;
  const updated = await reshard(
    ctx,
    input,
    async (meta, nowMs) => {
      requireStreamStatus(meta);
      current = openShardCount(meta);
      const usage = accountUsage(await ctx.streams.list(meta.account, meta.region));
      const counts = `Current open shard count: ${current}, Target shard count: ${target}`;
      if (usage.openShards - current + target > ctx.settings.shardLimit) {
        throw new KinesisError(
          'LimitExceededException',
          `Target shard count or number of open shards cannot be greater than ${ctx.settings.shardLimit}. ${counts}`,
        );
      }
      if (target > 2 * current) {
        throw new KinesisError(
          'LimitExceededException',
          `UpdateShardCount cannot scale up over double your current open shard count. ${counts}`,
        );
      }
      if (2 * target < current) {
        throw new KinesisError(
          'LimitExceededException',
          `UpdateShardCount cannot scale down below half your current open shard count. ${counts}`,
        );
      }
      if (meta.scalingHistoryMs.filter((ms) => ms > nowMs - DAY_MS).length >= MAX_SCALINGS_PER_DAY) {
        throw new KinesisError(
          'LimitExceededException',
          `Exceeded the limit of ${MAX_SCALINGS_PER_DAY} UpdateShardCount calls per rolling 24-hour period ` +
            `for stream ${meta.name} under account ${meta.account}.`,
        );
      }
      return planUniformScaling(meta, target, nowMs);
    },
    { scaling: true },
  );
  return { StreamName: updated.name, StreamARN: updated.arn, CurrentShardCount: current, TargetShardCount: target };
}
