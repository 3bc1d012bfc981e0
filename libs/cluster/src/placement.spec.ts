import { planPlacement, type BrokerState, type PlacementPolicy } from './placement';
import { completeTransfer, shardKeyOf, type ShardAssignment } from './shard-assignment';

const RF3: PlacementPolicy = { replicationFactor: 3, maxMovesInFlight: 4 };
const RF1: PlacementPolicy = { replicationFactor: 1, maxMovesInFlight: 4 };

const brokers = (...ids: string[]): BrokerState[] => ids.map((id) => ({ id, live: true, draining: false }));
const shardIds = (n: number) => Array.from({ length: n }, (_, i) => ({ streamId: 's1', shardId: `shardId-${String(i).padStart(12, '0')}` }));

/**
 * A toy cluster: the controller's plans applied as written, followers that catch up at once
 * (every live replica joins the in-sync set after each step), and checks of the safety rules at
 * every step.
 */
class Cluster {
  assignments = new Map<string, ShardAssignment>();
  steps = 0;
  caughtUp = 0;
  nowMs = 1_000_000;
  /** Whether leaders complete the transfers asked of them (as brokers do), or ignore them. */
  leadersHandOver = true;

  constructor(
    public brokers: BrokerState[],
    private readonly policy: PlacementPolicy,
    private readonly shards = shardIds(8),
  ) {}

  step(catchUp = true): ShardAssignment[] {
    const before = new Map([...this.assignments].map(([k, a]) => [k, structuredClone(a)]));
    const changes = planPlacement(
      this.brokers,
      this.shards.map((s) => ({ ...s, current: this.assignments.get(shardKeyOf(s)) })),
      this.policy,
      this.nowMs,
    );
    for (const a of changes) {
      const old = before.get(shardKeyOf(a));
      checkStep(old, a, this.brokers);
      this.assignments.set(shardKeyOf(a), structuredClone(a));
    }
    this.nowMs += 100;
    if (this.leadersHandOver) {
      const live = new Set(this.brokers.filter((b) => b.live).map((b) => b.id));
      for (const [key, a] of this.assignments) {
        if (a.transferTo === undefined || a.leader === undefined || !live.has(a.leader)) continue;
        const handed = completeTransfer(a);
        checkStep(a, handed, this.brokers);
        this.assignments.set(key, handed);
      }
    }
    this.caughtUp = 0;
    if (catchUp) {
      const live = new Set(this.brokers.filter((b) => b.live).map((b) => b.id));
      for (const a of this.assignments.values()) {
        if (a.leader === undefined) continue;
        for (const id of a.replicas) {
          if (live.has(id) && !a.isr.includes(id)) {
            a.isr.push(id);
            this.caughtUp++;
          }
        }
      }
    }
    this.steps++;
    return changes;
  }

  /** Steps until nothing changes: no plan, and no follower catching up. */
  settle(): void {
    for (let i = 0; i < 60; i++) if (this.step().length === 0 && this.caughtUp === 0) return;
    throw new Error('placement did not settle in 60 steps');
  }

  set(id: string, state: Partial<BrokerState>): void {
    this.brokers = this.brokers.map((b) => (b.id === id ? { ...b, ...state } : b));
    if (!this.brokers.some((b) => b.id === id)) this.brokers.push({ id, live: true, draining: false, ...state });
  }

  count(of: 'replicas' | 'leader'): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const b of this.brokers) if (b.live && !b.draining) counts[b.id] = 0;
    for (const a of this.assignments.values()) {
      const ids = of === 'leader' ? (a.leader ? [a.leader] : []) : a.replicas;
      for (const id of ids) counts[id] = (counts[id] ?? 0) + 1;
    }
    return counts;
  }
}

/** The rules no plan may break, whatever the goal. */
function checkStep(old: ShardAssignment | undefined, next: ShardAssignment, all: BrokerState[]): void {
  const live = new Set(all.filter((b) => b.live).map((b) => b.id));
  if (next.leader !== undefined) {
    expect(next.replicas).toContain(next.leader);
    expect(next.isr).toContain(next.leader);
    expect(live.has(next.leader)).toBe(true);
  }
  for (const id of next.isr) expect(next.replicas).toContain(id);
  if (!old) {
    expect(next.leaderEpoch).toBe(1);
    return;
  }
  if (next.leader !== old.leader) {
    // A new leader comes from the old in-sync set, and the epoch grows (by one per change: a step
    // may elect a leader and then hand leadership on).
    if (next.leader !== undefined) expect(old.isr).toContain(next.leader);
    expect(next.leaderEpoch).toBeGreaterThan(old.leaderEpoch);
  } else {
    expect(next.leaderEpoch).toBe(old.leaderEpoch);
  }
  // Every committed record is on every old in-sync replica: some of them must stay in sync.
  expect(next.isr.some((id) => old.isr.includes(id))).toBe(true);
}

const spread = (counts: Record<string, number>) => Math.max(...Object.values(counts)) - Math.min(...Object.values(counts));

