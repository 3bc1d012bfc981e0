import { Controller, Inject } from '@nestjs/common';
import {
  ShardReplicationServiceControllerMethods,
  type EpochEndRequest,
  type EpochEndResponse,
  type FetchRequest,
  type FetchResponse,
  type ShardReplicationServiceController,
} from '@spate/proto';
import { encodeStoredRecords } from '../record-batch';
import { addressOf, guard } from '../shard-broker.controller';
import { ReplicaManager } from './replica-manager';

/** The replication service followers call on leaders. */
@Controller()
@ShardReplicationServiceControllerMethods()
export class ReplicationController implements ShardReplicationServiceController {
  constructor(@Inject(ReplicaManager) private readonly replicas: ReplicaManager) {}

  async fetch(request: FetchRequest): Promise<FetchResponse> {
    const answer = await guard(() =>
      this.replicas.fetch(addressOf(request.shard), request.followerId, request.leaderEpoch, request.fetchOffset, request.maxBytes, request.maxWaitMs),
    );
    const { records, ...rest } = answer;
    return { batch: encodeStoredRecords(records), ...rest };
  }

  async epochEnd(request: EpochEndRequest): Promise<EpochEndResponse> {
    const end = await guard(() => this.replicas.epochEnd(addressOf(request.shard), request.leaderEpoch, request.epoch));
    return end ? { found: true, epoch: end.epoch, endOffset: end.endOffset } : { found: false, epoch: 0, endOffset: 0 };
  }
}
