import type { ShardDataPlane } from './shard-data-plane';
import type { Caller, StreamRepository } from './stream-repository';
import type { KdsSettings } from '../settings';
import type { ThroughputLimiter } from '../throughput-limiter';
import type { CoordinationStore } from '@spate/coordination';

/** Everything a KDS action may touch, built per request by the edge. */
export interface KdsContext {
  caller: Caller;
  requestId: string;
  streams: StreamRepository;
  data: ShardDataPlane;
  /** For account settings and resource policies, which live beside the streams. */
  store: CoordinationStore;
  settings: KdsSettings;
  /**
   * The process's per-shard throughput buckets, shared by every request (create one per process).
   * Limits are enforced only when `settings.enforceThroughputLimits` is set and this is present.
   */
  throughput?: ThroughputLimiter;
  now(): number;
  /** Told about failures after the answer has started (a subscription's stream); the client gets an InternalFailureException event. */
  onBackgroundError?(error: Error): void;
}
