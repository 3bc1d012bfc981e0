import { Module, type DynamicModule } from '@nestjs/common';
import type { BrokerStorageConfig } from './broker.config';
import { MetadataModule, type CoordinationConfig } from './metadata.module';
import { ShardBrokerModule } from './shard-broker.module';

/** The split deployment's broker process: shard storage behind its gRPC controller. */
@Module({})
export class ShardBrokerServerModule {
  static forRoot(options: { storage: BrokerStorageConfig; coordination: CoordinationConfig }): DynamicModule {
    return {
      module: ShardBrokerServerModule,
      imports: [MetadataModule.forRoot(options.coordination), ShardBrokerModule.forRoot(options.storage)],
    };
  }
}
