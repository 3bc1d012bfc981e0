import { completeTransfer, sameAssignment, shardKeyOf, type ShardAssignment } from './shard-assignment';

/** A broker as the controller sees it. */
export interface BrokerState {
  id: string;
  /** Holds its membership lease. */
  live: boolean;
  /** Shutting down gracefully: give its shards away, place nothing new on it. */
  draining: boolean;
}

export interface ShardToPlace {
  streamId: string;
  shardId: string;
  current?: ShardAssignment;
}

export interface PlacementPolicy {
  /** Copies wanted per shard; fewer while fewer brokers are usable. */
  replicationFactor: number;
  /** At most this many shards carry an extra replica at once for rebalancing. */
  maxMovesInFlight: number;
  /** A leadership transfer the leader has not completed after this long is forced. */
  transferTimeoutMs?: number;
}

/**
 * The controller's decisions, as a pure function of what it sees: the assignments to write (new
 * or changed), each derived from the stored one so that compare-and-set applies it only if nothing
 * moved meanwhile. One call takes every shard one step towards its goal; the controller calls it
 * again as replicas catch up, so multi-step moves (add a replica, wait until it is in sync, move
 * leadership, drop the old copy) never skip a step.
 *
 * Safety rules, which the goals never override:
 * - a leader is only ever chosen from the in-sync set, and leadership changes bump the epoch;
 * - a copy is only dropped once enough other usable brokers are in sync without it.
 */
export function planPlacement(brokers: readonly BrokerState[], shards: readonly ShardToPlace[], policy: PlacementPolicy, nowMs = 0): ShardAssignment[] {
  const plan = new Planner(brokers, policy, nowMs);
  const changed = new Map<string, ShardAssignment>();
  const ordered = [...shards].sort((a, b) => compare(shardKeyOf(a), shardKeyOf(b)));
  for (const shard of ordered) plan.count(shard.current, +1);
  const next = new Map<string, ShardAssignment | undefined>();
  for (const shard of ordered) {
    const fixed = plan.fix(shard);
    next.set(shardKeyOf(shard), fixed);
  }
  plan.balance(ordered, next);
  for (const shard of ordered) {
    const after = next.get(shardKeyOf(shard));
    if (after && !(shard.current && sameAssignment(shard.current, after))) changed.set(shardKeyOf(shard), after);
  }
  return [...changed.values()];
}

class Planner {
  private readonly live: Set<string>;
  private readonly registered: Set<string>;
  private readonly usable: string[];
  private readonly usableSet: Set<string>;
  private readonly replicaCount = new Map<string, number>();
  private readonly leaderCount = new Map<string, number>();
  private readonly target: number;

  constructor(
    brokers: readonly BrokerState[],
    private readonly policy: PlacementPolicy,
    private readonly nowMs: number,
  ) {
    this.live = new Set(brokers.filter((b) => b.live).map((b) => b.id));
    this.registered = new Set(brokers.map((b) => b.id));
    this.usable = brokers
      .filter((b) => b.live && !b.draining)
      .map((b) => b.id)
      .sort(compare);
    this.usableSet = new Set(this.usable);
    this.target = Math.min(policy.replicationFactor, this.usable.length);
  }

  count(assignment: ShardAssignment | undefined, delta: number): void {
    if (!assignment) return;
    for (const id of assignment.replicas) this.replicaCount.set(id, (this.replicaCount.get(id) ?? 0) + delta);
    // A shard being handed over counts for the broker it is moving to.
    const leader = assignment.transferTo ?? assignment.leader;
    if (leader !== undefined) this.leaderCount.set(leader, (this.leaderCount.get(leader) ?? 0) + delta);
  }

