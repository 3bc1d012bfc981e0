import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AssignmentStore, type ShardAssignment, type VersionedAssignment } from '@spate/cluster';
import { LocalCoordinationStore } from '@spate/coordination';
import { LogSealedError, ShardLog, type LogRecordInput, type RecordView, type ShardLogOptions } from '@spate/log-store';
import { NotEnoughReplicasError, NotLeaderError, UncertainAppendError } from './replication-errors';
import { ShardReplica, type FetchAnswer, type ReplicationSettings } from './shard-replica';

const SHARD = { streamId: 'stream-1', shardId: 'shardId-000000000000' };
const MAX_BYTES = 1 << 20;

/** One broker's copy of the shard. Nothing runs on its own: every fetch is a call the test makes. */
interface Broker {
  id: string;
  replica: ShardReplica;
  log: ShardLog;
  lease: { held: boolean };
  settings: ReplicationSettings;
}

/** Records whose data is their tag, so logs compare by eye. */
function records(...tags: string[]): LogRecordInput[] {
  return tags.map((tag) => ({ partitionKey: `pk-${tag}`, data: Buffer.from(tag) }));
}

/** [offset, data] of every record the log holds. */
function contents(log: ShardLog): [number, string][] {
  return log.read(log.startOffset, 100_000, 1 << 30).map((r) => [r.offset, r.data.toString()]);
}

/** A fetched record as the gRPC answer carries it (see FollowerFetcher). */
function plain(view: RecordView): { offset: number; arrivalMs: number; partitionKey: string; explicitHashKey?: string; data: Buffer } {
  return { offset: view.offset, arrivalMs: view.arrivalMs, partitionKey: view.partitionKey, explicitHashKey: view.explicitHashKey, data: Buffer.from(view.data) };
}

interface Tracked<T> {
  readonly promise: Promise<T>;
  settled: boolean;
  value?: T;
  error?: unknown;
}

/** Watches a promise without awaiting it (and without leaving its rejection unhandled). */
function track<T>(promise: Promise<T>): Tracked<T> {
  const tracked: Tracked<T> = { promise, settled: false };
  promise.then(
    (value) => Object.assign(tracked, { settled: true, value }),
    (error: unknown) => Object.assign(tracked, { settled: true, error }),
  );
  return tracked;
}

const pause = (ms = 30) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await pause(5);
  }
}

