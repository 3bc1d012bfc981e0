import { Module, type DynamicModule } from '@nestjs/common';
import { GrpcShardDataPlane, MetadataModule, type CoordinationConfig } from '@spate/broker';
import type { EdgeConfig } from './edge.config';
import { EdgeModule, SHARD_DATA_PLANE } from './edge.module';

/** The split deployment's gateway: the edge, calling a shard broker over gRPC. */
@Module({})
export class GatewayModule {
  static forRoot(options: { edge: EdgeConfig; brokerUrl: string; coordination: CoordinationConfig }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        MetadataModule.forRoot(options.coordination),
        EdgeModule.forRoot(options.edge, { provide: SHARD_DATA_PLANE, useFactory: () => new GrpcShardDataPlane(options.brokerUrl) }),
      ],
    };
  }
}