  /** One step towards a healthy assignment: a leader, `target` usable copies, no dead or draining ones. */
  fix(shard: ShardToPlace): ShardAssignment | undefined {
    const current = shard.current;
    if (!current) {
      if (this.target === 0) return undefined;
      const replicas = this.leastLoaded(this.usable, this.target);
      const created: ShardAssignment = {
        streamId: shard.streamId,
        shardId: shard.shardId,
        replicas,
        isr: [...replicas],
        leader: this.fewestLeaders(replicas),
        leaderEpoch: 1,
      };
      this.count(created, +1);
      return created;
    }
    this.count(current, -1);
    const a: ShardAssignment = { ...current, replicas: [...current.replicas], isr: [...current.isr] };

    // Leadership: keep a live in-sync leader; otherwise the best live in-sync replica, or none.
    const leaderOk = a.leader !== undefined && this.live.has(a.leader) && a.isr.includes(a.leader);
    if (!leaderOk) {
      const candidates = a.isr.filter((id) => this.live.has(id));
      const preferred = candidates.filter((id) => this.usableSet.has(id));
      const chosen = this.fewestLeaders(preferred.length ? preferred : candidates);
      if (chosen !== undefined || a.leader !== undefined) {
        a.leader = chosen;
        a.leaderEpoch++;
      }
      cancelTransfer(a);
    } else if (a.transferTo !== undefined) {
      // A transfer in progress: cancelled if its target can no longer lead, forced if the leader
      // has not completed it in time, otherwise left to the leader.
      const target = a.transferTo;
      if (!this.usableSet.has(target) || !a.isr.includes(target)) cancelTransfer(a);
      else if (this.nowMs - (a.transferRequestedMs ?? 0) > (this.policy.transferTimeoutMs ?? 10_000)) {
        const forced = completeTransfer(a);
        cancelTransfer(a);
        a.leader = forced.leader;
        a.leaderEpoch = forced.leaderEpoch;
      }
    }
    if (a.leader !== undefined) {
      // Dead brokers leave the in-sync set, so they are never elected from stale data. With no
      // leader the set stays as it was: its members are the only safe choices when one returns.
      a.isr = a.isr.filter((id) => id === a.leader || this.live.has(id));
      // A broker that left the cluster (a graceful stop deregisters it) holds no copy any more.
      a.replicas = a.replicas.filter((id) => id === a.leader || this.registered.has(id));
      if (!this.usableSet.has(a.leader)) this.moveLeadership(a);
    }

    // Copies: top up to `target` usable ones, then drop dead, draining or surplus ones that are
    // no longer needed for the in-sync count.
    const usableCopies = a.replicas.filter((id) => this.usableSet.has(id));
    if (usableCopies.length < this.target) {
      const spare = this.usable.filter((id) => !a.replicas.includes(id));
      a.replicas.push(...this.leastLoaded(spare, this.target - usableCopies.length));
    }
    this.dropSurplus(a);
    this.count(a, +1);
    return a;
  }

  /**
   * Spreads copies and then leaderships evenly over usable brokers. A copy moves by adding one on
   * the lighter broker first; fix() drops the old one once the new one is in sync.
   */
  balance(shards: readonly ShardToPlace[], next: Map<string, ShardAssignment | undefined>): void {
    if (this.usable.length < 2) return;
    let inFlight = [...next.values()].filter((a) => a && a.replicas.length > this.target).length;
    while (inFlight < this.policy.maxMovesInFlight) {
      const [lightest, heaviest] = this.extremes(this.replicaCount);
      if ((this.replicaCount.get(heaviest) ?? 0) - (this.replicaCount.get(lightest) ?? 0) <= 1) break;
      const movable = shards
        .map((s) => next.get(shardKeyOf(s)))
        .find((a) => a && isHealthy(a, this.target) && a.replicas.includes(heaviest) && !a.replicas.includes(lightest));
      if (!movable) break;
      this.count(movable, -1);
      movable.replicas.push(lightest);
      this.count(movable, +1);
      // The copy on `heaviest` goes once the new one is in sync; count it as gone already.
      this.replicaCount.set(heaviest, (this.replicaCount.get(heaviest) ?? 0) - 1);
      inFlight++;
    }
    // Leaderships: from the busiest broker to the least busy one that has an in-sync copy, as
    // long as that narrows the gap. A shard whose leadership changed in this pass is left alone.
    const steady = (s: ShardToPlace) => {
      const a = next.get(shardKeyOf(s));
      return a !== undefined && a.transferTo === undefined && s.current?.leaderEpoch === a.leaderEpoch;
    };
    for (let moved = true; moved; ) {
      moved = false;
      const byLeaders = [...this.usable].sort((x, y) => (this.leaderCount.get(x) ?? 0) - (this.leaderCount.get(y) ?? 0) || compare(x, y));
      search: for (const from of [...byLeaders].reverse()) {
        for (const to of byLeaders) {
          if ((this.leaderCount.get(from) ?? 0) - (this.leaderCount.get(to) ?? 0) <= 1) break;
          const movable = shards
            .filter(steady)
            .map((s) => next.get(shardKeyOf(s)))
            .find((a) => a && a.leader === from && a.isr.includes(to));
          if (!movable) continue;
          this.count(movable, -1);
          this.requestTransfer(movable, to);
          this.count(movable, +1);
          moved = true;
          break search;
        }
      }
    }
  }

