import type { DescribeStreamInput, DescribeStreamOutput, MetricsName, StreamDescription } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { shardIndexAfter } from '../shard-filter';
import { describeShard, liveShards } from '../stream-shards';

/** DescribeStream returns at most 100 shards per call, whatever Limit asks for. */
export const MAX_DESCRIBE_STREAM_SHARDS = 100;

/** Lists closed shards within retention as well as open ones, in shard id order, as AWS does. */
export async function describeStream(ctx: KdsContext, input: DescribeStreamInput): Promise<DescribeStreamOutput> {
  const meta = await ctx.streams.resolve(ctx.caller, input);
  const after = input.ExclusiveStartShardId === undefined ? -1 : shardIndexAfter(input.ExclusiveStartShardId);
  const shards = liveShards(meta, ctx.now()).filter((shard) => shard.index > after);
  const limit = Math.min(input.Limit ?? MAX_DESCRIBE_STREAM_SHARDS, MAX_DESCRIBE_STREAM_SHARDS);
  const description: StreamDescription = {
    StreamName: meta.name,
    StreamARN: meta.arn,
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    Shards: shards.slice(0, limit).map(describeShard),
    HasMoreShards: shards.length > limit,
    RetentionPeriodHours: meta.retentionHours,
    StreamCreationTimestamp: new Date(meta.createdMs),
    EnhancedMonitoring: [{ ShardLevelMetrics: meta.enhancedMonitoring as MetricsName[] }],
    EncryptionType: meta.encryption.type,
  };
  if (meta.encryption.keyId !== undefined) description.KeyId = meta.encryption.keyId;
  return { StreamDescription: description };
}
