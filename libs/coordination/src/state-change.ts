import type { Lease } from './coordination-store';

/**
 * One change to the local store's state. Each carries the resulting state of what it touches, not
 * the operation that produced it, so applying it twice is harmless.
 */
export type StateChange =
  | { type: 'put'; key: string; value: string; version: number }
  | { type: 'delete'; key: string }
  | ({ type: 'lease' } & Lease)
  | { type: 'unlease'; name: string };

/** A change as journaled: `seq` grows by one per change and orders the journal against snapshots. */
export type JournalRecord = StateChange & { seq: number };
