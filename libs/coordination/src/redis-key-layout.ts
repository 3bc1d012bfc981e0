/**
 * Where the Redis store keeps things, under one prefix so that several clusters can share a Redis.
 * This layout is a storage format: changing it strands the data of existing deployments.
 *
 * - `<prefix>kv:<key>`: hash {value, version} per entry
 * - `<prefix>index`: sorted set of every entry's key, all at score 0, for ZRANGEBYLEX prefix scans
 * - `<prefix>lease:<name>`: string `<epoch>:<owner>`, expiring with the lease (PX)
 * - `<prefix>lease-epoch:<name>`: the lease's last epoch, kept forever so no epoch is reused
 * - `<prefix>channel:<channel>`: pub/sub channel
 */
export class RedisKeyLayout {
  constructor(readonly prefix: string) {}

  entry(key: string): string {
    return `${this.prefix}kv:${key}`;
  }

  get entryPrefix(): string {
    return `${this.prefix}kv:`;
  }

  get index(): string {
    return `${this.prefix}index`;
  }

  lease(name: string): string {
    return `${this.prefix}lease:${name}`;
  }

  leaseEpoch(name: string): string {
    return `${this.prefix}lease-epoch:${name}`;
  }

  channel(channel: string): string {
    return `${this.prefix}channel:${channel}`;
  }
}
