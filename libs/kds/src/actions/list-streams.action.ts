import type { ListStreamsInput, ListStreamsOutput } from '../model/kinesis-shapes';
import { decodeNextToken, encodeNextToken } from '../next-token';
import type { KdsContext } from '../ports/kds-context';

/** AWS: "The default value is 100. If you specify a value greater than 100, at most 100 results are returned." */
export const LIST_STREAMS_PAGE = 100;

const TOKEN_SCOPE = 'ListStreams';

/**
 * The caller's streams by name, after ExclusiveStartStreamName or where a NextToken left off (the
 * token wins when both are given).
 */
export async function listStreams(ctx: KdsContext, input: ListStreamsInput): Promise<ListStreamsOutput> {
  const nowMs = ctx.now();
  const after =
    input.NextToken !== undefined ? decodeNextToken(input.NextToken, TOKEN_SCOPE, nowMs) : input.ExclusiveStartStreamName;
  const limit = Math.min(input.Limit ?? LIST_STREAMS_PAGE, LIST_STREAMS_PAGE);
  const streams = (await ctx.streams.list(ctx.caller.account, ctx.caller.region))
    .filter((meta) => after === undefined || meta.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const page = streams.slice(0, limit);
  const hasMore = streams.length > page.length;
  const output: ListStreamsOutput = {
    StreamNames: page.map((meta) => meta.name),
    HasMoreStreams: hasMore,
    StreamSummaries: page.map((meta) => ({
      StreamName: meta.name,
      StreamARN: meta.arn,
      StreamStatus: meta.status,
      StreamModeDetails: { StreamMode: meta.mode },
      StreamCreationTimestamp: new Date(meta.createdMs),
    })),
  };
  if (hasMore) output.NextToken = encodeNextToken(TOKEN_SCOPE, page[page.length - 1].name, nowMs);
  return output;
}
