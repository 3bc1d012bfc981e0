import { KinesisError } from '../kinesis-error';
import type { GetShardIteratorInput, GetShardIteratorOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { encodeShardIterator } from '../shard-iterator';
import { startingOffset } from '../starting-position';
import { findLiveShard } from '../stream-shards';

/** With throughput limits on, a shard takes 5 GetShardIterator calls a second, as on AWS. */
export async function getShardIterator(ctx: KdsContext, input: GetShardIteratorInput): Promise<GetShardIteratorOutput> {
  const meta = await ctx.streams.resolve(ctx.caller, input);
  const shard = findLiveShard(meta, input.ShardId, ctx.now());
  const limiter = ctx.settings.enforceThroughputLimits ? ctx.throughput : undefined;
  if (limiter && !limiter.tryGetIterator(`${meta.streamId}/${shard.shardId}`, ctx.now())) {
    throw new KinesisError(
      'ProvisionedThroughputExceededException',
      `Rate exceeded for shard ${shard.shardId} in stream ${meta.name} under account ${meta.account}.`,
    );
  }
  const position = {
    type: input.ShardIteratorType,
    sequenceNumber: input.StartingSequenceNumber,
    timestamp: input.Timestamp,
  };
  const offset = await startingOffset(ctx, meta, shard, position, 'GetShardIterator');
  return {
    ShardIterator: encodeShardIterator(ctx.settings.iteratorSecret, {
      streamId: meta.streamId,
      streamName: meta.name,
      shardId: shard.shardId,
      offset,
      issuedAtMs: ctx.now(),
    }),
  };
}
