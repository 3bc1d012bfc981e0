/**
 * The data plane as the KDS actions see it: shard logs addressed by stream incarnation and shard,
 * positions as log offsets. Sequence numbers are a wire concern of the actions (see
 * sequence-number.ts); the data plane never sees them. Implemented in-process by the broker's
 * shard manager (all-in-one) and over gRPC by the broker client (split deployment).
 */
export interface ShardAddress {
  /** Unique per stream incarnation, so a re-created stream never sees an old one's data. */
  streamId: string;
  shardId: string;
}

export interface RecordToAppend {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}

export interface StoredRecord {
  offset: number;
  arrivalMs: number;
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}

export interface AppendRecordsRequest extends ShardAddress {
  records: RecordToAppend[];
}

export interface AppendRecordsResult {
  /** Offset of the first record; the others follow consecutively. */
  firstOffset: number;
  /** Arrival time stamped on every record of the batch. */
  arrivalMs: number;
}

export interface ReadRecordsRequest extends ShardAddress {
  fromOffset: number;
  maxRecords: number;
  maxBytes: number;
}

export interface ShardBounds {
  /** First offset still retained (the trim horizon). */
  startOffset: number;
  /** Offset the next append will get; readers see offsets below it. */
  nextOffset: number;
  /** Arrival time of the newest record, if any. */
  lastArrivalMs?: number;
}

export interface ReadRecordsResult extends ShardBounds {
  records: StoredRecord[];
}

export interface ShardDataPlane {
  /** Resolves once the records are durable under the configured fsync policy. */
  append(request: AppendRecordsRequest): Promise<AppendRecordsResult>;
  /** Records from `fromOffset` (or the trim horizon, if that is later), within both limits. */
  read(request: ReadRecordsRequest): Promise<ReadRecordsResult>;
  bounds(address: ShardAddress): Promise<ShardBounds>;
  /** The first offset whose arrival time is at or after `timestampMs`; nextOffset if none. */
  offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number>;
  /** Stops accepting appends to the shard (it is being closed by a reshard) and returns its bounds. */
  seal(address: ShardAddress): Promise<ShardBounds>;
  /** Deletes whole segments whose records all arrived before `cutoffMs`. */
  trim(address: ShardAddress, cutoffMs: number): Promise<void>;
  /** Deletes every shard log of a stream incarnation. */
  dropStream(streamId: string): Promise<void>;
  /**
   * Resolves once a reader could see a record at `fromOffset` (the shard's readable end moved past
   * it), or after `timeoutMs`, whichever is first; also when `signal` aborts. Event-driven, so a
   * subscription is pushed records as they are appended instead of polling.
   */
  waitForRecords(address: ShardAddress, fromOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

/** Raised by a data plane for a shard that no longer accepts appends. */
export class ShardSealedError extends Error {
  constructor(readonly address: ShardAddress) {
    super(`Shard ${address.shardId} of stream ${address.streamId} is closed.`);
    this.name = 'ShardSealedError';
  }
}
