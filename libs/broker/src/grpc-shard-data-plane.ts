import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { ClientGrpcProxy } from '@nestjs/microservices';
import { lastValueFrom, type Observable } from 'rxjs';
import {
  ShardSealedError,
  type AppendRecordsRequest,
  type AppendRecordsResult,
  type ReadRecordsRequest,
  type ReadRecordsResult,
  type ShardAddress,
  type ShardBounds,
  type ShardDataPlane,
  type TailRequest,
} from '@spate/kds';
import { SHARD_BROKER_SERVICE_NAME, type ShardBrokerServiceClient, type ShardBounds as WireBounds, type TailRequest as WireTailRequest, type TailResponse } from '@spate/proto';
import { brokerGrpcOptions } from './broker-grpc-options';
import { decodeStoredRecords, encodeRecordsToAppend } from './record-batch';

/** Per call: aborting the signal cancels the call, which then rejects with an AbortedCallError. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** A call given up by its caller (aborted or timed out): whether it had an effect on the broker is unknown. */
export class AbortedCallError extends Error {
  readonly code = status.CANCELLED;
  constructor(reason: unknown) {
    super(`call abandoned: ${reason instanceof Error ? reason.message : String(reason)}`);
    this.name = 'AbortedCallError';
  }
}

/** The data plane of one remote shard broker, reached over gRPC. */
export class GrpcShardDataPlane implements ShardDataPlane {
  private readonly proxy: ClientGrpcProxy;
  private readonly broker: ShardBrokerServiceClient;
  /** The grpc-js client itself, for the server stream: NestJS's Observable of it reads without backpressure. */
  private readonly raw: { tail(request: WireTailRequest): ClientReadableStream<TailResponse> };

  constructor(url: string) {
    this.proxy = new ClientGrpcProxy(brokerGrpcOptions(url).options);
    this.broker = this.proxy.getService<ShardBrokerServiceClient>(SHARD_BROKER_SERVICE_NAME);
    this.raw = this.proxy.getClientByServiceName(SHARD_BROKER_SERVICE_NAME);
  }

  /** `leaderEpoch`: the epoch the caller routed by (see broker.proto); 0 when not known. */
  append(request: AppendRecordsRequest & { leaderEpoch?: number }, options: CallOptions = {}): Promise<AppendRecordsResult> {
    return call(request, this.broker.append({ shard: shardRef(request), batch: encodeRecordsToAppend(request.records), leaderEpoch: request.leaderEpoch ?? 0 }), options);
  }

  async read(request: ReadRecordsRequest, options: CallOptions = {}): Promise<ReadRecordsResult> {
    const response = await call(
      request,
      this.broker.read({ shard: shardRef(request), fromOffset: request.fromOffset, maxRecords: request.maxRecords, maxBytes: request.maxBytes }),
      options,
    );
    return { records: decodeStoredRecords(response.batch), ...boundsFrom(response.bounds) };
  }

  async bounds(address: ShardAddress, options: CallOptions = {}): Promise<ShardBounds> {
    return boundsFrom((await call(address, this.broker.bounds({ shard: shardRef(address) }), options)).bounds);
  }

  async offsetAtTimestamp(address: ShardAddress, timestampMs: number, options: CallOptions = {}): Promise<number> {
    return (await call(address, this.broker.offsetAtTimestamp({ shard: shardRef(address), timestampMs }), options)).offset;
  }

  async seal(address: ShardAddress, options: CallOptions = {}): Promise<ShardBounds> {
    return boundsFrom((await call(address, this.broker.seal({ shard: shardRef(address) }), options)).bounds);
  }

  async trim(address: ShardAddress, cutoffMs: number, options: CallOptions = {}): Promise<void> {
    await call(address, this.broker.trim({ shard: shardRef(address), cutoffMs }), options);
  }

  /**
   * The broker's Tail stream. A message is read off the stream only when the consumer asks for
   * the next one, so an unread stream stops the broker through HTTP/2 flow control. Aborting
   * `signal` cancels the call and ends the iteration quietly.
   */
  async *tail(request: TailRequest, signal: AbortSignal): AsyncGenerator<ReadRecordsResult> {
    const { fromOffset, maxRecords, maxBytes, keepAliveMs } = request;
    const stream = this.raw.tail({ shard: shardRef(request), fromOffset, maxRecords, maxBytes, keepAliveMs });
    const cancel = () => stream.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const message of stream as AsyncIterable<TailResponse>) {
        yield { records: decodeStoredRecords(message.batch), ...boundsFrom(message.bounds) };
      }
    } catch (error) {
      if (signal.aborted) return;
      throw error;
    } finally {
      signal.removeEventListener('abort', cancel);
      stream.cancel();
    }
  }

  async dropStream(streamId: string, options: CallOptions = {}): Promise<void> {
    await settle(this.broker.dropStream({ streamId }), options.signal);
  }

  close(): void {
    this.proxy.close();
  }
}

function shardRef(address: ShardAddress) {
  return { streamId: address.streamId, shardId: address.shardId };
}

function boundsFrom(bounds: WireBounds | undefined): ShardBounds {
  if (!bounds) throw new Error('broker answered without shard bounds');
  return { startOffset: bounds.startOffset, nextOffset: bounds.nextOffset, lastArrivalMs: bounds.lastArrivalMs ?? undefined };
}

async function call<T>(address: ShardAddress, response: Observable<T>, options: CallOptions = {}): Promise<T> {
  try {
    return await settle(response, options.signal);
  } catch (error) {
    if ((error as { code?: number }).code === status.FAILED_PRECONDITION) throw new ShardSealedError(address);
    throw error;
  }
}

/** The one answer of a unary call; unsubscribing on abort cancels the gRPC call. */
export function settle<T>(response: Observable<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return lastValueFrom(response);
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedCallError(signal.reason));
    let answer: { value: T } | undefined;
    const onAbort = () => {
      subscription.unsubscribe();
      reject(new AbortedCallError(signal.reason));
    };
    const subscription = response.subscribe({
      next: (value) => (answer = { value }),
      error: (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
      complete: () => {
        signal.removeEventListener('abort', onAbort);
        if (answer) resolve(answer.value);
        else reject(new Error('the broker answered nothing'));
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
