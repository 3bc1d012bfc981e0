import { randomUUID } from 'node:crypto';
import { EventStreamOutput } from '@spate/aws-protocol';
import { findConsumer } from '../consumer-lookup';
import { KinesisError } from '../kinesis-error';
import type { SubscribeToShardInput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import { ShardSubscription } from '../shard-subscription';
import { startingOffset } from '../starting-position';
import { findLiveShard } from '../stream-shards';

/** A subscription whose gateway died frees its consumer and shard after this long. */
const SUBSCRIPTION_LEASE_TTL_MS = 10_000;

/**
 * Enhanced fan-out: checks the request (the consumer exists and is ACTIVE, the shard exists, the
 * starting position is valid), takes the one subscription a consumer may hold on a shard, and
 * answers with an event stream that pushes records as they are appended (see ShardSubscription).
 */
export async function subscribeToShard(ctx: KdsContext, input: SubscribeToShardInput): Promise<EventStreamOutput> {
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
  const fromOffset = await startingOffset(ctx, stream, shard, position, 'SubscribeToShard');
  const lease = await ctx.store.acquireLease(subscriptionLease(consumer.arn, shard.shardId), randomUUID(), SUBSCRIPTION_LEASE_TTL_MS);
  if (!lease) {
    throw new KinesisError(
      'ResourceInUseException',
      `Another active subscription exists for consumer ${consumer.arn} on shard ${shard.shardId} under account ${stream.account}.`,
    );
  }
  return new EventStreamOutput(new ShardSubscription(ctx, { stream, shard, consumerArn: consumer.arn, fromOffset, lease, leaseTtlMs: SUBSCRIPTION_LEASE_TTL_MS }));
}

function subscriptionLease(consumerArn: string, shardId: string): string {
  return `kds/subscriptions/${consumerArn}/${shardId}`;
}
