import { Controller, Inject } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
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
  type TrimRequest,
  type TrimResponse,
  type WaitForRecordsRequest,
  type WaitForRecordsResponse,
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
        return await this.shards.append({ ...addressOf(request.shard), records, leaderEpoch: request.leaderEpoch });
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
      this.shards.read({ ...addressOf(request.shard), fromOffset: request.fromOffset, maxRecords: request.maxRecords, maxBytes: request.maxBytes }),
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

  async waitForRecords(request: WaitForRecordsRequest): Promise<WaitForRecordsResponse> {
    await guard(() => this.shards.waitForRecords(addressOf(request.shard), request.fromOffset, Math.min(request.timeoutMs, 30_000)));
    return {};
  }

  async dropStream(request: DropStreamRequest): Promise<DropStreamResponse> {
    await guard(() => this.shards.dropStream(request.streamId));
    return {};
  }
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
