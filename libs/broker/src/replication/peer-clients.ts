import { ClientGrpcProxy } from '@nestjs/microservices';
import { listBrokers } from '@spate/cluster';
import type { CoordinationStore } from '@spate/coordination';
import { SHARD_REPLICATION_SERVICE_NAME, type ShardReplicationServiceClient } from '@spate/proto';
import { brokerGrpcOptions } from '../broker-grpc-options';

/** gRPC clients of other brokers' replication service, by broker id (urls from the membership records). */
export class PeerClients {
  private readonly clients = new Map<string, { url: string; proxy: ClientGrpcProxy; service: ShardReplicationServiceClient }>();
  private urls = new Map<string, string>();
  private refreshing?: Promise<void>;

  constructor(private readonly store: CoordinationStore) {}

  /** The client of broker `id`; looks its address up again when unknown or `stale`. */
  async get(id: string, stale = false): Promise<ShardReplicationServiceClient> {
    if (stale || !this.urls.has(id)) await this.refresh();
    const url = this.urls.get(id);
    if (!url) throw new Error(`broker ${id} is not registered`);
    const existing = this.clients.get(id);
    if (existing?.url === url) return existing.service;
    existing?.proxy.close();
    const proxy = new ClientGrpcProxy(brokerGrpcOptions(url).options);
    const service = proxy.getService<ShardReplicationServiceClient>(SHARD_REPLICATION_SERVICE_NAME);
    this.clients.set(id, { url, proxy, service });
    return service;
  }

  close(): void {
    for (const client of this.clients.values()) client.proxy.close();
    this.clients.clear();
  }

  private refresh(): Promise<void> {
    this.refreshing ??= listBrokers(this.store)
      .then((brokers) => {
        this.urls = new Map(brokers.map((b) => [b.id, b.url]));
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
