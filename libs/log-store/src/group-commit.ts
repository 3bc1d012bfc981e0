import type { SyncTarget } from './log-directory';
import type { FsyncPolicy } from './shard-log-options';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Round {
  targets: Set<SyncTarget>;
  waiters: Waiter[];
}

/**
 * Turns written-but-unsynced appends into durable ones under an fsync policy.
 *
 * - `always`: each call starts its own sync round at once, concurrently with any in flight.
 * - `group`: one round at a time; calls made while a round is in flight share the next one, which
 *   starts when it ends. A call made while idle starts a round on the next turn of the event loop,
 *   so appends handled in the same turn share it too.
 * - `os`: resolves at once; durability is left to the operating system.
 *
 * Calls resolve in call order under every policy, so acknowledged appends always form a prefix of
 * the log.
 *
 * A round syncs each of its targets once, concurrently. If a sync fails the commit fails for good
 * (fail-stop): that round's calls, every pending and every later one reject with the error, and so
 * do calls whose own round succeeds afterwards, since a failed fdatasync may have dropped pages
 * that a later one no longer reports.
 */
export class GroupCommit {
  private error: { cause: unknown } | undefined;
  private completedRounds = 0;
  private next: Round | undefined;
  private inFlight = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];
  private lastAlways: Promise<void> = Promise.resolve();

  constructor(readonly policy: FsyncPolicy) {}

  /** The first sync error, once there was one. */
  get failure(): { cause: unknown } | undefined {
    return this.error;
  }

  /** Sync rounds completed. */
  get rounds(): number {
    return this.completedRounds;
  }

  /** Resolves once `targets` have been synced by a round that started after this call. */
  durable(targets: readonly SyncTarget[]): Promise<void> {
    if (this.error !== undefined) return Promise.reject(this.error.cause);
    if (this.policy === 'os') return Promise.resolve();
    if (this.policy === 'always') {
      const own = new Promise<void>((resolve, reject) => {
        void this.run({ targets: new Set(targets), waiters: [{ resolve, reject }] });
      });
      own.catch(() => undefined); // reported through `ordered`, which the caller holds
      const ordered = this.lastAlways.then(() => own);
      this.lastAlways = ordered;
      return ordered;
    }
    return new Promise<void>((resolve, reject) => {
      this.next ??= { targets: new Set(), waiters: [] };
      for (const target of targets) this.next.targets.add(target);
      this.next.waiters.push({ resolve, reject });
      if (this.inFlight === 0 && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.startNext();
        });
      }
    });
  }

  /** Resolves when no round is in flight or waiting to start. */
  drain(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private startNext(): void {
    const round = this.next;
    if (round === undefined || this.inFlight > 0) return;
    this.next = undefined;
    void this.run(round);
  }

  private async run(round: Round): Promise<void> {
    this.inFlight++;
    try {
      await Promise.all(Array.from(round.targets, (target) => target.sync()));
      this.completedRounds++;
    } catch (cause) {
      this.error ??= { cause };
    }
    this.inFlight--;
    if (this.error !== undefined) {
      const pending = this.next?.waiters ?? [];
      this.next = undefined;
      for (const waiter of [...round.waiters, ...pending]) waiter.reject(this.error.cause);
    } else {
      for (const waiter of round.waiters) waiter.resolve();
      this.startNext();
    }
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.next === undefined && !this.scheduled;
  }
}
