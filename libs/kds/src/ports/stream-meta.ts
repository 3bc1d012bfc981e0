/**
 * Stream metadata as stored in the coordination store (one JSON document per stream). Status
 * transitions that AWS performs after a delay are stored as a target status and a time, and
 * applied when the document is next read, so no process needs to hold a timer for them.
 */
export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING';
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE';

export interface ShardMeta {
  shardId: string;
  /** The number in the shard id; also encoded in the shard's sequence numbers. */
  index: number;
  parentShardId?: string;
  adjacentParentShardId?: string;
  /** Decimal strings, inclusive, within 0..2^128-1. */
  hashKeyStart: string;
  hashKeyEnd: string;
  createdMs: number;
  /** Set when a reshard closed the shard. */
  closedMs?: number;
  /** Offset of the last record, when closed and not empty. */
  endingOffset?: number;
}

export interface ConsumerMeta {
  name: string;
  arn: string;
  status: ConsumerStatus;
  createdMs: number;
  /** When set, the status becomes `pendingStatus` (or the consumer disappears, for DELETING) at this time. */
  pendingStatus?: ConsumerStatus;
  statusChangeAtMs?: number;
  /** TagResource / RegisterStreamConsumer tags; absent means none. */
  tags?: Record<string, string>;
  /** The JSON text of PutResourcePolicy; it lives and dies with the consumer. */
  resourcePolicy?: string;
}

export interface StreamMeta {
  streamId: string;
  account: string;
  region: string;
  name: string;
  arn: string;
  status: StreamStatus;
  pendingStatus?: StreamStatus;
  statusChangeAtMs?: number;
  mode: StreamMode;
  createdMs: number;
  retentionHours: number;
  shards: ShardMeta[];
  nextShardIndex: number;
  tags: Record<string, string>;
  encryption: { type: 'NONE' | 'KMS'; keyId?: string };
  enhancedMonitoring: string[];
  maxRecordSizeKiB: number;
  /**
   * ON_DEMAND warm throughput: `targetMiBps` is what was asked for; `currentMiBps` catches up when
   * the UPDATING that the request started ends.
   */
  warmThroughput?: { currentMiBps: number; targetMiBps: number };
  /** The JSON text of PutResourcePolicy; it lives and dies with the stream. */
  resourcePolicy?: string;
  consumers: ConsumerMeta[];
  /** Times of UpdateShardCount calls, for the per-24-hours limit. */
  scalingHistoryMs: number[];
  /**
   * Times of UpdateStreamMode switches in the last 24 hours, for the two-per-day limit. Absent
   * (as in documents written before it was kept) means none.
   */
  modeSwitchHistoryMs?: number[];
}
