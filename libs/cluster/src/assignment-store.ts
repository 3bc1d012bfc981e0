import type { CoordinationStore } from '@spate/coordination';
import {
  ASSIGNMENT_PREFIX,
  ASSIGNMENTS_CHANNEL,
  assignmentKey,
  decodeAssignment,
  encodeAssignment,
  type ShardAssignment,
  type VersionedAssignment,
} from './shard-assignment';

/** Shard assignments in the coordination store, written with compare-and-set and announced on change. */
export class AssignmentStore {
  constructor(private readonly store: CoordinationStore) {}

  async list(streamId?: string): Promise<VersionedAssignment[]> {
    const entries = await this.store.list(streamId === undefined ? ASSIGNMENT_PREFIX : `${ASSIGNMENT_PREFIX}${streamId}/`);
    return entries.map((entry) => ({ assignment: decodeAssignment(entry.value), version: entry.version }));
  }

  async get(streamId: string, shardId: string): Promise<VersionedAssignment | undefined> {
    const found = await this.store.get(assignmentKey(streamId, shardId));
    return found && { assignment: decodeAssignment(found.value), version: found.version };
  }

  /** Writes if the stored version is still `expectedVersion` (0: absent); the new version, or undefined. */
  async write(assignment: ShardAssignment, expectedVersion: number): Promise<number | undefined> {
    const version = await this.store.compareAndSet(assignmentKey(assignment.streamId, assignment.shardId), encodeAssignment(assignment), expectedVersion);
    if (version !== undefined) await this.store.publish(ASSIGNMENTS_CHANNEL, assignment.streamId);
    return version;
  }

  async remove(streamId: string, shardId: string, expectedVersion: number): Promise<boolean> {
    const removed = await this.store.compareAndDelete(assignmentKey(streamId, shardId), expectedVersion);
    if (removed) await this.store.publish(ASSIGNMENTS_CHANNEL, streamId);
    return removed;
  }

  /** Calls `handler` with the stream id of every assignment change from now on. */
  onChange(handler: (streamId: string) => void): Promise<() => Promise<void>> {
    return this.store.subscribe(ASSIGNMENTS_CHANNEL, handler);
  }
}
