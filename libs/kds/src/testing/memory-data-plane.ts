import {
  type AppendRecordsRequest,
  type AppendRecordsResult,
  type ReadRecordsRequest,
  type ReadRecordsResult,
  type ShardAddress,
  type ShardBounds,
  type ShardDataPlane,
  type StoredRecord,
  type TailRequest,
  ShardSealedError,
} from '../ports/shard-data-plane';
import { RecordWaiters } from '../record-waiters';
import { tailShard } from '../shard-tail';

interface ShardLog {
  records: StoredRecord[];
  /** Offset of records[0]; grows as trim drops records. */
  startOffset: number;
  sealed: boolean;
}

/**
 * The data plane in memory, for specs of the KDS actions. Arrival times come from the clock the
 * spec passes in, so tests can move time. Unlike the log store, trim drops single records.
 */
export class MemoryDataPlane implements ShardDataPlane {
  private readonly shards = new Map<string, ShardLog>();
  private readonly waiters = new RecordWaiters();

  constructor(private readonly now: () => number) {}

  async append({ records, ...address }: AppendRecordsRequest): Promise<AppendRecordsResult> {
    const log = this.log(address);
    if (log.sealed) throw new ShardSealedError(address);
    const arrivalMs = this.now();
    const firstOffset = log.startOffset + log.records.length;
    records.forEach((record, i) => log.records.push({ ...record, offset: firstOffset + i, arrivalMs }));
    this.waiters.advanced(`${address.streamId}/${address.shardId}`, firstOffset + records.length);
    return { firstOffset, arrivalMs };
  }

  async read({ fromOffset, maxRecords, maxBytes, ...address }: ReadRecordsRequest): Promise<ReadRecordsResult> {
    const log = this.log(address);
    const records: StoredRecord[] = [];
    let bytes = 0;
    for (let i = Math.max(0, fromOffset - log.startOffset); i < log.records.length; i++) {
      const record = log.records[i];
      // Like the log store: the first record comes whatever its size.
      if (records.length === maxRecords || (records.length > 0 && bytes + record.data.length > maxBytes)) break;
      records.push(record);
      bytes += record.data.length;
    }
    return { records, ...this.boundsOf(log) };
  }

  async bounds(address: ShardAddress): Promise<ShardBounds> {
    return this.boundsOf(this.log(address));
  }

  async offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number> {
    const log = this.log(address);
    const index = log.records.findIndex((record) => record.arrivalMs >= timestampMs);
    return log.startOffset + (index < 0 ? log.records.length : index);
  }

  async seal(address: ShardAddress): Promise<ShardBounds> {
    const log = this.log(address);
    log.sealed = true;
    return this.boundsOf(log);
  }

  async trim(address: ShardAddress, cutoffMs: number): Promise<void> {
    const log = this.log(address);
    while (log.records.length > 0 && log.records[0].arrivalMs < cutoffMs) {
      log.records.shift();
      log.startOffset++;
    }
  }

  tail(request: TailRequest, signal: AbortSignal): AsyncIterable<ReadRecordsResult> {
    return tailShard(this, request, signal);
  }

  waitForRecords(address: ShardAddress, fromOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const log = this.log(address);
    return this.waiters.wait(`${address.streamId}/${address.shardId}`, fromOffset, log.startOffset + log.records.length, timeoutMs, signal);
  }

  async dropStream(streamId: string): Promise<void> {
    for (const key of [...this.shards.keys()]) if (key.startsWith(`${streamId}/`)) this.shards.delete(key);
  }

  /** Whether a reshard sealed the shard; for assertions. */
  isSealed(address: ShardAddress): boolean {
    return this.log(address).sealed;
  }

  private log({ streamId, shardId }: ShardAddress): ShardLog {
    const key = `${streamId}/${shardId}`;
    let log = this.shards.get(key);
    if (!log) {
      log = { records: [], startOffset: 0, sealed: false };
      this.shards.set(key, log);
    }
    return log;
  }

  private boundsOf(log: ShardLog): ShardBounds {
    const last = log.records[log.records.length - 1];
    return {
      startOffset: log.startOffset,
      nextOffset: log.startOffset + log.records.length,
      ...(last && { lastArrivalMs: last.arrivalMs }),
    };
  }
}
