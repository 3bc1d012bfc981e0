import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssignmentStore, assignmentKey, encodeAssignment, type ShardAssignment } from '@spate/cluster';
import { LocalCoordinationStore } from '@spate/coordination';
import { ShardManager } from '../shard-manager';
import { ReplicaManager } from './replica-manager';
import { NotLeaderError, UncertainAppendError } from './replication-errors';
import type { ReplicationSettings } from './shard-replica';

const SHARD = { streamId: 'stream-1', shardId: 'shardId-000000000000' };
const OTHER = { streamId: 'stream-1', shardId: 'shardId-000000000001' };
const MAX_BYTES = 1 << 20;

const pause = (ms = 30) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await pause(5);
  }
}

interface Tracked<T> {
  readonly promise: Promise<T>;
  settled: boolean;
  error?: unknown;
}

/** Watches a promise without awaiting it (and without leaving its rejection unhandled). */
function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false };
  promise.then(
    () => Object.assign(tracked, { settled: true }),
    (error: unknown) => Object.assign(tracked, { settled: true, error }),
  );
  return tracked;
}

function put(...tags: string[]) {
  return { ...SHARD, records: tags.map((tag) => ({ partitionKey: `pk-${tag}`, data: Buffer.from(tag) })) };
}

/**
 * One broker's ReplicaManager over a real ShardManager and the shared in-memory store. No other
 * broker runs: a follower's fetches are the test's calls to the leader's fetch().
 */
