import { Inject, Logger, Module, Optional, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type BeforeApplicationShutdown } from '@nestjs/common';
import { BrokerMembership, ClusterController, listBrokers } from '@spate/cluster';
import type { CoordinationStore } from '@spate/coordination';
import { liveShards, STREAMS_CHANGED_CHANNEL, type StreamRepository } from '@spate/kds';
import type { BrokerStorageConfig } from './broker.config';
import { BrokerMetrics } from './broker-metrics';
import { BROKER_SHARDS } from './broker-shards';
import type { ClusterConfig } from './cluster.config';
import { COORDINATION_STORE, STREAM_REPOSITORY, streamRepositoryProvider } from './metadata.module';
import { ReplicaManager } from './replication/replica-manager';
import { ReplicationController } from './replication/replication.controller';
import { RetentionSweeper } from './retention-sweeper';
import { ShardBrokerController } from './shard-broker.controller';
import { ShardManager } from './shard-manager';

const BROKER_STORAGE_CONFIG = Symbol('BrokerStorageConfig');
const CLUSTER_CONFIG = Symbol('ClusterConfig');

/**
 * Shard storage: the shard manager, its retention sweeper and (when served over gRPC) the broker
 * controller. With a cluster configuration it also joins the cluster: membership, the replica
 * manager that leads and follows shards as assigned, and a controller candidate. Needs
 * MetadataModule for stream metadata.
 */
