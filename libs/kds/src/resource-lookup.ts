import { arnIsInCallerRegion } from './arn-scope';
import { consumerNotFound, isConsumerNamedBy } from './consumer-lookup';
import { KinesisError } from './kinesis-error';
import type { KdsContext } from './ports/kds-context';
import type { ConsumerMeta, StreamMeta } from './ports/stream-meta';
import { parseConsumerArn, parseStreamArn } from './stream-arn';
import { streamNotFound } from './stream-repository';
import { describeConsumer, describeStream, type TaggedResource } from './tags';

/** A stream, or one of its consumers, named by the ResourceARN of the tag and policy operations. */
export interface FoundResource {
  stream: StreamMeta;
  consumer?: ConsumerMeta;
}

export async function findResource(ctx: KdsContext, resourceArn: string): Promise<FoundResource> {
  const consumerArn = parseConsumerArn(resourceArn);
  const arn = consumerArn ?? parseStreamArn(resourceArn);
  if (!arn) {
    throw new KinesisError('InvalidArgumentException', `ResourceARN ${resourceArn} is not a valid stream or consumer ARN.`);
  }
  const stream = arnIsInCallerRegion(ctx.caller, resourceArn, arn)
    ? await ctx.streams.get({ account: arn.account, region: arn.region, name: arn.name })
    : undefined;
  if (!consumerArn) {
    if (!stream) throw streamNotFound(arn.name, arn.account);
    return { stream };
  }
  const consumer = stream?.consumers.find((c) => isConsumerNamedBy(c, consumerArn));
  if (!stream || !consumer) throw consumerNotFound(resourceArn, arn.account);
  return { stream, consumer };
}

/** What tags and policies are kept on, for streams and consumers alike. */
export interface ResourceAttributes {
  tags?: Record<string, string>;
  resourcePolicy?: string;
}

/**
 * `stream` with `patch`'s result merged into the resource `found` names: the stream itself or one
 * of its consumers. Meant to run inside StreamRepository.update, against the current document, so
 * a consumer deregistered in the meantime is reported as not found.
 */
export function patchResource(
  stream: StreamMeta,
  found: FoundResource,
  patch: (resource: ResourceAttributes) => ResourceAttributes,
): StreamMeta {
  const { consumer } = found;
  if (!consumer) return { ...stream, ...patch(stream) };
  const index = stream.consumers.findIndex((c) => c.arn === consumer.arn);
  if (index < 0) throw consumerNotFound(consumer.arn, stream.account);
  const consumers = [...stream.consumers];
  consumers[index] = { ...consumers[index], ...patch(consumers[index]) };
  return { ...stream, consumers };
}

/** How the tag messages name the resource. */
export function taggedResource(stream: StreamMeta, found: FoundResource): TaggedResource {
  return found.consumer ? describeConsumer(found.consumer.name, stream) : describeStream(stream);
}