describe('planPlacement', () => {
  it('places new shards on RF brokers, all in sync, with leaderships spread evenly', () => {
    const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3);
    cluster.step();
    expect(cluster.assignments.size).toBe(8);
    for (const a of cluster.assignments.values()) {
      expect([...a.replicas].sort()).toEqual(['b1', 'b2', 'b3']);
      expect([...a.isr].sort()).toEqual(['b1', 'b2', 'b3']);
      expect(a.leaderEpoch).toBe(1);
    }
    expect(spread(cluster.count('leader'))).toBeLessThanOrEqual(1);
    expect(cluster.step()).toEqual([]);
  });

  it('spreads single copies evenly with replication factor 1', () => {
    const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF1, shardIds(9));
    cluster.settle();
    expect(cluster.count('replicas')).toEqual({ b1: 3, b2: 3, b3: 3 });
    expect(cluster.count('leader')).toEqual({ b1: 3, b2: 3, b3: 3 });
  });

  it('uses the brokers there are when there are fewer than the replication factor', () => {
    const cluster = new Cluster(brokers('b1'), RF3);
    cluster.settle();
    for (const a of cluster.assignments.values()) expect(a).toMatchObject({ replicas: ['b1'], isr: ['b1'], leader: 'b1' });
  });

  it('places nothing while no broker is usable', () => {
    expect(planPlacement([{ id: 'b1', live: false, draining: false }], shardIds(2), RF3)).toEqual([]);
  });

  describe('when a leader dies', () => {
    it('elects an in-sync replica with the next epoch and drops the dead one from the in-sync set', () => {
      const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3);
      cluster.settle();
      const ledByB1 = [...cluster.assignments.values()].filter((a) => a.leader === 'b1').map((a) => shardKeyOf(a));
      expect(ledByB1.length).toBeGreaterThan(0);
      cluster.set('b1', { live: false });
      cluster.step(false);
      for (const key of ledByB1) {
        const a = cluster.assignments.get(key)!;
        expect(['b2', 'b3']).toContain(a.leader);
        expect(a.leaderEpoch).toBe(2);
        expect(a.isr).not.toContain('b1');
      }
    });

    it('never elects a live replica that is not in sync', () => {
      const cluster = new Cluster(brokers('b1', 'b2'), { replicationFactor: 2, maxMovesInFlight: 4 }, shardIds(1));
      const key = shardKeyOf(shardIds(1)[0]);
      cluster.assignments.set(key, { ...shardIds(1)[0], replicas: ['b1', 'b2'], isr: ['b1'], leader: 'b1', leaderEpoch: 4 });
      cluster.set('b1', { live: false });
      cluster.step(false);
      expect(cluster.assignments.get(key)).toMatchObject({ leader: undefined, leaderEpoch: 5, isr: ['b1'] });
      // The only copy known to hold every committed record comes back: it leads again.
      cluster.set('b1', { live: true });
      cluster.step(false);
      expect(cluster.assignments.get(key)).toMatchObject({ leader: 'b1', leaderEpoch: 6 });
    });

    it('brings the dead broker back as a follower once it returns', () => {
      const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3);
      cluster.settle();
      cluster.set('b2', { live: false });
      cluster.settle();
      // With no spare broker to copy to, the dead copy stays assigned (it still counts towards
      // the replication factor) but is out of the in-sync set and leads nothing.
      for (const a of cluster.assignments.values()) {
        expect(a.replicas).toContain('b2');
        expect(a.isr).not.toContain('b2');
        expect(a.leader).not.toBe('b2');
      }
      cluster.set('b2', { live: true });
      cluster.settle();
      for (const a of cluster.assignments.values()) expect([...a.isr].sort()).toEqual(['b1', 'b2', 'b3']);
      expect(spread(cluster.count('leader'))).toBeLessThanOrEqual(1);
    });
  });

  describe('scaling', () => {
    it('out from 1 to 3 brokers with RF 3: every shard on all three, leaderships spread', () => {
      const cluster = new Cluster(brokers('b1'), RF3);
      cluster.settle();
      cluster.set('b2', {});
      cluster.set('b3', {});
      cluster.settle();
      for (const a of cluster.assignments.values()) expect([...a.isr].sort()).toEqual(['b1', 'b2', 'b3']);
      expect(spread(cluster.count('leader'))).toBeLessThanOrEqual(1);
      expect(cluster.count('leader').b1).toBeLessThan(8);
    });

    it('out from 1 to 3 brokers with RF 1: copies move, never more than the moves allowed at once', () => {
      const cluster = new Cluster(brokers('b1'), { replicationFactor: 1, maxMovesInFlight: 2 }, shardIds(9));
      cluster.settle();
      cluster.set('b2', {});
      cluster.set('b3', {});
      for (let i = 0; i < 60; i++) {
        const changes = cluster.step();
        const moving = [...cluster.assignments.values()].filter((a) => a.replicas.length > 1).length;
        expect(moving).toBeLessThanOrEqual(2);
        if (changes.length === 0 && cluster.caughtUp === 0) break;
      }
      expect(cluster.count('replicas')).toEqual({ b1: 3, b2: 3, b3: 3 });
      expect(cluster.count('leader')).toEqual({ b1: 3, b2: 3, b3: 3 });
    });

    it('in from 3 to 1 by draining: the drained brokers end with no shard, and leadership never lapses', () => {
      const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3);
      cluster.settle();
      cluster.set('b2', { draining: true });
      cluster.set('b3', { draining: true });
      for (let i = 0; i < 60; i++) {
        const changes = cluster.step();
        for (const a of cluster.assignments.values()) expect(a.leader).toBeDefined();
        if (changes.length === 0 && cluster.caughtUp === 0) break;
      }
      for (const a of cluster.assignments.values()) expect(a).toMatchObject({ replicas: ['b1'], isr: ['b1'], leader: 'b1' });
    });

    it('forgets the copies of a broker that left the cluster (deregistered), but keeps a crashed one\'s', () => {
      const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3);
      cluster.settle();
      cluster.set('b3', { live: false });
      cluster.settle();
      for (const a of cluster.assignments.values()) expect(a.replicas).toContain('b3');
      cluster.brokers = cluster.brokers.filter((b) => b.id !== 'b3');
      cluster.settle();
      for (const a of cluster.assignments.values()) expect([...a.replicas].sort()).toEqual(['b1', 'b2']);
    });

    it('drains a broker with RF 1 by copying its shards elsewhere before dropping them', () => {
      const cluster = new Cluster(brokers('b1', 'b2'), RF1, shardIds(4));
      cluster.settle();
      cluster.set('b1', { draining: true });
      cluster.settle();
      for (const a of cluster.assignments.values()) expect(a).toMatchObject({ replicas: ['b2'], leader: 'b2' });
    });
  });

  it('moves leadership by asking the leader to hand over, and forces the move if it does not in time', () => {
    const cluster = new Cluster(brokers('b1', 'b2'), { replicationFactor: 2, maxMovesInFlight: 4, transferTimeoutMs: 5_000 }, shardIds(1));
    cluster.settle();
    const key = shardKeyOf(shardIds(1)[0]);
    const before = cluster.assignments.get(key)!;
    const other = before.leader === 'b1' ? 'b2' : 'b1';
    cluster.leadersHandOver = false;
    cluster.set(before.leader!, { draining: true });
    cluster.step();
    // Asked, not done: the leader keeps leading (and its epoch) until it hands over.
    expect(cluster.assignments.get(key)).toMatchObject({ leader: before.leader, leaderEpoch: before.leaderEpoch, transferTo: other });
    cluster.step();
    expect(cluster.assignments.get(key)).toMatchObject({ leader: before.leader, transferTo: other });
    cluster.nowMs += 5_000;
    cluster.step();
    const forced = cluster.assignments.get(key)!;
    expect(forced).toMatchObject({ leader: other, leaderEpoch: before.leaderEpoch + 1 });
    expect(forced.transferTo).toBeUndefined();
  });

  it('cancels a transfer whose target can no longer lead', () => {
    const cluster = new Cluster(brokers('b1', 'b2', 'b3'), RF3, shardIds(1));
    cluster.settle();
    const key = shardKeyOf(shardIds(1)[0]);
    const before = cluster.assignments.get(key)!;
    cluster.leadersHandOver = false;
    cluster.set(before.leader!, { draining: true });
    cluster.step(false);
    const target = cluster.assignments.get(key)!.transferTo!;
    expect(target).toBeDefined();
    cluster.set(target, { live: false });
    cluster.step(false);
    // A new transfer towards the remaining replica, never one to the dead broker.
    expect(cluster.assignments.get(key)!.transferTo).not.toBe(target);
  });

  it('keeps every safety rule through a long run of deaths, returns and drains', () => {
    const ids = ['b1', 'b2', 'b3', 'b4'];
    const cluster = new Cluster(brokers(...ids), RF3, shardIds(12));
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 300; round++) {
      const id = ids[Math.floor(random() * ids.length)];
      const roll = random();
      cluster.leadersHandOver = random() < 0.8;
      if (roll < 0.3) cluster.set(id, { live: false });
      else if (roll < 0.7) cluster.set(id, { live: true, draining: false });
      else if (roll < 0.8) cluster.set(id, { draining: true });
      // Sometimes followers lag behind for a step: the rules must hold either way.
      cluster.step(random() < 0.7);
    }
    expect(cluster.steps).toBe(300);
    // And it heals: with every broker back, every shard ends fully replicated with spread leaders.
    cluster.leadersHandOver = true;
    for (const id of ids) cluster.set(id, { live: true, draining: false });
    cluster.settle();
    for (const a of cluster.assignments.values()) {
      expect(a.replicas).toHaveLength(3);
      expect([...a.isr].sort()).toEqual([...a.replicas].sort());
      expect(a.leader).toBeDefined();
    }
    expect(spread(cluster.count('leader'))).toBeLessThanOrEqual(1);
  });
});
