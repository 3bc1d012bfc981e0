import { KinesisError } from './kinesis-error';
import type { ShardFilter, ShardFilterType } from './model/kinesis-shapes';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { parseShardId } from './shard-id';
import { liveShards } from './stream-shards';

const HOUR_MS = 3_600_000;

/** A ListShards ShardFilter, checked, with its timestamp corrected to the trim horizon. */
export interface ResolvedShardFilter {
  type?: ShardFilterType;
  timestampMs?: number;
  /** AFTER_SHARD_ID: list shards with a higher index only. */
  afterIndex?: number;
}

/**
 * The time of the oldest data the stream can hold: the retention period ago, but never before the
 * stream was created (a younger stream's trim horizon is its creation).
 */
export function trimHorizonMs(meta: StreamMeta, nowMs: number): number {
  return Math.max(nowMs - meta.retentionHours * HOUR_MS, meta.createdMs);
}

export function resolveShardFilter(meta: StreamMeta, filter: ShardFilter | undefined, nowMs: number): ResolvedShardFilter {
  if (!filter) return {};
  const { Type: type, ShardId: shardId, Timestamp: timestamp } = filter;
  const usesShardId = type === 'AFTER_SHARD_ID';
  const usesTimestamp = type === 'AT_TIMESTAMP' || type === 'FROM_TIMESTAMP';
  if (usesShardId !== (shardId !== undefined)) {
    throw new KinesisError(
      'InvalidArgumentException',
      usesShardId
        ? 'ShardId must be specified in ShardFilter when its Type is AFTER_SHARD_ID.'
        : `ShardId can only be specified in ShardFilter when its Type is AFTER_SHARD_ID, not ${type}.`,
    );
  }
  if (usesTimestamp !== (timestamp !== undefined)) {
    throw new KinesisError(
      'InvalidArgumentException',
      usesTimestamp
        ? `Timestamp must be specified in ShardFilter when its Type is ${type}.`
        : `Timestamp can only be specified in ShardFilter when its Type is AT_TIMESTAMP or FROM_TIMESTAMP, not ${type}.`,
    );
  }
  if (shardId !== undefined) return { type, afterIndex: shardIndexAfter(shardId) };
  if (timestamp !== undefined) return { type, timestampMs: Math.max(timestamp.getTime(), trimHorizonMs(meta, nowMs)) };
  return { type };
}

/** The index of a shard id a listing starts after; InvalidArgumentException when it names no shard. */
export function shardIndexAfter(shardId: string): number {
  const index = parseShardId(shardId);
  if (index === undefined) throw new KinesisError('InvalidArgumentException', `${shardId} is not a valid shard id.`);
  return index;
}

/**
 * The live shards a filter selects, in shard id order, with the API reference's semantics:
 * FROM_TRIM_HORIZON (the default) and AFTER_SHARD_ID everything within retention; AT_TRIM_HORIZON
 * the shards open at the trim horizon; AT_LATEST the open shards; AT_TIMESTAMP the shards open at
 * the timestamp; FROM_TIMESTAMP the open shards and those closed at or after the timestamp.
 */
export function shardsMatching(meta: StreamMeta, filter: ResolvedShardFilter, nowMs: number): ShardMeta[] {
  const openAt = (shard: ShardMeta, ms: number) =>
    shard.createdMs <= ms && (shard.closedMs === undefined || shard.closedMs >= ms);
  const shards = liveShards(meta, nowMs).filter((shard) => filter.afterIndex === undefined || shard.index > filter.afterIndex);
  const timestampMs = filter.timestampMs as number;
  switch (filter.type) {
    case 'AT_TRIM_HORIZON':
      return shards.filter((shard) => openAt(shard, trimHorizonMs(meta, nowMs)));
    case 'AT_LATEST':
      return shards.filter((shard) => shard.closedMs === undefined);
    case 'AT_TIMESTAMP':
      return shards.filter((shard) => openAt(shard, timestampMs));
    case 'FROM_TIMESTAMP':
      return shards.filter((shard) => shard.closedMs === undefined || shard.closedMs >= timestampMs);
    default:
      return shards;
  }
}
