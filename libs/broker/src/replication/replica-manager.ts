import { AssignmentStore, shardKeyOf, type VersionedAssignment } from '@spate/cluster';
import type { CoordinationStore } from '@spate/coordination';
import { RecordWaiters, tailShard } from '@spate/kds';
import type { AppendRecordsRequest, AppendRecordsResult, ReadRecordsRequest, ReadRecordsResult, ShardAddress, ShardBounds, TailRequest } from '@spate/kds';
import type { ShardManager } from '../shard-manager';
import { FollowerFetcher } from './follower-fetcher';
import { PeerClients } from './peer-clients';
import { NotLeaderError } from './replication-errors';
import { ShardReplica, type FetchAnswer, type ReplicationSettings } from './shard-replica';

export interface ReplicaManagerOptions {
  brokerId: string;
  settings: ReplicationSettings;
  holdsLease: () => boolean;
  /** How often every assignment is read again, in case a change announcement was missed. */
  resyncIntervalMs: number;
  onError?: (error: Error) => void;
  now?: () => number;
}

/**
 * The shards of a clustered broker: follows the assignments in the coordination store, leads the
 * shards it is leader of, and keeps a fetcher running for each shard it follows. Its data-plane
 * methods answer only for shards this broker leads (NotLeaderError otherwise).
 */
