import { Module, type DynamicModule } from '@nestjs/common';
import { ClusterShardDataPlane, COORDINATION_STORE, MetadataModule, type CoordinationConfig } from '@spate/broker';
import type { CoordinationStore } from '@spate/coordination';
import type { EdgeConfig } from './edge.config';
import { EdgeModule, SHARD_DATA_PLANE } from './edge.module';

/** The split deployment's gateway: the edge, calling each shard's leader broker over gRPC. */
@Module({})
export class GatewayModule {
  static forRoot(options: { edge: EdgeConfig; routeTimeoutMs: number; coordination: CoordinationConfig }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MetadataModule.forRoot(options.coordination),
        EdgeModule.forRoot(options.edge, {
          provide: SHARD_DATA_PLANE,
          inject: [COORDINATION_STORE],
          useFactory: async (store: CoordinationStore) => {
            const data = new ClusterShardDataPlane(store, { routeTimeoutMs: options.routeTimeoutMs });
            await data.start();
            return data;
          },
        }),
      ],
    };
  }
}
