import { findConsumer } from '../consumer-lookup';
import type { DescribeStreamConsumerInput, DescribeStreamConsumerOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';

export async function describeStreamConsumer(
  ctx: KdsContext,
  input: DescribeStreamConsumerInput,
): Promise<DescribeStreamConsumerOutput> {
  const { stream, consumer } = await findConsumer(ctx, input);
  return {
    ConsumerDescription: {
      ConsumerName: consumer.name,
      ConsumerARN: consumer.arn,
      ConsumerStatus: consumer.status,
      ConsumerCreationTimestamp: new Date(consumer.createdMs),
      StreamARN: stream.arn,
    },
  };
}
