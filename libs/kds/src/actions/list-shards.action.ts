import { KinesisError } from '../kinesis-error';
import { decodeListShardsToken, encodeListShardsToken } from '../list-shards-token';
import type { ListShardsInput, ListShardsOutput } from '../model/kinesis-shapes';
import type { KdsContext } from '../ports/kds-context';
import type { StreamMeta } from '../ports/stream-meta';
import { type ResolvedShardFilter, resolveShardFilter, shardIndexAfter, shardsMatching } from '../shard-filter';
import { streamNotFound } from '../stream-repository';
import { describeShard } from '../stream-shards';

/** ListShards returns at most 1,000 shards per call, whatever MaxResults asks for. */
export const MAX_LIST_SHARDS_RESULTS = 1000;

interface Listing {
  meta: StreamMeta;
  filter: ResolvedShardFilter;
  afterIndex?: number;
}

/**
 * The first call names the stream (StreamName, StreamARN, or both as the KPL sends them) and may
 * filter; later calls pass only the NextToken, which carries the stream, the filter and the
 * position. StreamARN alongside a NextToken is tolerated, as SDKs route by it, and so is a
 * ShardFilter, which the token's own filter overrides.
 */
export async function listShards(ctx: KdsContext, input: ListShardsInput): Promise<ListShardsOutput> {
  const nowMs = ctx.now();
  const { meta, filter, afterIndex } = input.NextToken === undefined ? await firstPage(ctx, input) : await nextPage(ctx, input);
  const matching = shardsMatching(meta, filter, nowMs).filter((shard) => afterIndex === undefined || shard.index > afterIndex);
  const page = matching.slice(0, Math.min(input.MaxResults ?? MAX_LIST_SHARDS_RESULTS, MAX_LIST_SHARDS_RESULTS));
  const output: ListShardsOutput = { Shards: page.map(describeShard) };
  if (matching.length > page.length) {
    output.NextToken = encodeListShardsToken(ctx.settings.iteratorSecret, {
      streamId: meta.streamId,
      streamName: meta.name,
      ...(filter.type !== undefined && { filterType: filter.type }),
      ...(filter.timestampMs !== undefined && { filterTimestampMs: filter.timestampMs }),
      afterIndex: page[page.length - 1].index,
      issuedAtMs: nowMs,
    });
  }
  return output;
}

async function firstPage(ctx: KdsContext, input: ListShardsInput): Promise<Listing> {
  if (input.StreamName === undefined && input.StreamARN === undefined) {
    throw new KinesisError('InvalidArgumentException', 'Either NextToken or StreamName should be provided.');
  }
  const meta = await ctx.streams.resolve(ctx.caller, input);
  // Tells a stream from an earlier one of the same name; timestamps travel in whole seconds at best.
  const created = input.StreamCreationTimestamp;
  if (created !== undefined && Math.floor(created.getTime() / 1000) !== Math.floor(meta.createdMs / 1000)) {
    throw streamNotFound(meta.name, meta.account);
  }
  return {
    meta,
    filter: resolveShardFilter(meta, input.ShardFilter, ctx.now()),
    ...(input.ExclusiveStartShardId !== undefined && { afterIndex: shardIndexAfter(input.ExclusiveStartShardId) }),
  };
}

async function nextPage(ctx: KdsContext, input: ListShardsInput): Promise<Listing> {
  const together = (['StreamName', 'ExclusiveStartShardId', 'StreamCreationTimestamp'] as const).find(
    (member) => input[member] !== undefined,
  );
  if (together) {
    throw new KinesisError('InvalidArgumentException', `NextToken and ${together} cannot be provided together.`);
  }
  const cursor = decodeListShardsToken(ctx.settings.iteratorSecret, input.NextToken as string, ctx.now());
  const { account, region } = ctx.caller;
  const meta = await ctx.streams.get({ account, region, name: cursor.streamName });
  if (!meta || meta.streamId !== cursor.streamId) throw streamNotFound(cursor.streamName, account);
  return {
    meta,
    filter: {
      ...(cursor.filterType !== undefined && { type: cursor.filterType }),
      ...(cursor.filterTimestampMs !== undefined && { timestampMs: cursor.filterTimestampMs }),
    },
    afterIndex: cursor.afterIndex,
  };
}
