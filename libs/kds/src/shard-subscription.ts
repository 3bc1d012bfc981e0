import { Readable } from 'node:stream';
import type { Lease } from '@spate/coordination';
import type { EventStreamItem } from '@spate/aws-protocol';
import { KinesisRecordList } from './kinesis-record-list';
import type { KdsContext } from './ports/kds-context';
import type { ShardAddress } from './ports/shard-data-plane';
import type { ShardMeta, StreamMeta } from './ports/stream-meta';
import { encodeSequenceNumber } from './sequence-number';
import { childShards, closedShardEnd, shardAddress } from './stream-shards';

/** AWS sends at least one event every 5 seconds, records or not. */
export const HEARTBEAT_MS = 5_000;
/** Records per event: a GetRecords answer's limits. */
const MAX_EVENT_RECORDS = 10_000;
const MAX_EVENT_BYTES = 10 * 1024 * 1024;
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
 * The events of one SubscribeToShard call, as an object-mode Readable of EventStreamItems. It
 * reads only when the client has taken what was sent (the Readable is pulled through HTTP/2 flow
 * control), and between reads it waits on the data plane for the next append, so records are
 * pushed as they become readable with no polling. Every event carries the
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
        this.push({ kind: 'exception', exceptionType: 'InternalFailureException', message: 'Internal service failure.' } satisfies EventStreamItem);
        this.push(null);
      })
      .finally(() => (this.reading = false));
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.stopped.abort();
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
      const now = this.ctx.now();
      if (now >= this.endsAtMs || this.stopped.signal.aborted) {
        this.push(null);
        return;
      }
      await this.paceReads(now);
      const maxRecords = end === undefined ? MAX_EVENT_RECORDS : Math.min(MAX_EVENT_RECORDS, Math.max(0, end - this.offset));
      const read = maxRecords > 0 ? await this.ctx.data.read({ ...this.address, fromOffset: this.offset, maxRecords, maxBytes: MAX_EVENT_BYTES }) : undefined;
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
      const gone = await this.goneReason();
      if (gone) {
        this.push({ kind: 'exception', exceptionType: 'ResourceNotFoundException', message: gone } satisfies EventStreamItem);
        this.push(null);
        return;
      }
      const untilHeartbeat = Math.max(1, this.lastEventMs + HEARTBEAT_MS - now);
      await this.ctx.data.waitForRecords(this.address, this.offset, Math.min(untilHeartbeat, this.endsAtMs - now), this.stopped.signal);
    }
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
