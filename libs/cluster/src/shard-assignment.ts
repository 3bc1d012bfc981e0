/**
 * Where one shard lives in the cluster: the brokers holding a copy, the ones known to hold every
 * committed record, and the leader that takes its appends and reads.
 *
 * `leaderEpoch` grows by one each time leadership changes (including to "no leader") and is the
 * fencing token: a broker acts as leader only at the epoch the assignment names, and replicas
 * refuse a deposed leader. Only the controller changes the leader; the leader changes the in-sync
 * set; both with compare-and-set on the stored version, so neither can overwrite the other unseen.
 */
export interface ShardAssignment {
  streamId: string;
  shardId: string;
  /** Broker ids holding a copy (including the leader). */
  replicas: string[];
  /**
   * Replicas holding every record below the leader's high watermark; the leader is always one.
   * A new leader is only ever chosen from this set, which is what makes acknowledged records
   * survive a leader's death.
   */
  isr: string[];
  /** Undefined while no in-sync replica is alive (the shard is offline until one returns). */
  leader?: string;
  leaderEpoch: number;
}

export interface VersionedAssignment {
  assignment: ShardAssignment;
  /** Coordination-store version, for compare-and-set. */
  version: number;
}

export const ASSIGNMENT_PREFIX = 'cluster/shards/';

/** Published (with the stream id as message) whenever an assignment is written or deleted. */
export const ASSIGNMENTS_CHANNEL = 'cluster.shards.changed';

export function assignmentKey(streamId: string, shardId: string): string {
  return `${ASSIGNMENT_PREFIX}${streamId}/${shardId}`;
}

export function shardKeyOf(address: { streamId: string; shardId: string }): string {
  return `${address.streamId}/${address.shardId}`;
}

export function encodeAssignment(assignment: ShardAssignment): string {
  return JSON.stringify(assignment);
}

export function decodeAssignment(value: string): ShardAssignment {
  const parsed = JSON.parse(value) as ShardAssignment;
  if (
    typeof parsed.streamId !== 'string' ||
    typeof parsed.shardId !== 'string' ||
    !Array.isArray(parsed.replicas) ||
    !Array.isArray(parsed.isr) ||
    !Number.isSafeInteger(parsed.leaderEpoch)
  ) {
    throw new Error(`Not a shard assignment: ${value.slice(0, 200)}`);
  }
  return parsed;
}

export function sameAssignment(a: ShardAssignment, b: ShardAssignment): boolean {
  return (
    a.leader === b.leader &&
    a.leaderEpoch === b.leaderEpoch &&
    a.replicas.length === b.replicas.length &&
    a.isr.length === b.isr.length &&
    a.replicas.every((id, i) => b.replicas[i] === id) &&
    a.isr.every((id, i) => b.isr[i] === id)
  );
}
