import { randomUUID } from 'node:crypto';
import type { CoordinationStore, Lease } from '@spate/coordination';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a broker registers itself: what others need to reach it. */
export interface BrokerRecord {
  id: string;
  /** host:port of its gRPC server, as other processes reach it. */
  url: string;
  /** Shutting down gracefully: the controller moves its shards away. */
  draining: boolean;
  /** Changes at every start, so a restarted broker never mistakes its previous life's lease for its own. */
  incarnation: string;
}

export interface BrokerView extends BrokerRecord {
  /** Holds its membership lease right now. */
  live: boolean;
}

export const BROKER_PREFIX = 'cluster/brokers/';
/** Published when a broker joins, starts draining or leaves. Deaths are noticed by lease expiry. */
export const BROKERS_CHANNEL = 'cluster.brokers.changed';

const leaseName = (id: string) => `broker/${id}`;

/** Every registered broker, with whether it is alive (holds its lease under its current incarnation). */
export async function listBrokers(store: CoordinationStore): Promise<BrokerView[]> {
  const entries = await store.list(BROKER_PREFIX);
  return Promise.all(
    entries.map(async (entry) => {
      const record = JSON.parse(entry.value) as BrokerRecord;
      const lease = await store.getLease(leaseName(record.id));
      return { ...record, live: lease?.owner === record.incarnation };
    }),
  );
}

export interface MembershipOptions {
  /** A broker that has not renewed its lease for this long is dead to the cluster. */
  sessionTimeoutMs: number;
  /** Called when the lease was lost (not renewed in time); the broker must stop leading at once. */
  onLeaseLost?: () => void;
  /** Called when the lease was taken again after a loss. */
  onLeaseRegained?: () => void;
  now?: () => number;
}

/**
 * This broker's membership: a lease renewed every third of the session timeout, and its record.
 *
 * `holdsLease()` answers from this process's clock alone: the lease counts as held until the
 * moment its last successful renewal was *sent* plus the timeout, minus a safety margin. A broker
 * paused longer than that (SIGSTOP, a long GC, a VM freeze) finds its lease gone the moment it
 * resumes, before it can acknowledge anything, even if it has not heard from the store yet; the
 * controller only moves its shards once the store's copy of the lease has expired too.
 */
export class BrokerMembership {
  private lease?: Lease;
  private validUntilMs = 0;
  private timer?: NodeJS.Timeout;
  private renewing?: Promise<void>;
  private stopped = false;
  private lost = false;
  private record: BrokerRecord;
  private readonly now: () => number;

  constructor(
    private readonly store: CoordinationStore,
    self: { id: string; url: string },
    private readonly options: MembershipOptions,
  ) {
    this.record = { ...self, draining: false, incarnation: randomUUID() };
    this.now = options.now ?? Date.now;
  }

  get id(): string {
    return this.record.id;
  }

  get draining(): boolean {
    return this.record.draining;
  }

  /** Whether this broker may act for the cluster right now (see the class comment). */
  holdsLease(): boolean {
    return this.lease !== undefined && this.now() < this.validUntilMs;
  }

  /**
   * Takes the lease (waiting for a previous incarnation's to expire) and registers. Resolves once
   * registered; gives up only if stopped.
   */
  async join(): Promise<void> {
    while (!this.stopped && !(await this.tryAcquire())) {
      await sleep(Math.min(500, this.options.sessionTimeoutMs / 4));
    }
    if (this.stopped) return;
    await this.writeRecord();
    this.timer = setInterval(() => this.tick(), Math.max(50, Math.floor(this.options.sessionTimeoutMs / 3)));
    this.timer.unref();
  }

  async setDraining(): Promise<void> {
    this.record = { ...this.record, draining: true };
    await this.writeRecord();
  }

  /** Stops renewing, gives the lease up and deletes the record, so the cluster knows at once. */
  async leave(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.renewing;
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    await this.store.releaseLease(lease).catch(() => undefined);
    const key = BROKER_PREFIX + this.record.id;
    const current = await this.store.get(key).catch(() => undefined);
    if (current && (JSON.parse(current.value) as BrokerRecord).incarnation === this.record.incarnation) {
      await this.store.compareAndDelete(key, current.version).catch(() => undefined);
    }
    await this.store.publish(BROKERS_CHANNEL, this.record.id).catch(() => undefined);
  }

  private tick(): void {
    if (this.renewing || this.stopped) return;
    this.renewing = this.renew().finally(() => (this.renewing = undefined));
  }

  private async renew(): Promise<void> {
    const sentAt = this.now();
    try {
      if (this.lease) {
        const renewed = await this.store.renewLease(this.lease, this.options.sessionTimeoutMs);
        if (renewed) {
          // Still ours in the store, even if it ran out locally meanwhile: nobody else held it.
          this.lease = renewed;
          this.validUntilMs = sentAt + this.safeWindowMs();
          this.reportRegained();
          return;
        }
        this.lease = undefined;
        this.validUntilMs = 0;
        this.reportLost();
      }
      if (await this.tryAcquire()) {
        await this.writeRecord();
        this.reportRegained();
      }
    } catch {
      // The store is unreachable: the lease holds until it runs out locally; retry next tick.
      if (!this.holdsLease()) this.reportLost();
    }
  }

  private reportLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.options.onLeaseLost?.();
  }

  private reportRegained(): void {
    if (!this.lost) return;
    this.lost = false;
    this.options.onLeaseRegained?.();
  }

  private async tryAcquire(): Promise<boolean> {
    const sentAt = this.now();
    const lease = await this.store.acquireLease(leaseName(this.record.id), this.record.incarnation, this.options.sessionTimeoutMs).catch(() => undefined);
    if (!lease) return false;
    this.lease = lease;
    this.validUntilMs = sentAt + this.safeWindowMs();
    return true;
  }

  private async writeRecord(): Promise<void> {
    const key = BROKER_PREFIX + this.record.id;
    for (;;) {
      const current = await this.store.get(key);
      if ((await this.store.compareAndSet(key, JSON.stringify(this.record), current?.version ?? 0)) !== undefined) break;
    }
    await this.store.publish(BROKERS_CHANNEL, this.record.id);
  }

  /** The lease's time, less a margin for clock-rate drift between this machine and the store's. */
  private safeWindowMs(): number {
    return Math.floor(this.options.sessionTimeoutMs * 0.9);
  }
}
