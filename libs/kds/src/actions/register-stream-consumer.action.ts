import { KinesisError } from '../kinesis-error';
import type { RegisterStreamConsumerInput, RegisterStreamConsumerOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { ConsumerMeta } from '../ports/stream-meta';
import { formatConsumerArn } from '../stream-arn';
import { requireStreamStatus } from '../stream-status';
import { describeConsumer, withTagsAdded } from '../tags';

/** Enhanced fan-out consumers per stream (AWS: 20, outside On-demand Advantage). */
export const MAX_CONSUMERS_PER_STREAM = 20;
/** Consumers of a stream that may be CREATING at once (AWS: 5). */
export const MAX_CREATING_CONSUMERS = 5;

/**
 * The consumer is CREATING for `consumerDelayMs`, then ACTIVE. Its ARN ends in its creation time
 * in seconds, so a consumer registered again under the same name gets a new ARN.
 */
export async function registerStreamConsumer(
  ctx: KdsContext,
  input: RegisterStreamConsumerInput,
): Promise<RegisterStreamConsumerOutput> {
  const { ConsumerName: name } = input;
  const stream = await ctx.streams.resolve(ctx.caller, { StreamARN: input.StreamARN });
  const tags = withTagsAdded(undefined, input.Tags ?? {}, describeConsumer(name, stream));
  const nowMs = ctx.now();
  const delayMs = ctx.settings.consumerDelayMs;
  const consumer: ConsumerMeta = {
    name,
    arn: formatConsumerArn(stream.arn, name, nowMs),
    createdMs: nowMs,
    ...(delayMs > 0
      ? { status: 'CREATING', pendingStatus: 'ACTIVE', statusChangeAtMs: nowMs + delayMs }
      : { status: 'ACTIVE' }),
    ...(input.Tags !== undefined && { tags }),
  };

  await ctx.streams.update(stream, (meta) => {
    requireStreamStatus(meta, 'ACTIVE', 'UPDATING');
    if (meta.consumers.some((c) => c.name === name)) {
      throw new KinesisError(
        'ResourceInUseException',
        `Consumer ${name} of stream ${meta.name} under account ${meta.account} already exists.`,
      );
    }
    if (meta.consumers.length >= MAX_CONSUMERS_PER_STREAM) {
      throw new KinesisError(
        'LimitExceededException',
        `Stream ${meta.name} under account ${meta.account} already has ${MAX_CONSUMERS_PER_STREAM} registered ` +
          'consumers, the most a stream can have.',
      );
    }
    if (meta.consumers.filter((c) => c.status === 'CREATING').length >= MAX_CREATING_CONSUMERS) {
      throw new KinesisError(
        'LimitExceededException',
        `Stream ${meta.name} under account ${meta.account} already has ${MAX_CREATING_CONSUMERS} consumers in ` +
          'CREATING status; wait until one of them is ACTIVE.',
      );
    }
    return { ...meta, consumers: [...meta.consumers, consumer] };
  });
  return {
    Consumer: {
      ConsumerName: name,
      ConsumerARN: consumer.arn,
      ConsumerStatus: consumer.status,
      ConsumerCreationTimestamp: new Date(nowMs),
    },
  };
}
