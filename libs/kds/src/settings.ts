/**
 * The knobs of the KDS service. Defaults suit a developer laptop and CI: no artificial delays,
 * limits far above what a test suite creates, throughput limits off.
 */
export interface KdsSettings {
  /** Open shards per account and region (AWS: 20,000 in the large regions; kinesalite's 10 breaks test suites). */
  shardLimit: number;
  /** ON_DEMAND streams per account and region (AWS: 50). */
  onDemandStreamLimit: number;
  /** Time a stream spends CREATING, UPDATING, DELETING; 0 makes the change immediate. */
  createStreamDelayMs: number;
  updateStreamDelayMs: number;
  deleteStreamDelayMs: number;
  /** Time a consumer spends CREATING and DELETING. */
  consumerDelayMs: number;
  /** Lifetime of a shard iterator (AWS: 5 minutes). */
  iteratorTtlMs: number;
  /** HMAC key that signs shard iterators; shared by every gateway of a cluster. */
  iteratorSecret: Buffer;
  /** Per-shard write and read limits (1 MiB/s or 1,000 records/s in; 2 MiB/s and 5 calls/s out). */
  enforceThroughputLimits: boolean;
  /** How long a SubscribeToShard stream lasts before the server ends it (AWS: 5 minutes). */
  subscriptionLifetimeMs: number;
}

export const defaultKdsSettings = (iteratorSecret: Buffer): KdsSettings => ({
  shardLimit: 20_000,
  onDemandStreamLimit: 50,
  createStreamDelayMs: 0,
  updateStreamDelayMs: 0,
  deleteStreamDelayMs: 0,
  consumerDelayMs: 0,
  iteratorTtlMs: 5 * 60_000,
  iteratorSecret,
  enforceThroughputLimits: false,
  subscriptionLifetimeMs: 5 * 60_000,
});