export class ReplicaManager {
  private readonly replicas = new Map<string, Promise<ShardReplica>>();
  private readonly fetchers = new Map<string, FollowerFetcher>();
  private readonly assignments: AssignmentStore;
  private readonly peers: PeerClients;
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly waiters = new RecordWaiters();
  private unsubscribe?: () => Promise<void>;
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: CoordinationStore,
    private readonly shards: ShardManager,
    private readonly options: ReplicaManagerOptions,
  ) {
    this.assignments = new AssignmentStore(store);
    this.peers = new PeerClients(store);
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.assignments.onChange((streamId) => void this.sync(streamId));
    await this.sync();
    this.timer = setInterval(() => {
      void this.sync();
      for (const opening of this.replicas.values()) void opening.then((r) => r.checkFollowers()).catch(() => undefined);
    }, this.options.resyncIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.unsubscribe?.().catch(() => undefined);
    await this.syncing;
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
    for (const opening of this.replicas.values()) (await opening.catch(() => undefined))?.retire('the broker is stopping');
    this.peers.close();
  }

  /** Shards this broker leads right now. */
  async leaderCount(): Promise<number> {
    let count = 0;
    for (const opening of this.replicas.values()) if ((await opening.catch(() => undefined))?.isLeader) count++;
    return count;
  }

  /** Shards this broker still leads or follows. */
  async assignedCount(): Promise<number> {
    let count = 0;
    for (const opening of this.replicas.values()) {
      const replica = await opening.catch(() => undefined);
      if (replica && replica.currentRole !== 'idle') count++;
    }
    return count;
  }

  /** Reads the assignments again (one stream's, or all) and acts on what changed. */
  sync(streamId?: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = async () => {
      const entries = await this.assignments.list(streamId);
      const seen = new Set<string>();
      for (const entry of entries) {
        if (!entry.assignment.replicas.includes(this.options.brokerId)) continue;
        seen.add(shardKeyOf(entry.assignment));
        await this.apply(entry);
      }
      for (const key of this.replicas.keys()) {
        if (seen.has(key) || (streamId !== undefined && !key.startsWith(`${streamId}/`))) continue;
        await this.serially(key, async () => {
          await this.stopFetcher(key);
          (await this.replicas.get(key)?.catch(() => undefined))?.retire('no longer assigned here');
        });
      }
    };
    const next = (this.syncing ?? Promise.resolve()).then(run).catch((error) => this.options.onError?.(error as Error));
    this.syncing = next;
    return next;
  }

  async append(request: AppendRecordsRequest & { leaderEpoch?: number }): Promise<AppendRecordsResult> {
    const replica = await this.leading(request, request.leaderEpoch ?? 0);
    return replica.append(request.records, request.leaderEpoch ?? 0);
  }

  async read(request: ReadRecordsRequest): Promise<ReadRecordsResult> {
    const replica = await this.leading(request);
    const bounds = replica.bounds();
    const from = Math.max(request.fromOffset, bounds.startOffset);
    const available = Math.max(0, bounds.nextOffset - from);
    if (available === 0) return { records: [], ...bounds };
    return { records: replica.log.readViews(from, Math.min(request.maxRecords, available), request.maxBytes), ...bounds };
  }

  async bounds(address: ShardAddress): Promise<ShardBounds> {
    return (await this.leading(address)).bounds();
  }

  async offsetAtTimestamp(address: ShardAddress, timestampMs: number): Promise<number> {
    const replica = await this.leading(address);
    return Math.min(replica.log.offsetAtTimestamp(timestampMs), replica.bounds().nextOffset);
  }

  /** Fails (NotLeaderError) once this broker stops leading the shard: any change of leadership wakes the tail's wait. */
  tail(request: TailRequest, signal: AbortSignal): AsyncIterable<ReadRecordsResult> {
    return tailShard(this, request, signal);
  }

  /** Waits on the high watermark of a shard this broker leads; any change of leadership wakes the waiters. */
  async waitForRecords(address: ShardAddress, fromOffset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const replica = await this.leading(address);
    await this.waiters.wait(replica.key, fromOffset, replica.bounds().nextOffset, timeoutMs, signal);
  }

  async seal(address: ShardAddress): Promise<ShardBounds> {
    return (await this.leading(address)).seal();
  }

  async fetch(address: ShardAddress, followerId: string, leaderEpoch: number, fetchOffset: number, maxBytes: number, maxWaitMs: number): Promise<FetchAnswer> {
    const replica = await this.leading(address, leaderEpoch);
    return replica.fetch(followerId, leaderEpoch, fetchOffset, maxBytes, maxWaitMs);
  }

  async epochEnd(address: ShardAddress, leaderEpoch: number, epoch: number): Promise<{ epoch: number; endOffset: number } | undefined> {
    return (await this.leading(address, leaderEpoch)).epochEnd(leaderEpoch, epoch);
  }

  /**
   * The replica of a shard this broker leads. A caller that knows a newer epoch than this broker
   * makes it read the assignment again first: its own view may simply be late.
   */
  private async leading(address: ShardAddress, routedEpoch = 0): Promise<ShardReplica> {
    const key = shardKeyOf(address);
    let replica = await this.replicas.get(key)?.catch(() => undefined);
    if (!replica || replica.leaderEpoch < routedEpoch) {
      await this.sync(address.streamId);
      replica = await this.replicas.get(key)?.catch(() => undefined);
    }
    if (!replica) throw new NotLeaderError(key, 'this broker holds no copy');
    return replica;
  }

  private async apply(entry: VersionedAssignment): Promise<void> {
    const key = shardKeyOf(entry.assignment);
    await this.serially(key, async () => {
      const replica = await this.replica(entry.assignment);
      if (entry.version > (replica.assignmentVersion ?? 0)) {
        // A fetcher still appending must be gone before the copy takes another role.
        const a = entry.assignment;
        const fetcher = this.fetchers.get(key);
        if (fetcher && (fetcher.leader !== a.leader || fetcher.leaderEpoch !== a.leaderEpoch || !a.replicas.includes(this.options.brokerId))) {
          await this.stopFetcher(key);
        }
        await replica.adopt(entry);
        // Readers waiting on this broker must look again: it may no longer lead the shard.
        this.waiters.wakeAll(key);
      }
      // The replica may also have moved on by itself (a leader that handed over now follows):
      // the fetcher follows what the replica does, not only what this entry said.
      const current = replica.assignment;
      const fetcher = this.fetchers.get(key);
      if (replica.currentRole !== 'follower' || !current || current.leader === undefined) {
        await this.stopFetcher(key);
      } else if (!fetcher || fetcher.leader !== current.leader || fetcher.leaderEpoch !== current.leaderEpoch) {
        await this.stopFetcher(key);
        this.fetchers.set(
          key,
          new FollowerFetcher(replica, current.leader, current.leaderEpoch, {
            brokerId: this.options.brokerId,
            peers: this.peers,
            onStale: () => void this.sync(current.streamId),
            onError: this.options.onError,
          }),
        );
      }
    });
  }

  async trim(address: ShardAddress, cutoffMs: number): Promise<void> {
    await this.shards.trim(address, cutoffMs);
  }

  /** Drops this broker's copies of a stream incarnation (every broker is told; each drops its own). */
  async dropStream(streamId: string): Promise<void> {
    for (const key of [...this.replicas.keys()]) {
      if (!key.startsWith(`${streamId}/`)) continue;
      await this.serially(key, async () => {
        await this.stopFetcher(key);
        (await this.replicas.get(key)?.catch(() => undefined))?.retire('the stream was deleted');
        this.replicas.delete(key);
      });
    }
    await this.shards.dropStream(streamId);
  }

  private async stopFetcher(key: string): Promise<void> {
    const fetcher = this.fetchers.get(key);
    if (!fetcher) return;
    this.fetchers.delete(key);
    await fetcher.stop();
  }

  private replica(address: ShardAddress): Promise<ShardReplica> {
    const key = shardKeyOf(address);
    let opening = this.replicas.get(key);
    if (!opening) {
      opening = this.shards.openLog(address).then(
        (log) =>
          new ShardReplica({ streamId: address.streamId, shardId: address.shardId }, log, {
            brokerId: this.options.brokerId,
            settings: this.options.settings,
            assignments: this.assignments,
            holdsLease: this.options.holdsLease,
            now: this.options.now ?? Date.now,
            onHighWatermark: (key, hw) => this.waiters.advanced(key, hw),
          }),
      );
      opening.catch(() => this.replicas.delete(key));
      this.replicas.set(key, opening);
    }
    return opening;
  }

  /** One transition at a time per shard. */
  private serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}