describe('ShardReplica', () => {
  let dir: string;
  let store: LocalCoordinationStore;
  let assignments: AssignmentStore;
  let now: number;
  let brokers: Broker[];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spate-replica-'));
    store = await LocalCoordinationStore.open();
    assignments = new AssignmentStore(store);
    now = 1_000_000;
    brokers = [];
  });

  afterEach(async () => {
    // Retiring rejects whatever still waits for a commit, and clears its ack timer.
    for (const broker of brokers) broker.replica.retire('the test is over');
    await Promise.all(brokers.map((broker) => broker.log.close()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function broker(id: string, settings: Partial<ReplicationSettings> = {}, logOptions: Partial<ShardLogOptions> = {}): Promise<Broker> {
    const log = await ShardLog.open({ dir: path.join(dir, id), fsync: 'group', ...logOptions });
    const lease = { held: true };
    const resolved: ReplicationSettings = { minInSyncReplicas: 2, replicaLagMaxMs: 10_000, ackTimeoutMs: 30_000, ...settings };
    const replica = new ShardReplica(SHARD, log, { brokerId: id, settings: resolved, assignments, holdsLease: () => lease.held, now: () => now });
    const created = { id, replica, log, lease, settings: resolved };
    brokers.push(created);
    return created;
  }

  /** Writes the shard's assignment as the controller does: compare-and-set on the stored version. */
  async function assign(leader: string | undefined, leaderEpoch: number, replicas: string[], isr = replicas): Promise<VersionedAssignment> {
    const stored = await assignments.get(SHARD.streamId, SHARD.shardId);
    const assignment: ShardAssignment = { ...SHARD, replicas, isr, leader, leaderEpoch };
    const version = await assignments.write(assignment, stored?.version ?? 0);
    if (version === undefined) throw new Error('The assignment changed under the test');
    return { assignment, version };
  }

  async function adopt(assignment: VersionedAssignment, ...on: Broker[]): Promise<void> {
    for (const b of on) await b.replica.adopt(assignment);
  }

  async function stored(): Promise<VersionedAssignment> {
    const found = await assignments.get(SHARD.streamId, SHARD.shardId);
    if (!found) throw new Error('No assignment stored');
    return found;
  }

  /** One round of FollowerFetcher's loop: fetch after the durable end, apply the answer. */
  async function fetchInto(follower: Broker, leader: Broker, maxBytes = MAX_BYTES): Promise<FetchAnswer> {
    const answer = await leader.replica.fetch(follower.id, follower.replica.leaderEpoch, follower.log.durableOffset, maxBytes, 0);
    await follower.replica.applyFetched({ ...answer, records: answer.records.map(plain) });
    return answer;
  }

  /** Fetches until the follower holds the leader's log, then once more so that the leader hears it. */
  async function catchUp(follower: Broker, leader: Broker): Promise<void> {
    while (follower.log.nextOffset < leader.log.nextOffset) await fetchInto(follower, leader);
    await fetchInto(follower, leader);
  }

  function truncateToLeader(follower: Broker, leader: Broker): Promise<void> {
    return follower.replica.truncateToLeader(async (epoch) => leader.replica.epochEnd(follower.replica.leaderEpoch, epoch));
  }

  describe('committing appends', () => {
    it('acknowledges an append once every in-sync follower has fetched past it, and shows readers nothing above that', async () => {
      const [a, b, c] = [await broker('a'), await broker('b'), await broker('c')];
      await adopt(await assign('a', 1, ['a', 'b', 'c']), a, b, c);

      const put = track(a.replica.append(records('r0', 'r1'), 1));
      await eventually('the leader holds the records durably', () => a.log.durableOffset === 2);
      expect([a.replica.highWatermark, a.replica.bounds().nextOffset]).toEqual([0, 0]);

      // b copies the records; holding them acknowledges nothing until its next fetch says so.
      expect((await fetchInto(b, a)).records).toHaveLength(2);
      expect(contents(b.log)).toEqual([
        [0, 'r0'],
        [1, 'r1'],
      ]);
      await pause();
      expect(put.settled).toBe(false);
      expect(a.replica.highWatermark).toBe(0);

      await fetchInto(b, a);
      await pause();
      expect(put.settled).toBe(false);
      expect([a.replica.highWatermark, a.replica.bounds().nextOffset]).toEqual([0, 0]);

      await fetchInto(c, a);
      expect(put.settled).toBe(false);
      const answer = await fetchInto(c, a);
      expect(answer.highWatermark).toBe(2);
      expect(await put.promise).toMatchObject({ firstOffset: 0 });
      expect(a.replica.highWatermark).toBe(2);
      expect(a.replica.bounds()).toMatchObject({ startOffset: 0, nextOffset: 2 });
    });

    it('moves the high watermark to the lowest offset every in-sync follower has fetched past, completing appends in order', async () => {
      const [a, b, c] = [await broker('a'), await broker('b'), await broker('c')];
      await adopt(await assign('a', 1, ['a', 'b', 'c']), a, b, c);

      const first = track(a.replica.append(records('r0'), 1));
      const second = track(a.replica.append(records('r1', 'r2'), 1));
      const third = track(a.replica.append(records('r3'), 1));
      await eventually('the leader holds the records durably', () => a.log.durableOffset === 4);

      await catchUp(b, a);
      // c gets one record per fetch.
      await fetchInto(c, a, 1);
      await fetchInto(c, a, 1);
      await fetchInto(c, a, 1);
      expect(c.log.nextOffset).toBe(3);
      await expect(first.promise).resolves.toMatchObject({ firstOffset: 0 });
      expect(a.replica.highWatermark).toBe(2);
      expect(a.replica.bounds().nextOffset).toBe(2);
      await pause();
      expect([second.settled, third.settled]).toEqual([false, false]);

      await fetchInto(c, a, 1);
      await expect(second.promise).resolves.toMatchObject({ firstOffset: 1 });
      expect(a.replica.highWatermark).toBe(3);
      await pause();
      expect(third.settled).toBe(false);

      await fetchInto(c, a);
      await expect(third.promise).resolves.toMatchObject({ firstOffset: 3 });
      expect(a.replica.bounds().nextOffset).toBe(4);
    });

    it('acknowledges an append to a single-replica shard once it is durable locally', async () => {
      const a = await broker('a', { minInSyncReplicas: 2 });
      await adopt(await assign('a', 1, ['a']), a);

      const put = a.replica.append(records('r0', 'r1'), 1);
      // Written at once, but not shown before it is synced.
      expect(a.log.nextOffset).toBe(2);
      expect(a.replica.bounds().nextOffset).toBe(0);
      const appended = await put;
      expect(appended.firstOffset).toBe(0);
      expect(a.log.durableOffset).toBe(2);
      expect(a.replica.highWatermark).toBe(2);
      expect(a.replica.bounds()).toMatchObject({ startOffset: 0, nextOffset: 2, lastArrivalMs: appended.arrivalMs });
    });

    it('completes an append waiting for a follower once the controller takes that follower out of the in-sync set', async () => {
      const [a, b] = [await broker('a', { minInSyncReplicas: 1 }), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const put = track(a.replica.append(records('r0'), 1));
      await pause();
      expect(put.settled).toBe(false);

      await adopt(await assign('a', 1, ['a', 'b'], ['a']), a);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 0 });
      expect(a.replica.isLeader).toBe(true);
    });
  });

  describe('refusals', () => {
    it('refuses appends on a follower, from a caller that knows a newer epoch, and without the membership lease, writing nothing', async () => {
      const [a, b, outsider] = [await broker('a'), await broker('b'), await broker('x')];
      const assignment = await assign('a', 1, ['a', 'b']);
      await adopt(assignment, a, b, outsider);

      await expect(b.replica.append(records('r'), 1)).rejects.toBeInstanceOf(NotLeaderError);
      await expect(outsider.replica.append(records('r'), 1)).rejects.toBeInstanceOf(NotLeaderError);
      await expect(a.replica.append(records('r'), 2)).rejects.toBeInstanceOf(NotLeaderError);
      expect(() => a.replica.bounds(2)).toThrow(NotLeaderError);

      a.lease.held = false;
      await expect(a.replica.append(records('r'), 1)).rejects.toBeInstanceOf(NotLeaderError);
      expect(() => a.replica.bounds()).toThrow(NotLeaderError);
      await expect(a.replica.fetch('b', 1, 0, MAX_BYTES, 0)).rejects.toBeInstanceOf(NotLeaderError);
      expect([a.log.nextOffset, b.log.nextOffset, outsider.log.nextOffset]).toEqual([0, 0, 0]);

      // A caller that knows no epoch (0), or an older one, is served.
      a.lease.held = true;
      const put = track(a.replica.append(records('r'), 0));
      await eventually('the leader wrote the record', () => a.log.nextOffset === 1);
      await catchUp(b, a);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 0 });
    });

    it('refuses appends while the in-sync set is smaller than min(minInSyncReplicas, replicas), writing nothing', async () => {
      const a = await broker('a', { minInSyncReplicas: 3 });
      const refused = async (replicas: string[], isr: string[]) => {
        await adopt(await assign('a', 1, replicas, isr), a);
        const before = a.log.nextOffset;
        const put = track(a.replica.append(records('r'), 1));
        await pause(5);
        const wrote = a.log.nextOffset > before;
        return { refused: put.error instanceof NotEnoughReplicasError, wrote };
      };
      expect(await refused(['a', 'b', 'c'], ['a', 'b'])).toEqual({ refused: true, wrote: false });
      expect(await refused(['a', 'b'], ['a'])).toEqual({ refused: true, wrote: false });
      // Two replicas need only two in-sync copies, whatever minInSyncReplicas says.
      expect(await refused(['a', 'b'], ['a', 'b'])).toEqual({ refused: false, wrote: true });

      a.settings.minInSyncReplicas = 2;
      expect(await refused(['a', 'b', 'c'], ['a', 'b'])).toEqual({ refused: false, wrote: true });
      expect(await refused(['a', 'b', 'c'], ['a'])).toEqual({ refused: true, wrote: false });
    });

    it('refuses fetches from a follower at another epoch, from a broker without a copy, and past the leader’s log end', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 2, ['a', 'b']), a, b);
      await expect(a.replica.fetch('b', 1, 0, MAX_BYTES, 0)).rejects.toBeInstanceOf(NotLeaderError);
      await expect(a.replica.fetch('b', 3, 0, MAX_BYTES, 0)).rejects.toBeInstanceOf(NotLeaderError);
      await expect(a.replica.fetch('x', 2, 0, MAX_BYTES, 0)).rejects.toBeInstanceOf(NotLeaderError);
      await expect(a.replica.fetch('b', 2, 1, MAX_BYTES, 0)).rejects.toThrow(/truncate first/);
      expect(() => a.replica.epochEnd(1, 1)).toThrow(NotLeaderError);
      await expect(a.replica.fetch('b', 2, 0, MAX_BYTES, 0)).resolves.toMatchObject({ records: [], highWatermark: 0 });
    });
  });

  describe('uncertain outcomes', () => {
    it('rejects appends waiting for followers with UncertainAppendError when leadership moves elsewhere', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const put = track(a.replica.append(records('r0'), 1));
      await eventually('the leader holds the record durably', () => a.log.durableOffset === 1);
      await fetchInto(b, a); // b has it, but never says so
      await pause();
      expect(put.settled).toBe(false);

      const moved = await assign('b', 2, ['a', 'b']);
      await adopt(moved, b, a);
      await expect(put.promise).rejects.toBeInstanceOf(UncertainAppendError);
      expect(a.replica.isLeader).toBe(false);
      await expect(a.replica.append(records('r1'), 2)).rejects.toBeInstanceOf(NotLeaderError);
    });

    it('rejects, and never later acknowledges, an append whose own write was still in progress when leadership moved', async () => {
      const [a, b] = [await broker('a', { minInSyncReplicas: 1 }), await broker('b', { minInSyncReplicas: 1 })];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const moved = await assign('b', 2, ['a', 'b'], ['b']);

      // The leader change arrives in the same turn as the append, before its write is synced.
      const put = track(a.replica.append(records('lost'), 1));
      const stepping = a.replica.adopt(moved);
      await stepping;
      await adopt(moved, b);
      await eventually('the cut-off append is rejected', () => put.settled, 1_000).catch(() => undefined);

      // b, which never had the record, takes an append at the same offset; a copies it.
      await expect(b.replica.append(records('kept'), 2)).resolves.toMatchObject({ firstOffset: 0 });
      await truncateToLeader(a, b);
      await catchUp(a, b);
      expect(contents(a.log)).toEqual([[0, 'kept']]);

      // a leads again, and its high watermark passes offset 0, which now holds another record.
      await adopt(await assign('a', 3, ['a', 'b'], ['a']), a);
      await expect(a.replica.append(records('next'), 3)).resolves.toMatchObject({ firstOffset: 1 });
      expect(a.replica.highWatermark).toBe(2);
      expect(put.settled).toBe(true);
      expect(put.error).toBeInstanceOf(UncertainAppendError);
    });

    it('does not count fetches from an earlier term when a broker leads again', async () => {
      const a = await broker('a', {}, { fsync: 'os' });
      const [b, c] = [await broker('b'), await broker('c')];
      await adopt(await assign('a', 1, ['a', 'b', 'c']), a, b, c);
      const committed = a.replica.append(records('r0'), 1);
      await catchUp(b, a);
      await catchUp(c, a);
      await committed;
      // r1 and r2 reach b (which acknowledges them), never c.
      const uncommitted = track(a.replica.append(records('r1', 'r2'), 1));
      await catchUp(b, a);
      expect(a.replica.highWatermark).toBe(1);

      // c leads epoch 2 and writes its own offset 1; a follows it.
      const second = await assign('c', 2, ['a', 'b', 'c']);
      await adopt(second, c, a, b);
      await expect(uncommitted.promise).rejects.toBeInstanceOf(UncertainAppendError);
      const fromC = track(c.replica.append(records('c1'), 2));
      await truncateToLeader(a, c);
      await catchUp(a, c);
      expect(contents(a.log)).toEqual([
        [0, 'r0'],
        [1, 'c1'],
      ]);

      // a leads epoch 3 with b, which still holds r1 and r2 and has fetched nothing from anyone since.
      const third = await assign('a', 3, ['a', 'b', 'c'], ['a', 'b']);
      const leading = a.replica.adopt(third);
      const put = track(a.replica.append(records('a2'), 3));
      await leading;
      await pause();
      expect(contents(b.log)).toEqual([
        [0, 'r0'],
        [1, 'r1'],
        [2, 'r2'],
      ]);
      expect(put.settled).toBe(false);
      expect(a.replica.highWatermark).toBeLessThanOrEqual(1);

      await adopt(third, b, c);
      await expect(fromC.promise).rejects.toBeInstanceOf(UncertainAppendError);
      await truncateToLeader(b, a);
      await catchUp(b, a);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 2 });
      expect(contents(b.log)).toEqual(contents(a.log));
    });

    it('rejects an append committed after the membership lease ran out with UncertainAppendError', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const put = track(a.replica.append(records('r0'), 1));
      await eventually('the leader holds the record durably', () => a.log.durableOffset === 1);
      await fetchInto(b, a);
      // The acknowledging fetch is served, and the lease runs out before the append hears of it.
      const acknowledging = a.replica.fetch('b', 1, 1, MAX_BYTES, 0);
      a.lease.held = false;
      await acknowledging;
      expect(a.replica.highWatermark).toBe(1);
      await expect(put.promise).rejects.toBeInstanceOf(UncertainAppendError);
    });

    it('rejects an append not committed within ackTimeoutMs with UncertainAppendError', async () => {
      const [a, b] = [await broker('a', { ackTimeoutMs: 50 }), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const started = Date.now();
      await expect(a.replica.append(records('r0'), 1)).rejects.toBeInstanceOf(UncertainAppendError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(45);
      // It was written, and commits like any other record once b holds it.
      await catchUp(b, a);
      expect(a.replica.highWatermark).toBe(1);
    });
  });

  describe('the in-sync set', () => {
    it('drops a follower that has not caught up for replicaLagMaxMs, commits without it once the store has that, and takes it back when it catches up', async () => {
      const [a, b, c] = [await broker('a', { replicaLagMaxMs: 1_000 }), await broker('b'), await broker('c')];
      const initial = await assign('a', 1, ['a', 'b', 'c']);
      await adopt(initial, a, b, c);
      const put = track(a.replica.append(records('r0'), 1));
      await eventually('the leader holds the record durably', () => a.log.durableOffset === 1);
      // c fetches, but never gets further than where it started.
      await a.replica.fetch('c', 1, 0, MAX_BYTES, 0);
      await catchUp(b, a);

      now += 1_000;
      await fetchInto(b, a);
      await a.replica.fetch('c', 1, 0, MAX_BYTES, 0);
      a.replica.checkFollowers();
      await pause();
      expect((await stored()).version).toBe(initial.version);
      expect(put.settled).toBe(false);

      now += 1;
      await fetchInto(b, a);
      a.replica.checkFollowers();
      // Not counted without c before the store holds the smaller set.
      expect(a.replica.highWatermark).toBe(0);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 0 });
      expect((await stored()).assignment).toMatchObject({ isr: ['a', 'b'], replicas: ['a', 'b', 'c'], leader: 'a', leaderEpoch: 1 });
      expect(a.replica.assignment?.isr).toEqual(['a', 'b']);
      expect(a.replica.highWatermark).toBe(1);

      // Without c, b's acknowledgement is enough.
      const withoutC = a.replica.append(records('r1'), 1);
      await catchUp(b, a);
      await expect(withoutC).resolves.toMatchObject({ firstOffset: 1 });

      // c catches up and is back in the set; from then on appends wait for it again.
      await catchUp(c, a);
      await eventually('c is back in the in-sync set', () => a.replica.assignment?.isr.includes('c') === true);
      expect((await stored()).assignment.isr).toEqual(['a', 'b', 'c']);
      const withC = track(a.replica.append(records('r2'), 1));
      await catchUp(b, a);
      await pause();
      expect(withC.settled).toBe(false);
      await catchUp(c, a);
      await expect(withC.promise).resolves.toMatchObject({ firstOffset: 2 });
      expect(contents(c.log)).toEqual(contents(a.log));
    });

    it('loses an in-sync set change to a controller write it has not seen, and keeps waiting for the follower', async () => {
      const [a, b, c] = [await broker('a', { replicaLagMaxMs: 1_000 }), await broker('b'), await broker('c')];
      await adopt(await assign('a', 1, ['a', 'b', 'c']), a, b, c);
      const put = track(a.replica.append(records('r0'), 1));
      await eventually('the leader holds the record durably', () => a.log.durableOffset === 1);
      await catchUp(b, a);

      const controllers = await assign('a', 1, ['a', 'b', 'c', 'd'], ['a', 'b', 'c']);
      now += 1_001;
      await fetchInto(b, a);
      a.replica.checkFollowers();
      await pause();
      expect(await stored()).toEqual(controllers);
      expect(put.settled).toBe(false);
      expect(a.replica.highWatermark).toBe(0);

      await adopt(controllers, a);
      a.replica.checkFollowers();
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 0 });
      expect((await stored()).assignment).toMatchObject({ replicas: ['a', 'b', 'c', 'd'], isr: ['a', 'b'] });
    });
  });

  describe('leader changes', () => {
    it('truncates a deposed leader to where its log diverged from the new leader’s, then copies the new leader (KIP-101)', async () => {
      const [l1, f] = [await broker('l1'), await broker('f')];
      await adopt(await assign('l1', 1, ['l1', 'f']), l1, f);

      const committed = l1.replica.append(records('a0', 'a1', 'a2'), 1);
      await catchUp(f, l1);
      await committed;
      // b3 reaches f (unacknowledged); b4 and c5 never do.
      const partly = track(l1.replica.append(records('b3', 'b4'), 1));
      const unseen = track(l1.replica.append(records('c5'), 1));
      await eventually('l1 holds its records durably', () => l1.log.durableOffset === 6);
      await fetchInto(f, l1, 1);
      expect(contents(f.log).map(([, data]) => data)).toEqual(['a0', 'a1', 'a2', 'b3']);
      expect(l1.replica.highWatermark).toBe(3);

      // f leads epoch 2 and appends what l1 never had.
      const second = await assign('f', 2, ['l1', 'f']);
      await adopt(second, f, l1);
      await expect(partly.promise).rejects.toBeInstanceOf(UncertainAppendError);
      await expect(unseen.promise).rejects.toBeInstanceOf(UncertainAppendError);
      const fresh = track(f.replica.append(records('x4', 'x5', 'x6'), 2));

      // l1 keeps what f has of epoch 1 (through b3), drops b4 and c5, and copies epoch 2.
      await truncateToLeader(l1, f);
      expect(contents(l1.log).map(([, data]) => data)).toEqual(['a0', 'a1', 'a2', 'b3']);
      expect(l1.log.epochs.entries()).toEqual([{ epoch: 1, startOffset: 0 }]);
      await catchUp(l1, f);
      await expect(fresh.promise).resolves.toMatchObject({ firstOffset: 4 });

      expect(contents(f.log)).toEqual([
        [0, 'a0'],
        [1, 'a1'],
        [2, 'a2'],
        [3, 'b3'],
        [4, 'x4'],
        [5, 'x5'],
        [6, 'x6'],
      ]);
      expect(contents(l1.log)).toEqual(contents(f.log));
      expect(l1.log.read(0, 100, MAX_BYTES).map((r) => [r.partitionKey, r.arrivalMs])).toEqual(f.log.read(0, 100, MAX_BYTES).map((r) => [r.partitionKey, r.arrivalMs]));
      expect(f.log.epochs.entries()).toEqual([
        { epoch: 1, startOffset: 0 },
        { epoch: 2, startOffset: 4 },
      ]);
      expect(l1.log.epochs.entries()).toEqual(f.log.epochs.entries());
      expect(f.replica.bounds(2)).toMatchObject({ nextOffset: 7 });
    });

    it('truncates a copy whose latest epoch the new leader never saw to where their common epoch ends (KIP-279)', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const committed = a.replica.append(records('x0', 'x1'), 1);
      await catchUp(b, a);
      await committed;

      // a leads again at epoch 2 and writes records b never fetches.
      await adopt(await assign('a', 2, ['a', 'b']), a, b);
      const lost = track(a.replica.append(records('y2', 'y3'), 2));
      await eventually('a holds its records durably', () => a.log.durableOffset === 4);
      expect(a.log.epochs.entries()).toEqual([
        { epoch: 1, startOffset: 0 },
        { epoch: 2, startOffset: 2 },
      ]);

      // b leads epoch 3 without ever having seen epoch 2.
      const third = await assign('b', 3, ['a', 'b']);
      await adopt(third, b, a);
      await expect(lost.promise).rejects.toBeInstanceOf(UncertainAppendError);
      const put = track(b.replica.append(records('z2'), 3));
      await truncateToLeader(a, b);
      expect(contents(a.log)).toEqual([
        [0, 'x0'],
        [1, 'x1'],
      ]);
      await catchUp(a, b);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 2 });
      expect(contents(a.log)).toEqual(contents(b.log));
      expect(a.log.epochs.entries()).toEqual([
        { epoch: 1, startOffset: 0 },
        { epoch: 3, startOffset: 2 },
      ]);
      expect(a.log.epochs.entries()).toEqual(b.log.epochs.entries());
    });

    it('keeps only its own part of the common epoch when that part ended before the leader’s (KIP-279)', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const committed = a.replica.append(records('r0', 'r1'), 1);
      await catchUp(b, a);
      await committed;
      const unseen = track(a.replica.append(records('r2', 'r3'), 1));
      await eventually('a holds its records durably', () => a.log.durableOffset === 4);

      // b leads epoch 2 without r2 and r3, and writes its own offsets 2 and 3; a never follows it.
      await adopt(await assign('b', 2, ['a', 'b']), b, a);
      await expect(unseen.promise).rejects.toBeInstanceOf(UncertainAppendError);
      const lost = track(b.replica.append(records('b2', 'b3'), 2));
      await eventually('b holds its records durably', () => b.log.durableOffset === 4);

      // a leads epoch 3 with all it wrote at epoch 1, which for a ends at 4 and for b at 2.
      const third = await assign('a', 3, ['a', 'b']);
      await adopt(third, a, b);
      await expect(lost.promise).rejects.toBeInstanceOf(UncertainAppendError);
      const put = track(a.replica.append(records('a4'), 3));
      await truncateToLeader(b, a);
      expect(contents(b.log)).toEqual([
        [0, 'r0'],
        [1, 'r1'],
      ]);
      await catchUp(b, a);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 4 });
      expect(contents(b.log).map(([, data]) => data)).toEqual(['r0', 'r1', 'r2', 'r3', 'a4']);
      expect(contents(b.log)).toEqual(contents(a.log));
      expect(b.log.epochs.entries()).toEqual([
        { epoch: 1, startOffset: 0 },
        { epoch: 3, startOffset: 4 },
      ]);
      expect(b.log.epochs.entries()).toEqual(a.log.epochs.entries());
    });

    it('starts leading from the high watermark it last heard as a follower, never from records it merely holds', async () => {
      const [a, b, c] = [await broker('a'), await broker('b'), await broker('c')];
      await adopt(await assign('a', 1, ['a', 'b', 'c']), a, b, c);
      const committed = a.replica.append(records('r0'), 1);
      await catchUp(b, a);
      await catchUp(c, a);
      await committed;
      const uncommitted = track(a.replica.append(records('r1'), 1));
      await catchUp(b, a);
      // b holds r1 and has heard of the high watermark 1 only.
      expect(b.log.nextOffset).toBe(2);

      await adopt(await assign('b', 2, ['a', 'b', 'c']), b, a, c);
      await expect(uncommitted.promise).rejects.toBeInstanceOf(UncertainAppendError);
      expect(b.replica.highWatermark).toBe(1);
      expect(b.replica.bounds(2)).toMatchObject({ nextOffset: 1 });
      await catchUp(c, b);
      expect(b.replica.highWatermark).toBe(1);
      await catchUp(a, b);
      expect(b.replica.highWatermark).toBe(2);
    });
  });

  describe('fetch answers', () => {
    it('answers a follower whose next records retention removed with the leader’s log start, where the follower starts over', async () => {
      const [a, b] = [await broker('a', { minInSyncReplicas: 1 }), await broker('b')];
      // b is a new copy, not yet in sync.
      await adopt(await assign('a', 1, ['a', 'b'], ['a']), a, b);
      await a.replica.append(records('r0', 'r1', 'r2'), 1);
      await a.log.trim(Date.now() + 1);
      expect([a.log.startOffset, a.log.nextOffset]).toEqual([3, 3]);

      const empty = await fetchInto(b, a);
      expect(empty).toMatchObject({ records: [], logStartOffset: 3 });
      expect([b.log.startOffset, b.log.nextOffset]).toEqual([3, 3]);

      await a.replica.append(records('r3', 'r4'), 1);
      const answer = await fetchInto(b, a);
      expect(answer.records.map((r) => r.offset)).toEqual([3, 4]);
      expect(contents(b.log)).toEqual([
        [3, 'r3'],
        [4, 'r4'],
      ]);
      expect(b.log.epochs.entries()).toEqual(a.log.epochs.entries());

      // Caught up, b joins the in-sync set.
      await fetchInto(b, a);
      await eventually('b is in the in-sync set', async () => (await stored()).assignment.isr.includes('b'));
    });

    it('answers a follower behind the leader’s log start with records from there, where the follower restarts', async () => {
      const [a, b] = [await broker('a', { minInSyncReplicas: 1 }), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b'], ['a']), a, b);
      await a.replica.append(records('r0'), 1);
      await fetchInto(b, a);
      expect(contents(b.log)).toEqual([[0, 'r0']]);
      await a.replica.append(records('r1', 'r2'), 1);
      await a.log.restartAt(5);
      await a.replica.append(records('s5', 's6'), 1);

      const answer = await fetchInto(b, a);
      expect(answer.logStartOffset).toBe(5);
      expect(answer.records.map((r) => r.offset)).toEqual([5, 6]);
      expect([b.log.startOffset, b.log.nextOffset]).toEqual([5, 7]);
      expect(contents(b.log)).toEqual([
        [5, 's5'],
        [6, 's6'],
      ]);
      expect(b.log.epochs.entries()).toEqual(a.log.epochs.entries());
    });

    it('tells a follower the log is sealed once it has fetched everything, and seals only when every in-sync copy holds it all', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const committed = a.replica.append(records('r0', 'r1'), 1);
      await fetchInto(b, a);
      // At the log end, but the log is not sealed yet.
      expect(await fetchInto(b, a)).toMatchObject({ records: [], sealed: false });
      await committed;

      const put = track(a.replica.append(records('r2'), 1));
      const sealing = track(a.replica.seal());
      await expect(a.replica.append(records('late'), 1)).rejects.toBeInstanceOf(LogSealedError);
      await pause();
      expect(a.log.sealed).toBe(true);
      expect(sealing.settled).toBe(false);

      const first = await fetchInto(b, a);
      expect(first.records.map((r) => r.offset)).toEqual([2]);
      expect(first.sealed).toBe(false);
      expect(b.log.sealed).toBe(false);

      const last = await fetchInto(b, a);
      expect(last).toMatchObject({ records: [], sealed: true, highWatermark: 3 });
      expect(b.log.sealed).toBe(true);
      await expect(sealing.promise).resolves.toMatchObject({ startOffset: 0, nextOffset: 3 });
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 2 });
      expect(contents(b.log)).toEqual(contents(a.log));
    });

    it('holds a fetch at the log end until an append arrives, and hands over records the leader has not yet synced', async () => {
      const [a, b] = [await broker('a'), await broker('b')];
      await adopt(await assign('a', 1, ['a', 'b']), a, b);
      const waiting = track(a.replica.fetch('b', 1, 0, MAX_BYTES, 5_000));
      await pause();
      expect(waiting.settled).toBe(false);

      const put = track(a.replica.append(records('r0'), 1));
      const answer = await waiting.promise;
      expect(answer.records.map((r) => r.data.toString())).toEqual(['r0']);
      expect(answer.epochs).toEqual([{ epoch: 1, startOffset: 0 }]);
      await b.replica.applyFetched({ ...answer, records: answer.records.map(plain) });
      await fetchInto(b, a);
      await expect(put.promise).resolves.toMatchObject({ firstOffset: 0 });
    });
  });

  describe('handing leadership over (a routine move)', () => {
    it('refuses new appends, commits the ones it took, then writes the next term with the target as leader', async () => {
      const l = await broker('b1');
      const f = await broker('b2');
      const first = await assign('b1', 1, ['b1', 'b2']);
      await adopt(first, l, f);
      const pending = track(l.replica.append(records('a'), 1));
      await eventually('the record is in the leader log', () => l.log.nextOffset === 1);

      // The controller asks for the move: same epoch, a transfer target.
      const asked = await stored();
      const transfer: ShardAssignment = { ...asked.assignment, transferTo: 'b2', transferRequestedMs: now };
      const version = await assignments.write(transfer, asked.version);
      await l.replica.adopt({ assignment: transfer, version: version! });
      await expect(l.replica.append(records('b'), 1)).rejects.toBeInstanceOf(NotLeaderError);
      expect(pending.settled).toBe(false);

      // The follower keeps fetching from the old leader: the pending append commits, then the leader hands over.
      await fetchInto(f, l);
      await fetchInto(f, l);
      await pending.promise;
      await eventually('the leader wrote the next term', async () => (await stored()).assignment.leader === 'b2');
      const after = (await stored()).assignment;
      expect(after).toMatchObject({ leader: 'b2', leaderEpoch: 2 });
      expect(after.transferTo).toBeUndefined();
      expect(l.replica.isLeader).toBe(false);
      expect(contents(f.log)).toEqual([[0, 'a']]);
    });

    it('writes nothing when the move was cancelled before its appends committed', async () => {
      const l = await broker('b1');
      const f = await broker('b2');
      await adopt(await assign('b1', 1, ['b1', 'b2']), l, f);
      const pending = track(l.replica.append(records('a'), 1));
      await eventually('the record is in the leader log', () => l.log.nextOffset === 1);
      const asked = await stored();
      const transfer: ShardAssignment = { ...asked.assignment, transferTo: 'b2', transferRequestedMs: now };
      const v1 = await assignments.write(transfer, asked.version);
      await l.replica.adopt({ assignment: transfer, version: v1! });
      const cancelled: ShardAssignment = { ...asked.assignment };
      const v2 = await assignments.write(cancelled, v1!);
      await l.replica.adopt({ assignment: cancelled, version: v2! });
      await fetchInto(f, l);
      await fetchInto(f, l);
      await pending.promise;
      await pause(30);
      expect((await stored()).assignment).toMatchObject({ leader: 'b1', leaderEpoch: 1 });
      expect(l.replica.isLeader).toBe(true);
      await fetchInto(f, l);
      const appended = track(l.replica.append(records('b'), 1));
      await eventually('the record is in the leader log', () => l.log.nextOffset === 2);
      await fetchInto(f, l);
      await fetchInto(f, l);
      await appended.promise;
    });
  });
});
