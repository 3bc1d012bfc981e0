import { arnIsInCallerRegion } from './arn-scope';
import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import type { ConsumerMeta, StreamMeta } from './ports/stream-meta';
import { parseConsumerArn, parseStreamArn } from './stream-arn';

export interface ConsumerRef {
  ConsumerARN?: string;
  StreamARN?: string;
  ConsumerName?: string;
}

export interface FoundConsumer {
  stream: StreamMeta;
  consumer: ConsumerMeta;
}

export function consumerNotFound(consumer: string, account: string): KinesisError {
  return new KinesisError('ResourceNotFoundException', `Consumer ${consumer}, account ${account} not found.`);
}

/** Whether `consumer` is the registration `arn` names: same name and same creation second. */
export function isConsumerNamedBy(
  consumer: ConsumerMeta,
  arn: { consumerName: string; creationEpochSeconds: number },
): boolean {
  return consumer.name === arn.consumerName && Math.floor(consumer.createdMs / 1000) === arn.creationEpochSeconds;
}

/**
 * The consumer a request names: by ConsumerARN, or by StreamARN and ConsumerName, or by all three
 * as long as they agree (AWS: "as long as they don't conflict with each other"). A ConsumerARN of
 * an earlier registration under the same name names nothing.
 */
export async function findConsumer(ctx: KdsContext, ref: ConsumerRef): Promise<FoundConsumer> {
  const { ConsumerARN, StreamARN, ConsumerName } = ref;
  if (ConsumerARN === undefined) {
    if (StreamARN === undefined || ConsumerName === undefined) {
      throw new KinesisError(
        'InvalidArgumentException',
        'Either ConsumerARN or both StreamARN and ConsumerName should be provided.',
      );
    }
    const stream = await ctx.streams.resolve(ctx.caller, { StreamARN });
    const consumer = stream.consumers.find((c) => c.name === ConsumerName);
    if (!consumer) throw consumerNotFound(ConsumerName, ctx.caller.account);
    return { stream, consumer };
  }

  const arn = parseConsumerArn(ConsumerARN);
  if (!arn) throw new KinesisError('InvalidArgumentException', `ConsumerARN ${ConsumerARN} is not a valid consumer ARN.`);
  const conflicts =
    (ConsumerName !== undefined && ConsumerName !== arn.consumerName) ||
    (StreamARN !== undefined && !sameStream(StreamARN, arn));
  if (conflicts) {
    throw new KinesisError(
      'InvalidArgumentException',
      `ConsumerARN ${ConsumerARN} conflicts with the StreamARN or ConsumerName of the request.`,
    );
  }
  const stream = arnIsInCallerRegion(ctx.caller, ConsumerARN, arn)
    ? await ctx.streams.get({ account: arn.account, region: arn.region, name: arn.name })
    : undefined;
  const consumer = stream?.consumers.find((c) => isConsumerNamedBy(c, arn));
  if (!stream || !consumer) throw consumerNotFound(ConsumerARN, ctx.caller.account);
  return { stream, consumer };
}

function sameStream(streamArn: string, consumer: { account: string; region: string; name: string }): boolean {
  const stream = parseStreamArn(streamArn);
  return stream?.account === consumer.account && stream.region === consumer.region && stream.name === consumer.name;
}
