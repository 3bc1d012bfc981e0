import type { FileHandle } from 'node:fs/promises';
import { encodeLine } from './journal-codec';
import type { StateChange } from './state-change';

/** Folds the journal into a snapshot once it grows past `afterBytes`. */
export interface Compaction {
  afterBytes: number;
  /**
   * Writes a snapshot of the state as of journal sequence number `seq`. It must capture the state
   * before its first `await`: later changes carry higher numbers and are replayed over it.
   */
  writeSnapshot(seq: number): Promise<void>;
}

interface Waiter {
  /** The journal lines to write; empty for a barrier that only waits for earlier lines. */
  text: string;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Appends changes to the journal with group commit: changes that arrive while a write is in flight
 * go out together in the next write and share its fdatasync. A change's promise resolves only once
 * it is durable. After any I/O error every call rejects: what is in memory may no longer match the
 * disk, so the store must be reopened.
 */
export class JournalWriter {
  private queue: Waiter[] = [];
  private draining = false;
  private failure: Error | undefined;

  constructor(
    private readonly handle: FileHandle,
    private sizeBytes: number,
    private seq: number,
    private readonly compaction: Compaction,
  ) {}

  /** Why the journal stopped accepting writes, if it did. */
  get failed(): Error | undefined {
    return this.failure;
  }

  append(change: StateChange): Promise<void> {
    this.seq += 1;
    return this.enqueue(encodeLine({ seq: this.seq, ...change }));
  }

  /** Resolves once every change appended before this call is durable. */
  durable(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.draining ? this.enqueue('') : Promise.resolve();
  }

  /** Waits for appended changes to be durable, then closes the file. */
  async close(): Promise<void> {
    try {
      await this.durable();
    } finally {
      await this.handle.close();
    }
  }

  private enqueue(text: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ text, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          const bytes = Buffer.from(batch.map((waiter) => waiter.text).join(''));
          if (bytes.length > 0) {
            await this.handle.writeFile(bytes);
            await this.handle.datasync();
            this.sizeBytes += bytes.length;
          }
        } catch (error) {
          this.fail(error as Error, batch);
          return;
        }
        for (const waiter of batch) waiter.resolve();
        if (this.sizeBytes >= this.compaction.afterBytes) {
          try {
            await this.compact();
          } catch (error) {
            this.fail(error as Error, []);
            return;
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Changes still queued are already in the snapshot; they are written to the emptied journal
   * anyway, and skipped on recovery because the snapshot's sequence number covers them.
   */
  private async compact(): Promise<void> {
    await this.compaction.writeSnapshot(this.seq);
    await this.handle.truncate(0);
    await this.handle.datasync();
    this.sizeBytes = 0;
  }

  private fail(error: Error, batch: Waiter[]): void {
    this.failure = error;
    for (const waiter of [...batch, ...this.queue]) waiter.reject(error);
    this.queue = [];
  }
}
