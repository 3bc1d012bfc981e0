/**
 * Refusals a caller may route again: nothing was written. The gRPC face maps them to ABORTED.
 */
export class NotLeaderError extends Error {
  constructor(shardKey: string, detail: string) {
    super(`Not the leader of ${shardKey}: ${detail}`);
    this.name = 'NotLeaderError';
  }
}

export class NotEnoughReplicasError extends Error {
  constructor(shardKey: string, inSync: number, needed: number) {
    super(`Shard ${shardKey} has ${inSync} in-sync replicas, fewer than the ${needed} an append needs.`);
    this.name = 'NotEnoughReplicasError';
  }
}

/**
 * An append that was written but could not be confirmed as committed (leadership lost, the ack
 * timed out): it may or may not be readable later. The gRPC face maps it to UNAVAILABLE, which a
 * gateway must not retry on the caller's behalf.
 */
export class UncertainAppendError extends Error {
  constructor(shardKey: string, detail: string) {
    super(`Append to ${shardKey} not confirmed: ${detail}`);
    this.name = 'UncertainAppendError';
  }
}
