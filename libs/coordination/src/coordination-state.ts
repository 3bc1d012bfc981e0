import type { Lease, VersionedEntry, VersionedValue } from './coordination-store';
import { SortedKeys } from './sorted-keys';
import type { StateChange } from './state-change';

/** Everything the local store holds, as written to its snapshot file. */
export interface StateSnapshot {
  /** The last journal sequence number the snapshot includes. */
  seq: number;
  entries: [key: string, value: string, version: number][];
  leases: Lease[];
  /** The last epoch of every lease ever taken, held or not: epochs are never reused. */
  leaseEpochs: [name: string, epoch: number][];
}

/** The local store's state in memory. It applies changes; deciding them is the store's job. */
export class CoordinationState {
  private readonly entries = new Map<string, VersionedValue>();
  private readonly keys = new SortedKeys();
  private readonly leases = new Map<string, Lease>();
  private readonly leaseEpochs = new Map<string, number>();

  static fromSnapshot(snapshot: StateSnapshot): CoordinationState {
    const state = new CoordinationState();
    for (const [key, value, version] of snapshot.entries) state.apply({ type: 'put', key, value, version });
    for (const [name, epoch] of snapshot.leaseEpochs) state.leaseEpochs.set(name, epoch);
    for (const lease of snapshot.leases) state.apply({ type: 'lease', ...lease });
    return state;
  }

  apply(change: StateChange): void {
    switch (change.type) {
      case 'put':
        if (!this.entries.has(change.key)) this.keys.add(change.key);
        this.entries.set(change.key, { value: change.value, version: change.version });
        return;
      case 'delete':
        this.entries.delete(change.key);
        this.keys.delete(change.key);
        return;
      case 'lease': {
        const { name, owner, epoch, expiresAtMs } = change;
        this.leases.set(name, { name, owner, epoch, expiresAtMs });
        this.leaseEpochs.set(name, Math.max(epoch, this.lastEpoch(name)));
        return;
      }
      case 'unlease':
        this.leases.delete(change.name);
        return;
    }
  }

  get(key: string): VersionedValue | undefined {
    const entry = this.entries.get(key);
    return entry && { ...entry };
  }

  list(prefix: string): VersionedEntry[] {
    return this.keys.withPrefix(prefix).map((key) => ({ key, ...(this.entries.get(key) as VersionedValue) }));
  }

  /** The lease as last recorded, expired or not. */
  lease(name: string): Lease | undefined {
    const lease = this.leases.get(name);
    return lease && { ...lease };
  }

  lastEpoch(name: string): number {
    return this.leaseEpochs.get(name) ?? 0;
  }

  toSnapshot(seq: number): StateSnapshot {
    return {
      seq,
      // In key order, so that loading it appends to `keys` instead of inserting into the middle.
      entries: this.list('').map(({ key, value, version }) => [key, value, version]),
      leases: [...this.leases.values()],
      leaseEpochs: [...this.leaseEpochs],
    };
  }
}