@Module({})
export class ShardBrokerModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('ShardBroker');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @Inject(ShardManager) private readonly shards: ShardManager,
    @Inject(RetentionSweeper) private readonly sweeper: RetentionSweeper,
    @Inject(BROKER_STORAGE_CONFIG) private readonly config: BrokerStorageConfig,
    @Optional() @Inject(CLUSTER_CONFIG) private readonly cluster?: ClusterConfig,
    @Optional() @Inject(BrokerMembership) private readonly membership?: BrokerMembership,
    @Optional() @Inject(ReplicaManager) private readonly replicas?: ReplicaManager,
    @Optional() @Inject(ClusterController) private readonly controller?: ClusterController,
    @Optional() @Inject(COORDINATION_STORE) private readonly store?: CoordinationStore,
  ) {}

  static forRoot(config: BrokerStorageConfig, cluster?: ClusterConfig): DynamicModule {
    const logger = new Logger('Cluster');
    const storage = [
      { provide: BROKER_STORAGE_CONFIG, useValue: config },
      BrokerMetrics,
      { provide: ShardManager, useFactory: () => new ShardManager({ dataDir: config.dataDir, fsync: config.fsync, segmentMaxBytes: config.segmentMaxBytes }) },
      streamRepositoryProvider(ShardManager),
      {
        provide: RetentionSweeper,
        inject: [ShardManager, STREAM_REPOSITORY],
        useFactory: (shards: ShardManager, streams: StreamRepository) => new RetentionSweeper(shards, streams),
      },
    ];
    if (!cluster) {
      return {
        module: ShardBrokerModule,
        controllers: [ShardBrokerController],
        providers: [...storage, { provide: BROKER_SHARDS, useExisting: ShardManager }],
        exports: [ShardManager, BrokerMetrics],
      };
    }
    return {
      module: ShardBrokerModule,
      controllers: [ShardBrokerController, ReplicationController],
      providers: [
        ...storage,
        { provide: CLUSTER_CONFIG, useValue: cluster },
        {
          provide: BrokerMembership,
          inject: [COORDINATION_STORE],
          useFactory: (store: CoordinationStore) =>
            new BrokerMembership(store, { id: cluster.brokerId, url: cluster.advertisedUrl }, {
              sessionTimeoutMs: cluster.sessionTimeoutMs,
              onLeaseLost: () => logger.warn({ message: 'membership lease lost: leading nothing until it is back', broker: cluster.brokerId }),
              onLeaseRegained: () => logger.log({ message: 'membership lease regained', broker: cluster.brokerId }),
            }),
        },
        {
          provide: ReplicaManager,
          inject: [COORDINATION_STORE, ShardManager, BrokerMembership],
          useFactory: (store: CoordinationStore, shards: ShardManager, membership: BrokerMembership) =>
            new ReplicaManager(store, shards, {
              brokerId: cluster.brokerId,
              settings: { minInSyncReplicas: cluster.minInSyncReplicas, replicaLagMaxMs: cluster.replicaLagMaxMs, ackTimeoutMs: cluster.ackTimeoutMs },
              holdsLease: () => membership.holdsLease(),
              resyncIntervalMs: Math.max(100, Math.min(1000, Math.floor(cluster.sessionTimeoutMs / 5))),
              onError: (error) => logger.warn({ message: 'replication', error: error.message }),
            }),
        },
        {
          provide: ClusterController,
          inject: [COORDINATION_STORE, STREAM_REPOSITORY],
          useFactory: (store: CoordinationStore, streams: StreamRepository) =>
            new ClusterController(store, {
              brokerId: cluster.brokerId,
              leaseTtlMs: cluster.sessionTimeoutMs,
              intervalMs: Math.max(100, Math.min(1000, Math.floor(cluster.sessionTimeoutMs / 5))),
              policy: { replicationFactor: cluster.replicationFactor, maxMovesInFlight: 8, transferTimeoutMs: cluster.ackTimeoutMs + cluster.sessionTimeoutMs },
              wakeOn: [STREAMS_CHANGED_CHANNEL],
              listShards: async () => {
                const now = Date.now();
                return (await streams.listAll()).flatMap((meta) => liveShards(meta, now).map((shard) => ({ streamId: meta.streamId, shardId: shard.shardId })));
              },
              onError: (error) => logger.warn({ message: 'controller round failed', error: error.message }),
              onAssignmentWritten: (change) => logger.log({ message: 'shard assigned', ...change }),
            }),
        },
        { provide: BROKER_SHARDS, useExisting: ReplicaManager },
      ],
      exports: [ShardManager, BrokerMetrics],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweeper
        .sweep()
        .catch((error) => this.logger.error(`retention sweep failed: ${(error as Error).message}`))
        .finally(() => (this.sweeping = undefined));
    }, this.config.retentionCheckIntervalMs);
    this.timer.unref();
    // Joined once start-up is over, so the gRPC server already listens when this broker is
    // first given shards to lead.
    if (this.membership) setImmediate(() => void this.joinCluster());
  }

  private async joinCluster(): Promise<void> {
    if (!this.membership || !this.replicas || !this.controller) return;
    try {
      await this.membership.join();
      await this.replicas.start();
      await this.controller.start();
      this.logger.log({ message: 'joined the cluster', broker: this.cluster?.brokerId, url: this.cluster?.advertisedUrl });
    } catch (error) {
      this.logger.error({ message: 'could not join the cluster; stopping', error: (error as Error).message });
      process.kill(process.pid, 'SIGTERM');
    }
  }

  /**
   * A graceful stop hands this broker's shards to others before it goes (bounded by the drain
   * timeout): first its leaderships, then its follower copies, so that no leader is left waiting
   * for a follower that is gone.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const { membership, replicas, controller, cluster } = this;
    if (!membership || !replicas || !controller || !cluster) return;
    const deadline = Date.now() + cluster.drainTimeoutMs;
    await membership.setDraining().catch(() => undefined);
    controller.wake();
    const holdsShards = async () => (await replicas.leaderCount()) > 0 || (await replicas.assignedCount()) > 0;
    while (Date.now() < deadline && (await holdsShards()) && (await this.othersCanTakeOver())) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await controller.stop();
    await replicas.stop();
    await membership.leave();
  }

  /** Whether another live broker that is not leaving could take this one's shards. */
  private async othersCanTakeOver(): Promise<boolean> {
    if (!this.store) return false;
    const brokers = await listBrokers(this.store).catch(() => []);
    return brokers.some((b) => b.live && !b.draining && b.id !== this.cluster?.brokerId);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.shards.close();
  }
}
