import { findConsumer } from '../consumer-lookup';
import { KinesisError } from '../kinesis-error';
import type { SubscribeToShardInput, SubscribeToShardOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { startingOffset } from '../starting-position';
import { findLiveShard } from '../stream-shards';

/**
 * Checks the request as SubscribeToShard does (the consumer exists and is ACTIVE, the shard
 * exists, the starting position is valid) and then refuses it: the HTTP/2 event stream is not
 * implemented yet. The refusal is an InvalidArgumentException because it is modelled for this
 * operation, so every SDK raises it as a typed error with our message, and it is a 400 that SDKs
 * and the KCL do not retry; an InternalFailureException would be retried forever, and a
 * ResourceInUseException means "try again in a few seconds" to the KCL.
 */
export async function subscribeToShard(ctx: KdsContext, input: SubscribeToShardInput): Promise<SubscribeToShardOutput> {
  const { stream, consumer } = await findConsumer(ctx, { ConsumerARN: input.ConsumerARN });
  if (consumer.status !== 'ACTIVE') {
    throw new KinesisError(
      'ResourceInUseException',
      `Consumer ${consumer.arn} under account ${stream.account} is not ACTIVE, instead in state ${consumer.status}.`,
    );
  }
  const shard = findLiveShard(stream, input.ShardId, ctx.now());
  const position = {
    type: input.StartingPosition.Type,
    sequenceNumber: input.StartingPosition.SequenceNumber,
    timestamp: input.StartingPosition.Timestamp,
  };
  await startingOffset(ctx, stream, shard, position, 'SubscribeToShard');
  throw new KinesisError(
    'InvalidArgumentException',
    'SubscribeToShard is not supported by this server yet; read the shard with GetShardIterator and GetRecords instead.',
  );
}
