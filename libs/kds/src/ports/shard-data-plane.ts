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
  /**
   * In process only: the read buffers come from here, and the records returned are views of
   * them, valid until the caller gives the buffers back. Planes that copy records (over gRPC)
   * ignore it.
   */
  readBuffers?: ReadBufferSource;
}

/** Lends a read its buffers (see ReadRecordsRequest.readBuffers); undefined means a fresh one. Any buffer of at least `bytes` will do. */
export interface ReadBufferSource {
  take(bytes: number): Buffer | undefined;
}

export interface TailRequest extends ReadRecordsRequest {
  keepAliveMs: number;
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
   * The shard's records from `fromOffset` (or the trim horizon, if that is later) onwards, pushed
   * as they become readable: each read comes as soon as there are records, or after `keepAliveMs`
   * without any (then empty, with the bounds). Event-driven, never polling, and pulled: the next
   * read happens only once the consumer asks for it, so a slow consumer holds nothing back but
   * itself. Ends when `signal` aborts; fails when the shard cannot be read here any more.
   */
  tail(request: TailRequest, signal: AbortSignal): AsyncIterable<ReadRecordsResult>;
}

/** Raised by a data plane for a shard that no longer accepts appends. */
export class ShardSealedError extends Error {
  constructor(readonly address: ShardAddress) {
    super(`Shard ${address.shardId} of stream ${address.streamId} is closed.`);
    this.name = 'ShardSealedError';
  }
}
