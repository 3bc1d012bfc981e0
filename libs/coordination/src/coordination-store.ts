/** A value with the version it was written at. Versions start at 1 and grow by one per write. */
export interface VersionedValue {
  value: string;
  version: number;
}

export interface VersionedEntry extends VersionedValue {
  key: string;
}

/**
 * A lease held by one owner until it expires or is released. `epoch` grows every time the lease
 * changes hands and is the fencing token: storage and replicas reject work carrying an older one.
 */
export interface Lease {
  name: string;
  owner: string;
  epoch: number;
  expiresAtMs: number;
}

/**
 * Metadata, leases and change notification shared by every Spate process. `local` keeps it in one
 * process (file-backed); `redis` shares it between processes. Both pass the same contract suite.
 */
export interface CoordinationStore {
  get(key: string): Promise<VersionedValue | undefined>;
  /**
   * Writes `value` if the key's current version is `expectedVersion` (0: the key must not exist).
   * Returns the new version, or undefined when the version did not match.
   */
  compareAndSet(key: string, value: string, expectedVersion: number): Promise<number | undefined>;
  /** Deletes the key if its version is `expectedVersion`; false when it did not match or was absent. */
  compareAndDelete(key: string, expectedVersion: number): Promise<boolean>;
  /** Every key that starts with `prefix`, in key order. */
  list(prefix: string): Promise<VersionedEntry[]>;
  /** Atomically adds one to a counter (created at 0) and returns the new value. */
  increment(key: string): Promise<number>;

  /** Takes the lease if it is free or expired; the epoch is one more than the lease's last epoch. */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Extends a lease still held by `lease.owner` at `lease.epoch`; undefined when it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined>;
  /** Gives the lease up if still held at that epoch. */
  releaseLease(lease: Lease): Promise<void>;
  /** The current holder, if the lease is held and unexpired. */
  getLease(name: string): Promise<Lease | undefined>;

  publish(channel: string, message: string): Promise<void>;
  /** Calls `handler` for every message published on `channel` from now on; returns an unsubscribe. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}
