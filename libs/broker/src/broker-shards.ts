import type { AppendRecordsRequest, ShardDataPlane } from '@spate/kds';

/**
 * What the broker's gRPC service serves: the process's shard manager when it is the only broker,
 * the replica manager in a cluster (which answers only for shards this broker leads).
 */
export interface BrokerShards extends Omit<ShardDataPlane, 'append'> {
  append(request: AppendRecordsRequest & { leaderEpoch?: number }): ReturnType<ShardDataPlane['append']>;
}

export const BROKER_SHARDS = Symbol('BrokerShards');
