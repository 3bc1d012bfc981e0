import { Controller, Inject } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status, type Metadata, type ServerWritableStream } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import { ShardSealedError, type ShardAddress } from '@spate/kds';
import {
  ShardBrokerServiceControllerMethods,
  type AppendRequest,
  type AppendResponse,
  type BoundsRequest,
  type BoundsResponse,
  type DropStreamRequest,
  type DropStreamResponse,
  type OffsetAtTimestampRequest,
  type OffsetAtTimestampResponse,
  type ReadRequest,
  type ReadResponse,
  type SealRequest,
  type SealResponse,
  type ShardBrokerServiceController,
  type ShardRef,
  type TailRequest,
  type TailResponse,
  type TrimRequest,
  type TrimResponse,
} from '@spate/proto';
import { BrokerMetrics } from './broker-metrics';
import { BROKER_SHARDS, type BrokerShards } from './broker-shards';
import { decodeRecordsToAppend, encodeStoredRecords } from './record-batch';
import { NotEnoughReplicasError, NotLeaderError, UncertainAppendError } from './replication/replication-errors';

/** The broker's gRPC face: the shard operations, with their errors as gRPC statuses (see broker.proto). */
@Controller()
@ShardBrokerServiceControllerMethods()
export class ShardBrokerController implements ShardBrokerServiceController {
  constructor(
    @Inject(BROKER_SHARDS) private readonly shards: BrokerShards,
    @Inject(BrokerMetrics) private readonly metrics: BrokerMetrics,
  ) {}

  async append(request: AppendRequest): Promise<AppendResponse> {
    const records = await guard(async () => decodeRecordsToAppend(request.batch));
    let bytes = 0;
    for (const r of records) bytes += r.data.length;
    const appended = await guard(async () => {
      try {
        return await this.shards.append({ records, leaderEpoch: request.leaderEpoch, ...addressOf(request.shard) });
      } catch (error) {
        if (error instanceof ShardSealedError) this.metrics.refusedAppends.inc();
        throw error;
      }
    });
    this.metrics.appendedRecords.inc(records.length);
    this.metrics.appendedBytes.inc(bytes);
    return appended;
  }

  async read(request: ReadRequest): Promise<ReadResponse> {
    const { records, ...bounds } = await guard(() =>
      this.shards.read({ fromOffset: request.fromOffset, maxRecords: request.maxRecords, maxBytes: request.maxBytes, ...addressOf(request.shard) }),
    );
    this.metrics.readRecords.inc(records.length);
    return { bounds, batch: encodeStoredRecords(records) };
  }

  async bounds(request: BoundsRequest): Promise<BoundsResponse> {
    return { bounds: await guard(() => this.shards.bounds(addressOf(request.shard))) };
  }

  async offsetAtTimestamp(request: OffsetAtTimestampRequest): Promise<OffsetAtTimestampResponse> {
    return { offset: await guard(() => this.shards.offsetAtTimestamp(addressOf(request.shard), request.timestampMs)) };
  }

  async seal(request: SealRequest): Promise<SealResponse> {
    return { bounds: await guard(() => this.shards.seal(addressOf(request.shard))) };
  }

  async trim(request: TrimRequest): Promise<TrimResponse> {
    await guard(() => this.shards.trim(addressOf(request.shard), request.cutoffMs));
    return {};
  }

  /**
   * Streams the shard's tail. Each message is written here, and the next read waits until the
   * last message was sent on (HTTP/2 flow control holds it while the caller does not read):
   * NestJS would buffer whatever an Observable emits, without bound. The Observable only ends the
   * call, once the tail ends or fails; the caller cancelling it stops the tail.
   */
  tail(request: TailRequest, _metadata?: Metadata, call?: ServerWritableStream<TailRequest, TailResponse>): Observable<TailResponse> {
    return new Observable<TailResponse>((subscriber) => {
      const stopped = new AbortController();
      const send = (message: TailResponse) => (call ? written(call, message, stopped.signal) : subscriber.next(message));
      this.metrics.openTails.inc();
      guard(async () => {
        const tail = this.shards.tail(
          {
            fromOffset: request.fromOffset,
            maxRecords: clamp(request.maxRecords, 1, MAX_TAIL_RECORDS),
            maxBytes: clamp(request.maxBytes, 1, MAX_TAIL_BYTES),
            keepAliveMs: clamp(request.keepAliveMs, MIN_KEEP_ALIVE_MS, MAX_KEEP_ALIVE_MS),
            ...addressOf(request.shard),
          },
          stopped.signal,
        );
        for await (const { records, ...bounds } of tail) {
          this.metrics.readRecords.inc(records.length);
          await send({ bounds, batch: encodeStoredRecords(records) });
        }
      })
        .finally(() => this.metrics.openTails.dec())
        .then(
          () => subscriber.complete(),
          (error) => subscriber.error(error),
        );
      return () => stopped.abort();
    });
  }

  async dropStream(request: DropStreamRequest): Promise<DropStreamResponse> {
    await guard(() => this.shards.dropStream(request.streamId));
    return {};
  }
}

/** A tail message holds at most what a GetRecords answer may. */
const MAX_TAIL_RECORDS = 10_000;
const MAX_TAIL_BYTES = 10 * 1024 * 1024;
const MIN_KEEP_ALIVE_MS = 100;
const MAX_KEEP_ALIVE_MS = 30_000;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Resolves once the message has been sent on, or the call stopped. */
function written<T>(call: ServerWritableStream<unknown, T>, message: T, stopped: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stopped.aborted) return resolve();
    const done = () => {
      stopped.removeEventListener('abort', done);
      resolve();
    };
    stopped.addEventListener('abort', done, { once: true });
    call.write(message, done);
  });
}

export function addressOf(shard: ShardRef | undefined): ShardAddress {
  if (!shard?.streamId || !shard.shardId) throw new RpcException({ code: status.INVALID_ARGUMENT, message: 'shard is required' });
  return { streamId: shard.streamId, shardId: shard.shardId };
}

export async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RpcException) throw error;
    if (error instanceof ShardSealedError) throw new RpcException({ code: status.FAILED_PRECONDITION, message: error.message });
    if (error instanceof NotLeaderError || error instanceof NotEnoughReplicasError) throw new RpcException({ code: status.ABORTED, message: error.message });
    if (error instanceof UncertainAppendError) throw new RpcException({ code: status.UNAVAILABLE, message: error.message });
    throw new RpcException({ code: status.INTERNAL, message: (error as Error).message });
  }
}
