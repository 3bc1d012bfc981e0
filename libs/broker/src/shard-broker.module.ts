import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { StreamRepository } from '@spate/kds';
import type { BrokerStorageConfig } from './broker.config';
import { BrokerMetrics } from './broker-metrics';
import { STREAM_REPOSITORY, streamRepositoryProvider } from './metadata.module';
import { RetentionSweeper } from './retention-sweeper';
import { ShardBrokerController } from './shard-broker.controller';
import { ShardManager } from './shard-manager';

const BROKER_STORAGE_CONFIG = Symbol('BrokerStorageConfig');

/**
 * Shard storage: the shard manager, its retention sweeper and (when served over gRPC) the broker
 * controller. Needs MetadataModule for stream metadata.
 */
@Module({})
export class ShardBrokerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ShardBroker');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @Inject(ShardManager) private readonly shards: ShardManager,
    @Inject(RetentionSweeper) private readonly sweeper: RetentionSweeper,
    @Inject(BROKER_STORAGE_CONFIG) private readonly config: BrokerStorageConfig,
  ) {}

  static forRoot(config: BrokerStorageConfig): DynamicModule {
    return {
      module: ShardBrokerModule,
      controllers: [ShardBrokerController],
      providers: [
        { provide: BROKER_STORAGE_CONFIG, useValue: config },
        BrokerMetrics,
        { provide: ShardManager, useFactory: () => new ShardManager({ dataDir: config.dataDir, fsync: config.fsync, segmentMaxBytes: config.segmentMaxBytes }) },
        streamRepositoryProvider(ShardManager),
        {
          provide: RetentionSweeper,
          inject: [ShardManager, STREAM_REPOSITORY],
          useFactory: (shards: ShardManager, streams: StreamRepository) => new RetentionSweeper(shards, streams),
        },
      ],
      exports: [ShardManager, BrokerMetrics],
    };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.sweeping) return;
      this.sweeping = this.sweeper
        .sweep()
        .catch((error) => this.logger.error(`retention sweep failed: ${(error as Error).message}`))
        .finally(() => (this.sweeping = undefined));
    }, this.config.retentionCheckIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.shards.close();
  }
}
