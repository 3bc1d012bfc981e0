import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { startEdgeServer } from '@spate/aws-protocol';
import { COORDINATION_STORE, STREAM_REPOSITORY, streamRepositoryProvider } from '@spate/broker';
import type { CoordinationStore } from '@spate/coordination';
import type { ShardDataPlane, StreamRepository } from '@spate/kds';
import type { EdgeConfig } from './edge.config';
import { EdgeMetrics } from './edge-metrics';
import { createEdgeRouter } from './edge-router';
import { loadIteratorSecret } from './iterator-secret';
import { loadTlsCertificate } from './tls-certificate';
import { createKinesisHandler } from './kinesis.service';

export const SHARD_DATA_PLANE = Symbol('ShardDataPlane');
const EDGE_CONFIG = Symbol('EdgeConfig');

/**
 * The AWS endpoint: one port for HTTP/1.1 and cleartext HTTP/2, serving the Kinesis API over the
 * data plane it is given (the in-process shard manager, or gRPC brokers). Needs MetadataModule.
 */
@Module({})
export class EdgeModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Edge');
  private server?: { port: number; tlsPort?: number; close(): Promise<void> };

  constructor(
    @Inject(EDGE_CONFIG) private readonly config: EdgeConfig,
    @Inject(COORDINATION_STORE) private readonly store: CoordinationStore,
    @Inject(STREAM_REPOSITORY) private readonly streams: StreamRepository,
    @Inject(SHARD_DATA_PLANE) private readonly data: ShardDataPlane,
  ) {}

  /** `dataPlane` provides SHARD_DATA_PLANE. */
  static forRoot(config: EdgeConfig, dataPlane: Provider, imports: DynamicModule[] = []): DynamicModule {
    return {
      module: EdgeModule,
      imports,
      providers: [{ provide: EDGE_CONFIG, useValue: config }, dataPlane, streamRepositoryProvider(SHARD_DATA_PLANE)],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    const metrics = new EdgeMetrics();
    const kinesis = createKinesisHandler({
      config: this.config,
      settings: {
        shardLimit: this.config.shardLimit,
        onDemandStreamLimit: this.config.onDemandStreamLimit,
        createStreamDelayMs: this.config.createStreamDelayMs,
        updateStreamDelayMs: this.config.updateStreamDelayMs,
        deleteStreamDelayMs: this.config.deleteStreamDelayMs,
        consumerDelayMs: this.config.consumerDelayMs,
        iteratorTtlMs: this.config.iteratorTtlMs,
        iteratorSecret: await loadIteratorSecret(this.store),
        enforceThroughputLimits: this.config.enforceThroughputLimits,
        subscriptionLifetimeMs: this.config.subscriptionLifetimeMs,
      },
      store: this.store,
      streams: this.streams,
      data: this.data,
      metrics,
      onInternalError: (error, { requestId, operation }) =>
        this.logger.error({ message: 'request failed', requestId, operation, error: error.message, stack: error.stack }),
    });
    const certificate =
      this.config.tls === 'on' ? await loadTlsCertificate({ certFile: this.config.tlsCertFile, keyFile: this.config.tlsKeyFile, dir: this.config.tlsDir || './data/tls' }) : undefined;
    this.server = await startEdgeServer({
      host: this.config.host,
      port: this.config.port,
      maxBodyBytes: this.config.maxBodyBytes,
      handler: createEdgeRouter(kinesis, metrics),
      onError: (error) => this.logger.error(error.stack ?? error.message),
      tls: certificate && { port: this.config.tlsPort, cert: certificate.cert, key: certificate.key },
    });
    this.logger.log(`AWS endpoint listening on http://${this.config.host}:${this.server.port}`);
    if (certificate) {
      this.logger.log({
        message: `AWS endpoint listening on https://${this.config.host}:${this.server.tlsPort}`,
        certificate: certificate.certFile,
        generated: certificate.generated,
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
  }
}