describe('ReplicaManager', () => {
  let dir: string;
  let store: LocalCoordinationStore;
  let assignments: AssignmentStore;
  let shards: ShardManager;
  let manager: ReplicaManager;
  let now: number;
  let errors: Error[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spate-replicas-'));
    store = await LocalCoordinationStore.open();
    assignments = new AssignmentStore(store);
    shards = new ShardManager({ dataDir: dir, fsync: 'group' });
    now = 1_000_000;
    errors = [];
  });

  afterEach(async () => {
    await manager?.stop();
    await shards.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(settings: Partial<ReplicationSettings> = {}, resyncIntervalMs = 60_000): Promise<void> {
    manager = new ReplicaManager(store, shards, {
      brokerId: 'a',
      settings: { minInSyncReplicas: 2, replicaLagMaxMs: 10_000, ackTimeoutMs: 30_000, ...settings },
      holdsLease: () => true,
      resyncIntervalMs,
      onError: (error) => errors.push(error),
      now: () => now,
    });
    return manager.start();
  }

  async function assign(shard: { streamId: string; shardId: string }, leader: string, leaderEpoch: number, replicas: string[], isr = replicas): Promise<ShardAssignment> {
    const stored = await assignments.get(shard.streamId, shard.shardId);
    const assignment: ShardAssignment = { ...shard, replicas, isr, leader, leaderEpoch };
    if ((await assignments.write(assignment, stored?.version ?? 0)) === undefined) throw new Error('The assignment changed under the test');
    return assignment;
  }

  async function storedIsr(): Promise<string[] | undefined> {
    return (await assignments.get(SHARD.streamId, SHARD.shardId))?.assignment.isr;
  }

  it('leads the shards assigned to it, showing readers only what every in-sync copy holds', async () => {
    await assign(SHARD, 'a', 1, ['a', 'b']);
    await start();
    expect(await manager.leaderCount()).toBe(1);

    const appending = track(manager.append(put('r0')));
    await eventually('the record is written', async () => (await shards.bounds(SHARD)).nextOffset === 1);
    expect(await manager.read({ ...SHARD, fromOffset: 0, maxRecords: 10, maxBytes: MAX_BYTES })).toMatchObject({ records: [], nextOffset: 0 });
    expect(await manager.offsetAtTimestamp(SHARD, Date.now() + 60_000)).toBe(0);

    // b fetches the record, then acknowledges it with its next fetch.
    const fetched = await manager.fetch(SHARD, 'b', 1, 0, MAX_BYTES, 0);
    expect(fetched.records.map((r) => r.data.toString())).toEqual(['r0']);
    expect(appending.settled).toBe(false);
    await manager.fetch(SHARD, 'b', 1, 1, MAX_BYTES, 0);
    await expect(appending.promise).resolves.toMatchObject({ firstOffset: 0 });

    const read = await manager.read({ ...SHARD, fromOffset: 0, maxRecords: 10, maxBytes: MAX_BYTES });
    expect(read.records.map((r) => r.data.toString())).toEqual(['r0']);
    expect(await manager.bounds(SHARD)).toMatchObject({ startOffset: 0, nextOffset: 1 });
    expect(await manager.epochEnd(SHARD, 1, 1)).toEqual({ epoch: 1, endOffset: 1 });
  });

  it('answers NotLeaderError for a shard it follows and for one it holds no copy of', async () => {
    await assign(SHARD, 'b', 1, ['b', 'a']);
    await start();
    expect(await manager.leaderCount()).toBe(0);
    await expect(manager.append(put('r0'))).rejects.toBeInstanceOf(NotLeaderError);
    await expect(manager.read({ ...SHARD, fromOffset: 0, maxRecords: 10, maxBytes: MAX_BYTES })).rejects.toBeInstanceOf(NotLeaderError);
    await expect(manager.fetch(SHARD, 'c', 1, 0, MAX_BYTES, 0)).rejects.toBeInstanceOf(NotLeaderError);
    await expect(manager.bounds(OTHER)).rejects.toThrow(/holds no copy/);
    expect((await shards.bounds(SHARD)).nextOffset).toBe(0);
  });

  it('reads the assignment again when a caller knows a newer epoch than it does', async () => {
    await assign(SHARD, 'b', 1, ['b', 'a']);
    await start({ minInSyncReplicas: 1 });

    // The controller's write reaches the store, but its announcement never reaches this broker.
    const stored = await assignments.get(SHARD.streamId, SHARD.shardId);
    const moved: ShardAssignment = { ...SHARD, replicas: ['b', 'a'], isr: ['a'], leader: 'a', leaderEpoch: 2 };
    expect(await store.compareAndSet(assignmentKey(SHARD.streamId, SHARD.shardId), encodeAssignment(moved), stored?.version ?? 0)).toBeDefined();

    await expect(manager.append(put('r0'))).rejects.toBeInstanceOf(NotLeaderError);
    await expect(manager.append({ ...put('r0'), leaderEpoch: 2 })).resolves.toMatchObject({ firstOffset: 0 });
    expect(await manager.leaderCount()).toBe(1);
  });

  it('takes up leadership announced later, and retires a copy no longer assigned to it', async () => {
    await start();
    await assign(SHARD, 'a', 1, ['a', 'b']);
    await eventually('it leads the shard', async () => (await manager.leaderCount()) === 1);

    const appending = track(manager.append(put('r0')));
    await eventually('the record is written', async () => (await shards.bounds(SHARD)).nextOffset === 1);
    await assign(SHARD, 'b', 2, ['b', 'c']);
    await eventually('the waiting append settles', () => appending.settled);
    expect(appending.error).toBeInstanceOf(UncertainAppendError);
    expect(await manager.leaderCount()).toBe(0);
    await expect(manager.append(put('r1'))).rejects.toBeInstanceOf(NotLeaderError);
  });

  it('drops followers that stopped fetching from the in-sync set on its resync timer', async () => {
    await assign(SHARD, 'a', 1, ['a', 'b']);
    await start({ minInSyncReplicas: 1, replicaLagMaxMs: 1_000 }, 20);
    const appending = track(manager.append(put('r0')));
    await pause(60);
    expect(appending.settled).toBe(false);
    expect(await storedIsr()).toEqual(['a', 'b']);

    now += 1_001;
    await eventually('b leaves the in-sync set', async () => (await storedIsr())?.length === 1);
    expect(await storedIsr()).toEqual(['a']);
    await expect(appending.promise).resolves.toMatchObject({ firstOffset: 0 });
  });

  it('retires its copies when it stops: appends still waiting become uncertain', async () => {
    await assign(SHARD, 'a', 1, ['a', 'b']);
    await start();
    const appending = track(manager.append(put('r0')));
    await eventually('the record is written', async () => (await shards.bounds(SHARD)).nextOffset === 1);
    await manager.stop();
    await expect(appending.promise).rejects.toBeInstanceOf(UncertainAppendError);
  });

  it('drops its copies and logs of a deleted stream', async () => {
    await assign(SHARD, 'a', 1, ['a']);
    await start();
    await expect(manager.append(put('r0'))).resolves.toMatchObject({ firstOffset: 0 });
    const entry = await assignments.get(SHARD.streamId, SHARD.shardId);
    expect(await assignments.remove(SHARD.streamId, SHARD.shardId, entry?.version ?? 0)).toBe(true);
    await manager.dropStream(SHARD.streamId);
    expect(await shards.storedStreamIds()).toEqual([]);
    await expect(manager.append(put('r1'))).rejects.toThrow(/holds no copy/);
    expect(errors).toEqual([]);
  });
});
