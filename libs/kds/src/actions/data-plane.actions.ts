import { describeStream } from './describe-stream.action';
import { getRecords } from './get-records.action';
import { getShardIterator } from './get-shard-iterator.action';
import { listShards } from './list-shards.action';
import { mergeShards } from './merge-shards.action';
import { putRecord } from './put-record.action';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';
import { subscribeToShard } from './subscribe-to-shard.action';
import { updateShardCount } from './update-shard-count.action';

/** The data plane's and resharding's operations, by their model names. */
export const dataPlaneActions = {
  DescribeStream: describeStream,
  GetRecords: getRecords,
  GetShardIterator: getShardIterator,
  ListShards: listShards,
  MergeShards: mergeShards,
  PutRecord: putRecord,
  PutRecords: putRecords,
  SplitShard: splitShard,
  SubscribeToShard: subscribeToShard,
  UpdateShardCount: updateShardCount,
};
