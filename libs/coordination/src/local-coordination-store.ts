import type { CoordinationStore, Lease, VersionedEntry, VersionedValue } from './coordination-store';
import { CoordinationState } from './coordination-state';
import { JournalWriter } from './journal-writer';
import { LocalPubSub } from './local-pub-sub';
import { recoverState, snapshotPath } from './recover-state';
import { writeSnapshot } from './snapshot-file';
import type { StateChange } from './state-change';
import { checkLeaseTtl, notAnIntegerError, storeClosedError } from './store-errors';

export interface LocalCoordinationStoreOptions {
  /**
   * The journal file; its snapshot lives beside it as `<file>.snapshot`. Without it the store is
   * in memory only. One process at a time may open a file.
   */
  file?: string;
  /** Journal size that triggers folding it into a new snapshot; 4 MiB unless set. */
  compactAfterBytes?: number;
}

/**
 * The coordination store of a single process. File-backed, every write is durable before its
 * promise resolves, and a read never returns a write that is not yet durable, so a crash cannot
 * take back anything a caller has seen. Leases use this machine's wall clock.
 */
export class LocalCoordinationStore implements CoordinationStore {
  private readonly pubSub = new LocalPubSub();
  private closed = false;

  private constructor(
    private readonly state: CoordinationState,
    private readonly journal: JournalWriter | undefined,
  ) {}

  /** Opens the store, recovering the file's contents; open the same file again after `close`. */
  static async open(options: LocalCoordinationStoreOptions = {}): Promise<LocalCoordinationStore> {
    const { file, compactAfterBytes = 4 * 1024 * 1024 } = options;
    if (file === undefined) return new LocalCoordinationStore(new CoordinationState(), undefined);
    const recovered = await recoverState(file);
    const journal = new JournalWriter(recovered.journal, recovered.journalBytes, recovered.seq, {
      afterBytes: compactAfterBytes,
      writeSnapshot: (seq) => writeSnapshot(snapshotPath(file), recovered.state.toSnapshot(seq)),
    });
    return new LocalCoordinationStore(recovered.state, journal);
  }

  async get(key: string): Promise<VersionedValue | undefined> {
    this.checkUsable();
    const entry = this.state.get(key);
    await this.durable();
    return entry;
  }

  async compareAndSet(key: string, value: string, expectedVersion: number): Promise<number | undefined> {
    this.checkUsable();
    const current = this.state.get(key)?.version ?? 0;
    if (current !== expectedVersion) {
      await this.durable();
      return undefined;
    }
    await this.commit({ type: 'put', key, value, version: current + 1 });
    return current + 1;
  }

  async compareAndDelete(key: string, expectedVersion: number): Promise<boolean> {
    this.checkUsable();
    if (this.state.get(key)?.version !== expectedVersion) {
      await this.durable();
      return false;
    }
    await this.commit({ type: 'delete', key });
    return true;
  }

  async list(prefix: string): Promise<VersionedEntry[]> {
    this.checkUsable();
    const entries = this.state.list(prefix);
    await this.durable();
    return entries;
  }

  async increment(key: string): Promise<number> {
    this.checkUsable();
    const current = this.state.get(key);
    if (current && !/^-?\d+$/.test(current.value)) throw notAnIntegerError(key);
    const value = Number(current?.value ?? 0) + 1;
    await this.commit({ type: 'put', key, value: String(value), version: (current?.version ?? 0) + 1 });
    return value;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | undefined> {
    this.checkUsable();
    checkLeaseTtl(ttlMs);
    const now = Date.now();
    if (this.heldLease(name, now)) {
      await this.durable();
      return undefined;
    }
    const lease: Lease = { name, owner, epoch: this.state.lastEpoch(name) + 1, expiresAtMs: now + ttlMs };
    await this.commit({ type: 'lease', ...lease });
    return lease;
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    this.checkUsable();
    checkLeaseTtl(ttlMs);
    const now = Date.now();
    const held = this.heldLease(lease.name, now);
    if (held?.owner !== lease.owner || held.epoch !== lease.epoch) {
      await this.durable();
      return undefined;
    }
    const renewed: Lease = { ...held, expiresAtMs: now + ttlMs };
    await this.commit({ type: 'lease', ...renewed });
    return renewed;
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.checkUsable();
    const held = this.state.lease(lease.name);
    if (held?.owner !== lease.owner || held.epoch !== lease.epoch) return this.durable();
    await this.commit({ type: 'unlease', name: lease.name });
  }

  async getLease(name: string): Promise<Lease | undefined> {
    this.checkUsable();
    const held = this.heldLease(name, Date.now());
    await this.durable();
    return held;
  }

  async publish(channel: string, message: string): Promise<void> {
    this.checkUsable();
    this.pubSub.publish(channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    this.checkUsable();
    const unsubscribe = this.pubSub.subscribe(channel, handler);
    return async () => unsubscribe();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pubSub.clear();
    await this.journal?.close();
  }

  private heldLease(name: string, now: number): Lease | undefined {
    const lease = this.state.lease(name);
    return lease && lease.expiresAtMs > now ? lease : undefined;
  }

  /** Applies the change at once, so later calls see it, and resolves when it is durable. */
  private commit(change: StateChange): Promise<void> {
    this.state.apply(change);
    return this.journal ? this.journal.append(change) : Promise.resolve();
  }

  private durable(): Promise<void> {
    return this.journal ? this.journal.durable() : Promise.resolve();
  }

  private checkUsable(): void {
    if (this.closed) throw storeClosedError();
    if (this.journal?.failed) throw this.journal.failed;
  }
}
