interface Waiter {
  fromOffset: number;
  wake: () => void;
}

/**
 * Readers waiting for a shard's readable end to pass an offset (WaitableShards.waitForRecords, which feeds tailShard).
 * Whoever moves a shard's end calls `advanced` with the new end; waiters whose offset it passed
 * wake at once, others at their timeout or when their signal aborts.
 */
export class RecordWaiters {
  private readonly byShard = new Map<string, Set<Waiter>>();

  /** Resolves when `advanced(key, end)` reports an end beyond `fromOffset`, at the timeout, or on abort. */
  wait(key: string, fromOffset: number, currentEnd: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (currentEnd > fromOffset || timeoutMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let waiters = this.byShard.get(key);
      if (!waiters) this.byShard.set(key, (waiters = new Set()));
      const set = waiters;
      const waiter: Waiter = {
        fromOffset,
        wake: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', waiter.wake);
          set.delete(waiter);
          if (set.size === 0 && this.byShard.get(key) === set) this.byShard.delete(key);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, timeoutMs);
      signal?.addEventListener('abort', waiter.wake, { once: true });
      set.add(waiter);
    });
  }

  advanced(key: string, end: number): void {
    const waiters = this.byShard.get(key);
    if (!waiters) return;
    for (const waiter of [...waiters]) if (end > waiter.fromOffset) waiter.wake();
  }

  /** Wakes every waiter of the shard (it was sealed, dropped, or changed hands). */
  wakeAll(key: string): void {
    for (const waiter of [...(this.byShard.get(key) ?? [])]) waiter.wake();
  }
}
