import type { CoordinationStore, Lease, VersionedEntry, VersionedValue } from './coordination-store';
import { connectRedisClient, type RedisClient } from './redis-client';
import { RedisKeyLayout } from './redis-key-layout';
import { checkLeaseTtl, notAnIntegerError, storeClosedError } from './store-errors';
import { withDeadline } from './with-deadline';

export interface RedisCoordinationStoreOptions {
  /** `redis://`, `rediss://`, or a unix socket as `unix:///path` or `redis+unix:///path`. */
  url: string;
  /** Put before every key and channel; `spate:` unless set. */
  keyPrefix?: string;
  /** The longest any call waits for Redis before it rejects; 5000 unless set. */
  commandTimeoutMs?: number;
}

/**
 * The coordination store shared by many processes through one Redis. Every operation is a single
 * command or Lua script, so it is atomic. While Redis is unreachable calls reject at once; when a
 * call times out, a write it carried may or may not have been applied. The clients reconnect by
 * themselves and subscriptions resume, but messages published meanwhile are lost.
 *
 * Lease expiry runs on Redis's clock; `expiresAtMs` is this machine's clock when the call was sent
 * plus the TTL, which errs on the early side for the holder. Epochs are only as durable as Redis:
 * run it with AOF persistence, or a restart reuses epochs and breaks fencing.
 */
export class RedisCoordinationStore implements CoordinationStore {
  private subscriber: Promise<RedisClient> | undefined;
  private closed = false;

  private constructor(
    private readonly client: RedisClient,
    private readonly keys: RedisKeyLayout,
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  static async connect(options: RedisCoordinationStoreOptions): Promise<RedisCoordinationStore> {
    const { url, keyPrefix = 'spate:', commandTimeoutMs = 5000 } = options;
    const client = await connectRedisClient(url, commandTimeoutMs);
    return new RedisCoordinationStore(client, new RedisKeyLayout(keyPrefix), url, commandTimeoutMs);
  }

  async get(key: string): Promise<VersionedValue | undefined> {
    const [value, version] = await this.call('get', (client) => client.hmGet(this.keys.entry(key), ['value', 'version']));
    return value === null || version === null ? undefined : { value, version: Number(version) };
  }

  compareAndSet(key: string, value: string, expectedVersion: number): Promise<number | undefined> {
    return this.call('compareAndSet', (client) =>
      client.casEntry(this.keys.entry(key), this.keys.index, value, expectedVersion, key),
    );
  }

  compareAndDelete(key: string, expectedVersion: number): Promise<boolean> {
    return this.call('compareAndDelete', (client) =>
      client.cadEntry(this.keys.entry(key), this.keys.index, expectedVersion, key),
    );
  }

  async list(prefix: string): Promise<VersionedEntry[]> {
    const flat = await this.call('list', (client) => client.listEntries(this.keys.index, prefix, this.keys.entryPrefix));
    const entries: VersionedEntry[] = [];
    for (let at = 0; at < flat.length; at += 3) {
      entries.push({ key: flat[at], value: flat[at + 1], version: Number(flat[at + 2]) });
    }
    return entries;
  }

  async increment(key: string): Promise<number> {
    try {
      return await this.call('increment', (client) => client.incrementEntry(this.keys.entry(key), this.keys.index, key));
    } catch (error) {
      if (/not an integer/.test((error as Error).message)) throw notAnIntegerError(key);
      throw error;
    }
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseTtl(ttlMs);
    const sentAt = Date.now();
    const epoch = await this.call('acquireLease', (client) =>
      client.acquireLease(this.keys.lease(name), this.keys.leaseEpoch(name), owner, ttlMs),
    );
    return epoch === undefined ? undefined : { name, owner, epoch, expiresAtMs: sentAt + ttlMs };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    checkLeaseTtl(ttlMs);
    const sentAt = Date.now();
    const renewed = await this.call('renewLease', (client) =>
      client.renewLease(this.keys.lease(lease.name), holder(lease), ttlMs),
    );
    return renewed ? { ...lease, expiresAtMs: sentAt + ttlMs } : undefined;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.call('releaseLease', (client) => client.releaseLease(this.keys.lease(lease.name), holder(lease)));
  }

  async getLease(name: string): Promise<Lease | undefined> {
    const found = await this.call('getLease', (client) => client.readLease(this.keys.lease(name)));
    if (!found) return undefined;
    const separator = found.holder.indexOf(':');
    return {
      name,
      owner: found.holder.slice(separator + 1),
      epoch: Number(found.holder.slice(0, separator)),
      expiresAtMs: Date.now() + found.remainingMs,
    };
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.call('publish', (client) => client.publish(this.keys.channel(channel), message));
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = await this.connectSubscriber();
    const name = this.keys.channel(channel);
    const listener = (message: string) => handler(message);
    await withDeadline(subscriber.subscribe(name, listener), this.timeoutMs, () => this.timeoutMessage('subscribe'));
    return async () => {
      await withDeadline(subscriber.unsubscribe(name, listener), this.timeoutMs, () =>
        this.timeoutMessage('unsubscribe'),
      );
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const clients = [this.client];
    if (this.subscriber) clients.push(await this.subscriber.catch(() => this.client));
    await Promise.all(
      [...new Set(clients)].map((client) => (client.isReady ? client.close() : client.destroy())),
    );
  }

  /** The connection for subscriptions, opened on first use: a subscribed connection can do nothing else. */
  private connectSubscriber(): Promise<RedisClient> {
    if (this.closed) return Promise.reject(storeClosedError());
    if (!this.subscriber) {
      const connecting = connectRedisClient(this.url, this.timeoutMs);
      this.subscriber = connecting;
      connecting.catch(() => {
        if (this.subscriber === connecting) this.subscriber = undefined;
      });
    }
    return this.subscriber;
  }

  private async call<T>(operation: string, command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.closed) throw storeClosedError();
    return withDeadline(command(this.client), this.timeoutMs, () => this.timeoutMessage(operation));
  }

  private timeoutMessage(operation: string): string {
    return `Redis did not answer ${operation} within ${this.timeoutMs} ms; a write it carried may or may not have been applied`;
  }
}

/** The value of a held lease key. */
function holder(lease: Lease): string {
  return `${lease.epoch}:${lease.owner}`;
}
