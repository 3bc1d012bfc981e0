import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { createCoordinationStore, type CoordinationStore } from '@spate/coordination';
import { CoordinationStoreStreamRepository, type ShardDataPlane, type StreamRepository } from '@spate/kds';

export const COORDINATION_STORE = Symbol('CoordinationStore');
export const STREAM_REPOSITORY = Symbol('StreamRepository');

export type CoordinationConfig = Parameters<typeof createCoordinationStore>[0];

/** The coordination store, for every service that needs metadata, leases or notifications. */
@Module({})
export class MetadataModule implements OnApplicationShutdown {
  constructor(@Inject(COORDINATION_STORE) private readonly store: CoordinationStore) {}

  static forRoot(config: CoordinationConfig): DynamicModule {
    return {
      module: MetadataModule,
      global: true,
      providers: [{ provide: COORDINATION_STORE, useFactory: () => createCoordinationStore(config) }],
      exports: [COORDINATION_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Stream metadata over the coordination store, dropping a deleted stream's shard logs through
 * the data plane that `dataPlaneToken` provides (the process's own, local or remote).
 */
export function streamRepositoryProvider(dataPlaneToken: unknown): Provider {
  const logger = new Logger('StreamRepository');
  return {
    provide: STREAM_REPOSITORY,
    inject: [COORDINATION_STORE, dataPlaneToken as symbol],
    useFactory: (store: CoordinationStore, data: ShardDataPlane): StreamRepository =>
      new CoordinationStoreStreamRepository(store, {
        now: Date.now,
        // A failed drop leaves logs behind; the retention sweep removes logs of streams that are gone.
        onStreamGone: (meta) =>
          data.dropStream(meta.streamId).catch((error) => logger.warn(`dropping the logs of ${meta.streamId} failed: ${(error as Error).message}`)),
      }),
  };
}
