import { KinesisError } from './kinesis-error';
import type { Caller } from './ports/stream-repository';
import type { StreamMeta } from './ports/stream-meta';

/** Streams that may be CREATING at once per account and region (AWS: five). */
export const MAX_CREATING_STREAMS = 5;

export interface AccountUsage {
  /** Shards not closed by a reshard, over every stream of the account and region. */
  openShards: number;
  onDemandStreams: number;
  creatingStreams: number;
}

export function openShardCount(meta: StreamMeta): number {
  return meta.shards.filter((shard) => shard.closedMs === undefined).length;
}

export function accountUsage(streams: StreamMeta[]): AccountUsage {
  return {
    openShards: streams.reduce((sum, meta) => sum + openShardCount(meta), 0),
    onDemandStreams: streams.filter((meta) => meta.mode === 'ON_DEMAND').length,
    creatingStreams: streams.filter((meta) => meta.status === 'CREATING').length,
  };
}

/** LimitExceededException, worded as AWS words it, when `additional` shards would pass `limit`. */
export function checkShardLimit(caller: Caller, usage: AccountUsage, additional: number, limit: number): void {
  if (usage.openShards + additional <= limit) return;
  throw new KinesisError(
    'LimitExceededException',
    `This request would exceed the shard limit for the account ${caller.account} in ${caller.region}. ` +
      `Current shard count for the account: ${usage.openShards}. Limit: ${limit}. ` +
      `Number of additional shards that would have resulted from this request: ${additional}. ` +
      'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
      'for current limits and how to request higher limits.',
  );
}

/** LimitExceededException when one more ON_DEMAND stream would pass `limit`. */
export function checkOnDemandStreamLimit(caller: Caller, usage: AccountUsage, limit: number): void {
  if (usage.onDemandStreams < limit) return;
  throw new KinesisError(
    'LimitExceededException',
    `This request would exceed the on-demand stream limit for the account ${caller.account} in ${caller.region}. ` +
      `Current on-demand stream count for the account: ${usage.onDemandStreams}. Limit: ${limit}.`,
  );
}
