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
  /**
   * A routine leadership move in progress (rebalancing, a draining broker): the leader stops
   * taking appends, waits until every append it took is committed, then hands leadership to this
   * in-sync replica itself (epoch + 1), so clients see a short delay and no error. The controller
   * forces the move if the leader does not make it in time.
   */
  transferTo?: string;
  /** When the controller asked for the transfer (its clock), to know when to force it. */
  transferRequestedMs?: number;
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
    a.transferTo === b.transferTo &&
    a.transferRequestedMs === b.transferRequestedMs &&
    a.replicas.length === b.replicas.length &&
    a.isr.length === b.isr.length &&
    a.replicas.every((id, i) => b.replicas[i] === id) &&
    a.isr.every((id, i) => b.isr[i] === id)
  );
}

/** The assignment once its leader has handed over to `transferTo` (what the leader writes). */
export function completeTransfer(a: ShardAssignment): ShardAssignment {
  const { transferTo, transferRequestedMs, ...rest } = a;
  void transferRequestedMs;
  return { ...rest, leader: transferTo, leaderEpoch: a.leaderEpoch + 1 };
}
