import { Readable } from 'node:stream';
import type { Lease } from '@spate/coordination';
import type { EventStreamItem } from '@spate/aws-protocol';
import { KinesisRecordList } from './kinesis-record-list';
import type { KdsContext } from './ports/kds-context';
import type { ReadRecordsResult, ShardAddress } from './ports/shard-data-plane';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { encodeSequenceNumber } from './sequence-number';
import { childShards, closedShardEnd, shardAddress } from './stream-shards';

/** AWS sends at least one event every 5 seconds, records or not. */
export const HEARTBEAT_MS = 5_000;
/**
 * Records per event: at most a GetRecords answer's count, and 1 MiB of data (a larger record goes
 * alone). Small events bound what a slow client makes the server hold: in a cluster the gateway's
 * gRPC client reads up to 16 messages of the leader's tail ahead.
 */
const MAX_EVENT_RECORDS = 10_000;
const MAX_EVENT_BYTES = 1024 * 1024;
/** With throughput limits on: 2 MiB/s per consumer and shard, as on AWS. */
const BYTES_PER_SECOND = 2 * 1024 * 1024;

export interface SubscriptionTarget {
  stream: StreamMeta;
  shard: ShardMeta;
  /** The first offset to deliver. */
  fromOffset: number;
  consumerArn: string;
  /** Held while the subscription runs: one subscription per consumer and shard. */
  lease: Lease;
  leaseTtlMs: number;
}

/**
 * The events of one SubscribeToShard call, as an object-mode Readable of EventStreamItems, fed
 * by the data plane's tail of the shard (in a cluster, a gRPC server stream from the shard's
 * leader): records are pushed as they become readable, with no polling, and the next read is
 * asked for only when the client has taken what was sent (the Readable is pulled through HTTP/2
 * flow control). Every event carries the
 * ContinuationSequenceNumber to resume from; an idle shard gets an empty event every 5 seconds.
 * At the end of a closed shard the last event lists its children; after the lifetime the stream
 * ends; either way, and when the client goes away, the consumer-and-shard lease is released.
 */
export class ShardSubscription extends Readable {
  private offset: number;
  private readonly address: ShardAddress;
  private readonly endsAtMs: number;
  private readonly stopped = new AbortController();
  private reading = false;
  private lastEventMs = 0;
  private windowStartMs = 0;
  private windowBytes = 0;
  private renewal?: NodeJS.Timeout;
  private lease?: Lease;
  private tail?: AsyncIterator<ReadRecordsResult>;
  /** A read asked of the tail and not yet taken: a heartbeat may come first. */
  private pending?: Promise<IteratorResult<ReadRecordsResult>>;

  constructor(
    private readonly ctx: KdsContext,
    private readonly target: SubscriptionTarget,
  ) {
    super({ objectMode: true, highWaterMark: 1 });
    this.offset = target.fromOffset;
    this.address = shardAddress(target.stream, target.shard);
    this.endsAtMs = ctx.now() + ctx.settings.subscriptionLifetimeMs;
    this.lease = target.lease;
    this.renewal = setInterval(() => void this.renewLease(), Math.max(100, Math.floor(target.leaseTtlMs / 3)));
    this.renewal.unref();
  }

  override _read(): void {
    if (this.reading) return;
    this.reading = true;
    this.nextEvent()
      .catch((error) => {
        if (this.stopped.signal.aborted) return;
        this.ctx.onBackgroundError?.(error as Error);
        this.fail('InternalFailureException', 'Internal service failure.');
      })
      .finally(() => (this.reading = false));
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.stopped.abort();
    this.pending?.catch(() => undefined);
    clearInterval(this.renewal);
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return done(error);
    this.ctx.store.releaseLease(lease).then(
      () => done(error),
      () => done(error),
    );
  }

