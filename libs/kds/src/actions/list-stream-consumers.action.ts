import { KinesisError } from '../kinesis-error';
import type { ListStreamConsumersInput, ListStreamConsumersOutput } from '../model/kinesis-shapes';
import { decodeNextToken, encodeNextToken } from '../next-token';
import type { KdsContext } from '../ports/kds-context';
import { streamNotFound } from '../stream-repository';

/** AWS: "The default value is 100. If you specify a value greater than 100, at most 100 results are returned." */
export const LIST_STREAM_CONSUMERS_PAGE = 100;

/**
 * The stream's consumers by name. StreamCreationTimestamp picks one incarnation of a stream name
 * (compared to the second); a NextToken already does, so the two cannot be combined.
 */
export async function listStreamConsumers(
  ctx: KdsContext,
  input: ListStreamConsumersInput,
): Promise<ListStreamConsumersOutput> {
  if (input.NextToken !== undefined && input.StreamCreationTimestamp !== undefined) {
    throw new KinesisError('InvalidArgumentException', 'NextToken and StreamCreationTimestamp cannot be provided together.');
  }
  const meta = await ctx.streams.resolve(ctx.caller, { StreamARN: input.StreamARN });
  const created = input.StreamCreationTimestamp;
  if (created !== undefined && Math.floor(created.getTime() / 1000) !== Math.floor(meta.createdMs / 1000)) {
    throw streamNotFound(meta.name, meta.account);
  }
  const nowMs = ctx.now();
  const scope = `ListStreamConsumers ${meta.streamId}`;
  const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken, scope, nowMs) : undefined;
  const consumers = [...meta.consumers]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((consumer) => after === undefined || consumer.name > after);
  const page = consumers.slice(0, Math.min(input.MaxResults ?? LIST_STREAM_CONSUMERS_PAGE, LIST_STREAM_CONSUMERS_PAGE));
  const output: ListStreamConsumersOutput = {
    Consumers: page.map((consumer) => ({
      ConsumerName: consumer.name,
      ConsumerARN: consumer.arn,
      ConsumerStatus: consumer.status,
      ConsumerCreationTimestamp: new Date(consumer.createdMs),
    })),
  };
  if (consumers.length > page.length) output.NextToken = encodeNextToken(scope, page[page.length - 1].name, nowMs);
  return output;
}
