import * as path from 'node:path';
import { Module, type DynamicModule } from '@nestjs/common';
import { MetadataModule, ShardBrokerModule, ShardManager, type BrokerStorageConfig, type CoordinationConfig } from '@spate/broker';
import type { EdgeConfig } from './edge.config';
import { EdgeModule, SHARD_DATA_PLANE } from './edge.module';

/** The all-in-one server: the edge and the shard storage in one process, no network between them. */
@Module({})
export class SpateModule {
  static forRoot(options: { edge: EdgeConfig; storage: BrokerStorageConfig; coordination: CoordinationConfig }): DynamicModule {
    const storage = ShardBrokerModule.forRoot(options.storage);
    const edge = { ...options.edge, tlsDir: options.edge.tlsDir || path.join(options.storage.dataDir, 'tls') };
    return {
      module: SpateModule,
      imports: [
        MetadataModule.forRoot(options.coordination),
        storage,
        EdgeModule.forRoot(edge, { provide: SHARD_DATA_PLANE, useExisting: ShardManager }, [storage]),
      ],
    };
  }
}