  /** Pushes exactly one item (or the end). */
  private async nextEvent(): Promise<void> {
    const { shard, stream } = this.target;
    const end = closedShardEnd(shard);
    for (;;) {
      let now = this.ctx.now();
      if (now >= this.endsAtMs || this.stopped.signal.aborted) {
        this.push(null);
        return;
      }
      await this.paceReads(now);
      const finishedBefore = end !== undefined && this.offset >= end;
      let read = finishedBefore ? undefined : await this.nextRead(0);
      if (!finishedBefore && !read) {
        // Nothing to send now: before waiting, make sure there is still someone to send to.
        const gone = await this.goneReason();
        if (gone) return this.fail('ResourceNotFoundException', gone);
        read = await this.nextRead(Math.max(1, Math.min(this.lastEventMs + HEARTBEAT_MS, this.endsAtMs) - now));
      }
      if (this.stopped.signal.aborted) continue;
      now = this.ctx.now();
      const records = read?.records ?? [];
      if (read && read.startOffset > this.offset) this.offset = read.startOffset;
      const last = records[records.length - 1];
      if (last) this.offset = last.offset + 1;
      const finished = end !== undefined && this.offset >= end;
      if (records.length || finished || now - this.lastEventMs >= HEARTBEAT_MS) {
        const list = new KinesisRecordList(shard.index, records, stream.encryption.type === 'KMS');
        this.windowBytes += list.dataBytes;
        const caughtUp = !read || this.offset >= read.nextOffset;
        const payload: Record<string, unknown> = {
          Records: list,
          ContinuationSequenceNumber: encodeSequenceNumber(shard.index, this.offset - 1),
          MillisBehindLatest: caughtUp || !last ? 0 : Math.max(0, now - last.arrivalMs),
        };
        if (finished) payload.ChildShards = childShards(stream, shard);
        this.lastEventMs = now;
        this.push({ kind: 'event', eventType: 'SubscribeToShardEvent', payload } satisfies EventStreamItem);
        if (finished) this.push(null);
        return;
      }
    }
  }

  /**
   * The tail's next read, or undefined when `timeoutMs` passes first (0: unless it is ready now);
   * the read stays asked for, and the next call waits on it again.
   */
  private async nextRead(timeoutMs: number): Promise<ReadRecordsResult | undefined> {
    if (!this.tail) {
      const end = closedShardEnd(this.target.shard);
      const maxRecords = end === undefined ? MAX_EVENT_RECORDS : Math.min(MAX_EVENT_RECORDS, Math.max(1, end - this.offset));
      const tail = this.ctx.data.tail({ fromOffset: this.offset, maxRecords, maxBytes: MAX_EVENT_BYTES, keepAliveMs: HEARTBEAT_MS, ...this.address }, this.stopped.signal);
      this.tail = tail[Symbol.asyncIterator]();
    }
    this.pending ??= this.tail.next();
    let cancel = () => undefined as void;
    const timedOut = new Promise<undefined>((resolve) => {
      if (timeoutMs > 0) {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        cancel = () => clearTimeout(timer);
      } else {
        const immediate = setImmediate(() => resolve(undefined));
        cancel = () => clearImmediate(immediate);
      }
    });
    try {
      const result = await Promise.race([this.pending, timedOut]);
      if (result === undefined) return undefined;
      this.pending = undefined;
      if (result.done) throw new Error(`The tail of shard ${this.target.shard.shardId} ended`);
      return result.value;
    } finally {
      cancel();
    }
  }

  private fail(exceptionType: string, message: string): void {
    this.push({ kind: 'exception', exceptionType, message } satisfies EventStreamItem);
    this.push(null);
  }

  /**
   * Why the subscription cannot go on, if it cannot: its consumer was deregistered or its stream
   * deleted (the repository caches stream documents, so this costs no round trip while nothing changed).
   */
  private async goneReason(): Promise<string | undefined> {
    const { stream, consumerArn } = this.target;
    const current = await this.ctx.streams.get({ account: stream.account, region: stream.region, name: stream.name });
    if (!current || current.streamId !== stream.streamId || current.status === 'DELETING') {
      return `Stream ${stream.name} under account ${stream.account} not found.`;
    }
    const consumer = current.consumers.find((c) => c.arn === consumerArn);
    if (!consumer || consumer.status !== 'ACTIVE') return `Consumer ${consumerArn}, account ${stream.account} not found.`;
    return undefined;
  }

  /** With throughput limits on, waits until this second's 2 MiB is not exceeded. */
  private async paceReads(now: number): Promise<void> {
    if (!this.ctx.settings.enforceThroughputLimits) return;
    if (now - this.windowStartMs >= 1000) {
      this.windowStartMs = now;
      this.windowBytes = 0;
      return;
    }
    if (this.windowBytes < BYTES_PER_SECOND) return;
    await new Promise((resolve) => setTimeout(resolve, this.windowStartMs + 1000 - now));
    this.windowStartMs = this.ctx.now();
    this.windowBytes = 0;
  }

  private async renewLease(): Promise<void> {
    if (!this.lease) return;
    const renewed = await this.ctx.store.renewLease(this.lease, this.target.leaseTtlMs).catch(() => this.lease);
    if (this.lease) this.lease = renewed;
  }
}
