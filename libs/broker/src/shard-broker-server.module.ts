import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BrokerListenConfig, BrokerStorageConfig } from './broker.config';
import type { ClusterConfig } from './cluster.config';
import { BrokerMetrics } from './broker-metrics';
import { MetadataModule, type CoordinationConfig } from './metadata.module';
import { startOpsHttpServer, type OpsHttpServer } from './ops-http-server';
import { ShardBrokerModule } from './shard-broker.module';

const BROKER_LISTEN_CONFIG = Symbol('BrokerListenConfig');

/** The split deployment's broker process: a cluster member serving shard logs over gRPC, plus /health and /metrics. */
@Module({})
export class ShardBrokerServerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ShardBroker');
  private ops?: OpsHttpServer;

  constructor(
    @Inject(BROKER_LISTEN_CONFIG) private readonly listen: BrokerListenConfig,
    @Inject(BrokerMetrics) private readonly metrics: BrokerMetrics,
  ) {}

  static forRoot(options: { storage: BrokerStorageConfig; listen: BrokerListenConfig; coordination: CoordinationConfig; cluster: ClusterConfig }): DynamicModule {
    const storage = ShardBrokerModule.forRoot(options.storage, options.cluster);
    return {
      module: ShardBrokerServerModule,
      imports: [MetadataModule.forRoot(options.coordination), storage],
      providers: [{ provide: BROKER_LISTEN_CONFIG, useValue: options.listen }],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.ops = await startOpsHttpServer(this.listen.grpcHost, this.listen.httpPort, this.metrics.registry);
    this.logger.log(`Health and metrics on http://${this.listen.grpcHost}:${this.ops.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ops?.close();
  }
}
