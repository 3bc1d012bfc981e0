import { KinesisError } from './kinesis-error';
import type { ChildShard, Shard } from './model/kinesis-shapes';
import type { ShardAddress } from './ports/shard-data-plane';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { encodeSequenceNumber, startingSequenceNumber } from './sequence-number';
import { formatShardId, parseShardId } from './shard-id';

const HOUR_MS = 3_600_000;

/**
 * A closed shard whose last record has outlived the retention period holds nothing any more, and
 * AWS stops listing it; Spate treats it as gone everywhere.
 */
export function isShardExpired(meta: StreamMeta, shard: ShardMeta, nowMs: number): boolean {
  return shard.closedMs !== undefined && shard.closedMs + meta.retentionHours * HOUR_MS < nowMs;
}

/** The shards a reader can still see, in shard id order (which is creation order). */
export function liveShards(meta: StreamMeta, nowMs: number): ShardMeta[] {
  return meta.shards.filter((shard) => !isShardExpired(meta, shard, nowMs)).sort((a, b) => a.index - b.index);
}

export function shardAddress(meta: StreamMeta, shard: ShardMeta): ShardAddress {
  return { streamId: meta.streamId, shardId: shard.shardId };
}

/** The live shard a request's ShardId names, or the not-found error AWS gives for it. */
export function findLiveShard(meta: StreamMeta, shardId: string, nowMs: number): ShardMeta {
  const index = parseShardId(shardId);
  if (index === undefined) {
    throw new KinesisError(
      'ResourceNotFoundException',
      `Could not find shard ${shardId} in stream ${meta.name} under account ${meta.account}.`,
    );
  }
  const shard = meta.shards.find((s) => s.index === index);
  if (!shard || isShardExpired(meta, shard, nowMs)) throw shardNotFound(meta, formatShardId(index));
  return shard;
}

export function shardNotFound(meta: { name: string; account: string }, shardId: string): KinesisError {
  return new KinesisError(
    'ResourceNotFoundException',
    `Shard ${shardId} in stream ${meta.name} under account ${meta.account} does not exist`,
  );
}

/**
 * The offset after a closed shard's last record; every read position at or past it is the shard's
 * end. Undefined while the shard is open.
 */
export function closedShardEnd(shard: ShardMeta): number | undefined {
  if (shard.closedMs === undefined) return undefined;
  return shard.endingOffset === undefined ? 0 : shard.endingOffset + 1;
}

/** A shard as DescribeStream and ListShards present it. */
export function describeShard(shard: ShardMeta): Shard {
  const described: Shard = {
    ShardId: shard.shardId,
    HashKeyRange: { StartingHashKey: shard.hashKeyStart, EndingHashKey: shard.hashKeyEnd },
    SequenceNumberRange: { StartingSequenceNumber: startingSequenceNumber(shard.index) },
  };
  if (shard.parentShardId !== undefined) described.ParentShardId = shard.parentShardId;
  if (shard.adjacentParentShardId !== undefined) described.AdjacentParentShardId = shard.adjacentParentShardId;
  if (shard.closedMs !== undefined) {
    // A shard closed empty ends where it starts.
    described.SequenceNumberRange.EndingSequenceNumber = encodeSequenceNumber(shard.index, shard.endingOffset ?? -1);
  }
  return described;
}

/** The shards a reshard created from `parent`, as GetRecords reports them at the parent's end. */
export function childShards(meta: StreamMeta, parent: ShardMeta): ChildShard[] {
  return meta.shards
    .filter((s) => s.parentShardId === parent.shardId || s.adjacentParentShardId === parent.shardId)
    .sort((a, b) => a.index - b.index)
    .map((child) => ({
      ShardId: child.shardId,
      ParentShards: [child.parentShardId, child.adjacentParentShardId].filter((id): id is string => id !== undefined),
      HashKeyRange: { StartingHashKey: child.hashKeyStart, EndingHashKey: child.hashKeyEnd },
    }));
}

