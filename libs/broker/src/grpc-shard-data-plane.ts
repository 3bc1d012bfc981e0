import { status } from '@grpc/grpc-js';
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
} from '@spate/kds';
import { SHARD_BROKER_SERVICE_NAME, type ShardBrokerServiceClient, type ShardBounds as WireBounds } from '@spate/proto';
import { brokerGrpcOptions } from './broker-grpc-options';

/** The data plane of one remote shard broker, reached over gRPC. */
export class GrpcShardDataPlane implements ShardDataPlane {
  private readonly proxy: ClientGrpcProxy;
  private readonly broker: ShardBrokerServiceClient;

  constructor(url: string) {
    this.proxy = new ClientGrpcProxy(brokerGrpcOptions(url).options);
    this.broker = this.proxy.getService<ShardBrokerServiceClient>(SHARD_BROKER_SERVICE_NAME);
  }

  /** `leaderEpoch`: the epoch the caller routed by (see broker.proto); 0 when not known. */
  append(request: AppendRecordsRequest & { leaderEpoch?: number }): Promise<AppendRecordsResult> {
    return call(request, this.broker.append({ shard: shardRef(request), records: request.records, leaderEpoch: request.leaderEpoch ?? 0 }));
  }

  async read(request: ReadRecordsRequest): Promise<ReadRecordsResult> {
    const response = await call(
      request,
      this.broker.read({ shard: shardRef(request), fromOffset: request.fromOffset, maxRecords: request.maxRecords, maxBytes: request.maxBytes }),
    );
    return {
      ...boundsFrom(response.bounds),
      records: response.records.map((r) => ({
        offset: r.offset,
        arrivalMs: r.arrivalMs,
        partitionKey: r.partitionKey,
        explicitHashKey: r.explicitHashKey,
        data: r.data as Buffer,
      })),
    };
  }

  async bounds(address: ShardAddress): Promise<ShardBounds> {
    return boundsFrom((await call(address, this.broker.bounds({ shard: shardRef(address) }))).bounds);
  }

  async offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number> {
    return (await call(address, this.broker.offsetAtTimestamp({ shard: shardRef(address), timestampMs }))).offset;
  }

  async seal(address: ShardAddress): Promise<ShardBounds> {
    return boundsFrom((await call(address, this.broker.seal({ shard: shardRef(address) }))).bounds);
  }

  async trim(address: ShardAddress, cutoffMs: number): Promise<void> {
    await call(address, this.broker.trim({ shard: shardRef(address), cutoffMs }));
  }

  async dropStream(streamId: string): Promise<void> {
    await lastValueFrom(this.broker.dropStream({ streamId }));
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

async function call<T>(address: ShardAddress, response: Observable<T>): Promise<T> {
  try {
    return await lastValueFrom(response);
  } catch (error) {
    if ((error as { code?: number }).code === status.FAILED_PRECONDITION) throw new ShardSealedError(address);
    throw error;
  }
}