  /** Asks the leader to hand over to another usable in-sync replica, if there is one. */
  private moveLeadership(a: ShardAssignment): boolean {
    if (a.transferTo !== undefined) return true;
    const others = a.isr.filter((id) => id !== a.leader && this.usableSet.has(id));
    const chosen = this.fewestLeaders(others);
    if (chosen === undefined) return false;
    this.requestTransfer(a, chosen);
    return true;
  }

  private requestTransfer(a: ShardAssignment, to: string): void {
    a.transferTo = to;
    a.transferRequestedMs = this.nowMs;
  }

  private dropSurplus(a: ShardAssignment): void {
    // Nothing is dropped while leadership is being handed over; the next round will.
    if (a.leader === undefined || a.transferTo !== undefined) return;
    const inSyncUsable = () => a.isr.filter((id) => this.usableSet.has(id)).length;
    // Dead and draining copies first, once enough usable ones are in sync without them. A dead
    // copy stays until a replacement is in sync: it still counts towards the replication factor,
    // so a shard that lost copies to deaths is short of in-sync replicas (and refuses appends
    // below the minimum) rather than quietly living on fewer copies.
    for (const id of [...a.replicas]) {
      if (id === a.leader || this.usableSet.has(id)) continue;
      const dead = !this.live.has(id);
      if (dead && a.replicas.length <= this.policy.replicationFactor) continue;
      if (!dead && a.replicas.length <= this.target) continue;
      if (inSyncUsable() >= this.target && a.replicas.length > 1) remove(a, id);
    }
    // A surplus usable copy (the tail of a rebalancing move): drop the one on the busiest broker
    // once every copy is in sync; if that is the leader's, hand leadership over first.
    if (a.replicas.length > this.target && a.replicas.every((id) => a.isr.includes(id))) {
      const busiest = [...a.replicas].sort((x, y) => (this.replicaCount.get(y) ?? 0) - (this.replicaCount.get(x) ?? 0) || compare(x, y))[0];
      if (busiest === a.leader) this.moveLeadership(a);
      else remove(a, busiest);
    }
  }

  private leastLoaded(ids: readonly string[], n: number): string[] {
    return [...ids]
      .sort((x, y) => (this.replicaCount.get(x) ?? 0) - (this.replicaCount.get(y) ?? 0) || (this.leaderCount.get(x) ?? 0) - (this.leaderCount.get(y) ?? 0) || compare(x, y))
      .slice(0, n);
  }

  private fewestLeaders(ids: readonly string[]): string | undefined {
    return [...ids].sort((x, y) => (this.leaderCount.get(x) ?? 0) - (this.leaderCount.get(y) ?? 0) || compare(x, y))[0];
  }

  /** [least, most] loaded usable broker by `counts`. */
  private extremes(counts: Map<string, number>): [string, string] {
    const sorted = [...this.usable].sort((x, y) => (counts.get(x) ?? 0) - (counts.get(y) ?? 0) || compare(x, y));
    return [sorted[0], sorted[sorted.length - 1]];
  }
}

function cancelTransfer(a: ShardAssignment): void {
  delete a.transferTo;
  delete a.transferRequestedMs;
}

function isHealthy(a: ShardAssignment, target: number): boolean {
  return a.leader !== undefined && a.transferTo === undefined && a.replicas.length === target && a.replicas.every((id) => a.isr.includes(id));
}

function remove(a: ShardAssignment, id: string): void {
  a.replicas = a.replicas.filter((r) => r !== id);
  a.isr = a.isr.filter((r) => r !== id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
