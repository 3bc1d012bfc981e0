import { randomUUID } from 'node:crypto';
import type { CoordinationStore, Lease } from '@spate/coordination';
import { AssignmentStore } from './assignment-store';
import { BROKERS_CHANNEL, listBrokers } from './broker-membership';
import { planPlacement, type PlacementPolicy } from './placement';
import { shardKeyOf } from './shard-assignment';

export const CONTROLLER_LEASE = 'cluster/controller';

export interface ControllerOptions {
  brokerId: string;
  /** How long the controller lease lasts without renewal (the session timeout). */
  leaseTtlMs: number;
  /** How often the controller looks at the cluster even when nothing was announced. */
  intervalMs: number;
  policy: PlacementPolicy;
  /** Every shard that must have a home: all shards of every stream, until their data has expired. */
  listShards: () => Promise<{ streamId: string; shardId: string }[]>;
  /** Channels whose messages mean "look again now" (stream metadata changes, for example). */
  wakeOn?: string[];
  onError?: (error: Error) => void;
  onAssignmentWritten?: (change: { streamId: string; shardId: string; leader?: string; leaderEpoch: number }) => void;
}

/**
 * Runs on every broker; the one holding the controller lease places shards (see planPlacement)
 * and writes the results. Losing the lease just stops it: every write is a compare-and-set on the
 * version it read, so a deposed controller cannot undo its successor's work.
 */
export class ClusterController {
  private lease?: Lease;
  private readonly owner: string;
  private readonly assignments: AssignmentStore;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private unsubscribes: (() => Promise<void>)[] = [];

  constructor(
    private readonly store: CoordinationStore,
    private readonly options: ControllerOptions,
  ) {
    this.assignments = new AssignmentStore(store);
    this.owner = `${options.brokerId}/${randomUUID()}`;
  }

  get isActive(): boolean {
    return this.lease !== undefined && Date.now() < this.lease.expiresAtMs;
  }

  async start(): Promise<void> {
    for (const channel of [BROKERS_CHANNEL, ...(this.options.wakeOn ?? [])]) {
      this.unsubscribes.push(await this.store.subscribe(channel, () => this.wake()));
    }
    this.timer = setInterval(() => this.wake(), this.options.intervalMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled(this.unsubscribes.map((unsubscribe) => unsubscribe()));
    await this.running;
    if (this.lease) await this.store.releaseLease(this.lease).catch(() => undefined);
    this.lease = undefined;
  }

  /** Runs one round now, or right after the one in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((error) => this.options.onError?.(error as Error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async round(): Promise<void> {
    if (!(await this.holdLease())) return;
    await this.reconcile();
  }

  private async holdLease(): Promise<boolean> {
    const ttl = this.options.leaseTtlMs;
    if (this.lease) this.lease = await this.store.renewLease(this.lease, ttl).catch(() => (this.isActive ? this.lease : undefined));
    if (!this.lease) this.lease = await this.store.acquireLease(CONTROLLER_LEASE, this.owner, ttl).catch(() => undefined);
    return this.isActive;
  }

  /** One look at the cluster and the writes it calls for. */
  async reconcile(): Promise<void> {
    const [brokers, stored, shards] = await Promise.all([listBrokers(this.store), this.assignments.list(), this.options.listShards()]);
    const current = new Map(stored.map((entry) => [shardKeyOf(entry.assignment), entry]));
    const wanted = new Set(shards.map(shardKeyOf));
    const changes = planPlacement(
      brokers.map((b) => ({ id: b.id, live: b.live, draining: b.draining })),
      shards.map((s) => ({ ...s, current: current.get(shardKeyOf(s))?.assignment })),
      this.options.policy,
      Date.now(),
    );
    for (const change of changes) {
      if (!this.isActive) return;
      const version = current.get(shardKeyOf(change))?.version ?? 0;
      if ((await this.assignments.write(change, version)) !== undefined) this.options.onAssignmentWritten?.(change);
    }
    for (const [key, entry] of current) {
      if (wanted.has(key) || !this.isActive) continue;
      await this.assignments.remove(entry.assignment.streamId, entry.assignment.shardId, entry.version);
    }
  }
}
