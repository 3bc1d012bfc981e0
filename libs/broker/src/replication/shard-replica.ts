import { AssignmentStore, completeTransfer, shardKeyOf, type ShardAssignment, type VersionedAssignment } from '@spate/cluster';
import type { LogRecordInput, RecordView, ShardLog } from '@spate/log-store';
import type { ShardAddress, ShardBounds } from '@spate/kds';
import { NotEnoughReplicasError, NotLeaderError, UncertainAppendError } from './replication-errors';

export interface ReplicationSettings {
  /** An append needs this many in-sync copies (fewer when the shard has fewer replicas). */
  minInSyncReplicas: number;
  /** A follower that has not caught up with the leader's log end for this long leaves the in-sync set. */
  replicaLagMaxMs: number;
  /** An append not committed within this long fails as uncertain. */
  ackTimeoutMs: number;
}

export interface ReplicaContext {
  brokerId: string;
  settings: ReplicationSettings;
  assignments: AssignmentStore;
  /** Whether this broker's membership lease is valid by its own clock (see BrokerMembership). */
  holdsLease: () => boolean;
  now: () => number;
  /** Told when the high watermark moves (readers waiting for records wake up). */
  onHighWatermark?: (key: string, highWatermark: number) => void;
}

interface FollowerProgress {
  /** The follower durably holds every record below this. */
  fetchOffset: number;
  lastFetchMs: number;
  /** The leader's log end when that fetch arrived. */
  lastFetchLeo: number;
  caughtUpMs: number;
}

interface CommitWaiter {
  end: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface FetchAnswer {
  records: RecordView[];
  highWatermark: number;
  logStartOffset: number;
  epochs: { epoch: number; startOffset: number }[];
  sealed: boolean;
}

/**
 * One shard's copy on this broker, and what this broker does for it: lead (take appends, answer
 * followers' fetches, keep the high watermark and the in-sync set) or follow (apply what the
 * leader sends, truncating first where its log diverged).
 *
 * The high watermark is the offset below which every in-sync replica has every record durably;
 * readers see only records below it, and an append is acknowledged once it is below it. It never
 * moves back while this broker leads.
 */
export class ShardReplica {
  readonly key: string;
  private current?: VersionedAssignment;
  private role: 'leader' | 'follower' | 'idle' = 'idle';
  private hw = 0;
  /** High watermark last heard from the leader while following: a starting point on becoming leader. */
  private followedHw = 0;
  private epochStart = 0;
  private readonly progress = new Map<string, FollowerProgress>();
  private waiters: CommitWaiter[] = [];
  private readonly fetchWaiters = new Set<() => void>();
  private isrChange?: Promise<void>;
  /** A leadership handover in progress (see handOver). */
  private handover?: Promise<void>;
  /** While a new term's history entry is being written: appends wait for it. */
  private termStarting?: Promise<void>;

  constructor(
    readonly address: ShardAddress,
    readonly log: ShardLog,
    private readonly ctx: ReplicaContext,
  ) {
    this.key = shardKeyOf(address);
  }

  get assignment(): ShardAssignment | undefined {
    return this.current?.assignment;
  }

  /** What this broker does for the shard right now. */
  get currentRole(): 'leader' | 'follower' | 'idle' {
    return this.role;
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  get highWatermark(): number {
    return this.hw;
  }

  get assignmentVersion(): number | undefined {
    return this.current?.version;
  }

  get leaderEpoch(): number {
    return this.current?.assignment.leaderEpoch ?? 0;
  }

  /** Takes a newer assignment of this shard. Returns the role it implies for this broker. */
  async adopt(next: VersionedAssignment): Promise<'leader' | 'follower' | 'idle'> {
    const previous = this.current?.assignment;
    if (this.current && next.version <= this.current.version) return this.role;
    this.current = next;
    const a = next.assignment;
    const role = a.leader === this.ctx.brokerId ? 'leader' : a.leader !== undefined && a.replicas.includes(this.ctx.brokerId) ? 'follower' : 'idle';
    const sameTerm = previous && previous.leaderEpoch === a.leaderEpoch && role === this.role;
    if (sameTerm) {
      if (role === 'leader') {
        this.advanceHighWatermark();
        if (a.transferTo !== undefined) this.startHandover();
      }
      return role;
    }
    if (this.role === 'leader') this.stepDown(`leadership moved to ${a.leader ?? 'nobody'} at epoch ${a.leaderEpoch}`);
    this.role = role;
    if (role === 'leader') {
      await this.becomeLeader(a);
      if (a.transferTo !== undefined) this.startHandover();
    }
    return role;
  }

  private startHandover(): void {
    this.handover ??= this.handOver()
      .catch(() => undefined)
      .finally(() => (this.handover = undefined));
  }

  /**
   * A routine leadership move: appends are refused from the moment it was asked for (see
   * append), so once everything already taken is committed the target has every record, and this
   * leader writes the new term itself. If the move was cancelled or overtaken meanwhile, nothing
   * is written (compare-and-set on the version it read).
   */
  private async handOver(): Promise<void> {
    const asked = this.current;
    if (!asked || this.role !== 'leader') return;
    await this.committed(this.log.nextOffset, asked.assignment.leaderEpoch);
    const known = this.current;
    const target = known?.assignment.transferTo;
    if (!known || this.role !== 'leader' || known.assignment.leaderEpoch !== asked.assignment.leaderEpoch || target === undefined) return;
    if (!known.assignment.isr.includes(target)) return;
    const next = completeTransfer(known.assignment);
    const version = await this.ctx.assignments.write(next, known.version);
    if (version !== undefined) await this.adopt({ assignment: next, version });
  }

  /** This broker no longer has anything to do for the shard (its stream is gone, or it was moved away). */
  retire(reason: string): void {
    if (this.role === 'leader') this.stepDown(reason);
    this.role = 'idle';
  }

  // ---- leading ----

  /** Appends as leader; resolves once committed (held by every in-sync replica). */
  async append(records: readonly LogRecordInput[], routedEpoch: number): Promise<{ firstOffset: number; arrivalMs: number }> {
    let a = this.assertLeader(routedEpoch);
    if (this.termStarting) {
      // Records of this term must not reach the log before the history says where the term began.
      await this.termStarting;
      a = this.assertLeader(routedEpoch);
    }
    // Handing leadership over: new appends go to the next leader once it takes over (the gateway
    // routes them again), so that every append taken here can still commit here.
    if (a.transferTo !== undefined) throw new NotLeaderError(this.key, `handing leadership over to ${a.transferTo}`);
    const needed = Math.min(this.ctx.settings.minInSyncReplicas, a.replicas.length);
    if (a.isr.length < needed) throw new NotEnoughReplicasError(this.key, a.isr.length, needed);
    const appending = this.log.append(records);
    // The records are in the log (not yet synced): followers may fetch them while it syncs.
    this.wakeFetchers();
    const appended = await appending;
    const end = appended.firstOffset + records.length;
    this.advanceHighWatermark();
    await this.committed(end, a.leaderEpoch);
    if (!this.ctx.holdsLease()) throw new UncertainAppendError(this.key, 'the membership lease ran out before the commit was confirmed');
    return appended;
  }

  /** Bounds as readers see them: up to the high watermark. */
  bounds(routedEpoch = 0): ShardBounds {
    this.assertLeader(routedEpoch);
    return { startOffset: this.log.startOffset, nextOffset: Math.max(this.hw, this.log.startOffset), lastArrivalMs: this.log.lastArrivalMs };
  }

  /** Seals the log once every append in flight is committed, so the final bounds are committed bounds. */
  async seal(): Promise<ShardBounds> {
    const a = this.assertLeader(0);
    if (!this.log.sealed) await this.log.seal();
    await this.committed(this.log.nextOffset, a.leaderEpoch);
    this.wakeFetchers();
    return { startOffset: this.log.startOffset, nextOffset: this.log.nextOffset, lastArrivalMs: this.log.lastArrivalMs };
  }

  /**
   * A follower's fetch. Its offset says what it holds durably, which may advance the high
   * watermark or bring it back into the in-sync set. Waits up to `maxWaitMs` when there is nothing new.
   */
  async fetch(followerId: string, followerEpoch: number, fetchOffset: number, maxBytes: number, maxWaitMs: number): Promise<FetchAnswer> {
    const a = this.assertLeader(followerEpoch, true);
    if (!a.replicas.includes(followerId)) throw new NotLeaderError(this.key, `broker ${followerId} holds no copy at epoch ${a.leaderEpoch}`);
    if (fetchOffset > this.log.nextOffset) {
      throw new NotLeaderError(this.key, `fetch offset ${fetchOffset} is past the leader's log end ${this.log.nextOffset}; truncate first`);
    }
    this.recordProgress(a, followerId, fetchOffset);
    if (fetchOffset === this.log.nextOffset && maxWaitMs > 0 && !this.log.sealed) await this.waitForData(maxWaitMs);
    this.assertLeader(followerEpoch, true);
    const from = Math.max(fetchOffset, this.log.startOffset);
    const records = from < this.log.nextOffset ? this.log.readViews(from, 10_000, maxBytes) : [];
    const firstOffset = records.length ? records[0].offset : from;
    const entries = this.log.epochs.entries();
    let firstEntry = entries.length - 1;
    while (firstEntry > 0 && entries[firstEntry].startOffset > firstOffset) firstEntry--;
    return {
      records,
      highWatermark: this.hw,
      logStartOffset: this.log.startOffset,
      epochs: entries.slice(Math.max(0, firstEntry)).map((e) => ({ epoch: e.epoch, startOffset: e.startOffset })),
      sealed: this.log.sealed && from >= this.log.nextOffset,
    };
  }

  /** KIP-101's answer for a follower checking where its log diverges. */
  epochEnd(callerEpoch: number, epoch: number): { epoch: number; endOffset: number } | undefined {
    this.assertLeader(callerEpoch, true);
    return this.log.epochs.endOffsetFor(epoch);
  }

  /** Leader housekeeping: followers that stopped keeping up leave the in-sync set. */
  checkFollowers(): void {
    const a = this.current?.assignment;
    if (this.role !== 'leader' || !a || this.isrChange) return;
    const now = this.ctx.now();
    const lagging = a.isr.filter((id) => id !== this.ctx.brokerId && now - (this.progress.get(id)?.caughtUpMs ?? now) > this.ctx.settings.replicaLagMaxMs);
    if (lagging.length) this.changeIsr((isr) => isr.filter((id) => !lagging.includes(id)));
  }

  private assertLeader(routedEpoch: number, exact = false): ShardAssignment {
    const a = this.current?.assignment;
    if (this.role !== 'leader' || !a) throw new NotLeaderError(this.key, `this broker ${a ? `follows ${a.leader ?? 'nobody'}` : 'has no assignment'} at epoch ${a?.leaderEpoch ?? 0}`);
    if (exact ? routedEpoch !== a.leaderEpoch : routedEpoch > a.leaderEpoch) {
      throw new NotLeaderError(this.key, `caller is at epoch ${routedEpoch}, this leader at ${a.leaderEpoch}`);
    }
    if (!this.ctx.holdsLease()) throw new NotLeaderError(this.key, 'the membership lease has run out');
    return a;
  }

  private async becomeLeader(a: ShardAssignment): Promise<void> {
    // The term's state is set before the history write is awaited: appends and fetches may arrive
    // meanwhile, and must not meet followers' progress from an earlier term.
    const assigned = this.log.epochs.assign(a.leaderEpoch, this.log.nextOffset);
    this.epochStart = this.log.nextOffset;
    this.progress.clear();
    const now = this.ctx.now();
    // Followers get a full lag period to show up before they are dropped from the in-sync set.
    for (const id of a.isr) if (id !== this.ctx.brokerId) this.progress.set(id, { fetchOffset: 0, lastFetchMs: now, lastFetchLeo: 0, caughtUpMs: now });
    this.hw = Math.min(Math.max(this.followedHw, this.log.startOffset), this.log.durableOffset);
    this.advanceHighWatermark();
    const starting = assigned.finally(() => {
      if (this.termStarting === starting) this.termStarting = undefined;
    });
    this.termStarting = starting;
    await starting;
  }

  private stepDown(reason: string): void {
    const error = new UncertainAppendError(this.key, reason);
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters = [];
    this.wakeFetchers();
  }

  private recordProgress(a: ShardAssignment, followerId: string, fetchOffset: number): void {
    const now = this.ctx.now();
    const leo = this.log.nextOffset;
    const previous = this.progress.get(followerId);
    let caughtUpMs = previous?.caughtUpMs ?? 0;
    // Kafka's rule: caught up now if it reached the log end; caught up as of its previous fetch
    // if it reached the log end as it was then (a busy log keeps moving while the fetch travels).
    if (fetchOffset >= leo) caughtUpMs = now;
    else if (previous && fetchOffset >= previous.lastFetchLeo) caughtUpMs = Math.max(caughtUpMs, previous.lastFetchMs);
    this.progress.set(followerId, { fetchOffset, lastFetchMs: now, lastFetchLeo: leo, caughtUpMs });
    if (a.isr.includes(followerId)) this.advanceHighWatermark();
    else if (fetchOffset >= this.hw && fetchOffset >= this.epochStart && !this.isrChange) {
      this.changeIsr((isr) => (isr.includes(followerId) ? isr : [...isr, followerId]));
    }
  }

  private advanceHighWatermark(): void {
    const a = this.current?.assignment;
    if (this.role !== 'leader' || !a) return;
    let hw = this.log.durableOffset;
    for (const id of a.isr) {
      if (id === this.ctx.brokerId) continue;
      hw = Math.min(hw, this.progress.get(id)?.fetchOffset ?? 0);
    }
    if (hw <= this.hw) return;
    this.hw = hw;
    this.ctx.onHighWatermark?.(this.key, hw);
    let committed = 0;
    while (committed < this.waiters.length && this.waiters[committed].end <= hw) committed++;
    for (const waiter of this.waiters.splice(0, committed)) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  /**
   * Resolves once `end` is below the high watermark of leader epoch `epoch`. A caller that waited
   * for its own write may find that term over: stepDown() rejected the waiters it had, and a later
   * term's high watermark says nothing about what this one wrote.
   */
  private committed(end: number, epoch: number): Promise<void> {
    if (this.role !== 'leader' || this.leaderEpoch !== epoch) {
      return Promise.reject(new UncertainAppendError(this.key, `leadership changed (now epoch ${this.leaderEpoch}) before the commit was confirmed`));
    }
    if (end <= this.hw) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: CommitWaiter = {
        end,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new UncertainAppendError(this.key, `not held by every in-sync replica within ${this.ctx.settings.ackTimeoutMs} ms`));
        }, this.ctx.settings.ackTimeoutMs),
      };
      // Appends complete in offset order, so the list stays sorted by end.
      let i = this.waiters.length;
      while (i > 0 && this.waiters[i - 1].end > end) i--;
      this.waiters.splice(i, 0, waiter);
    });
  }

  /**
   * Writes an in-sync set change with compare-and-set on the version this leader knows. Losing the
   * race means someone else (the controller) changed the assignment: the next adopt() tells what.
   * The high watermark only counts a smaller set once the store has it, so a follower is never
   * left out of a commit while the controller could still elect it.
   */
  private changeIsr(change: (isr: string[]) => string[]): void {
    const known = this.current;
    if (!known) return;
    // eslint-disable-next-line no-restricted-syntax -- once per ISR change, not per request
    const next: ShardAssignment = { ...known.assignment, isr: change(known.assignment.isr) };
    this.isrChange = this.ctx.assignments
      .write(next, known.version)
      .then(async (version) => {
        if (version !== undefined) await this.adopt({ assignment: next, version });
      })
      .catch(() => undefined)
      .finally(() => (this.isrChange = undefined));
  }

  private waitForData(maxWaitMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.fetchWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.fetchWaiters.add(done);
    });
  }

  private wakeFetchers(): void {
    for (const wake of [...this.fetchWaiters]) wake();
  }

  // ---- following ----

  /**
   * Where this copy must be cut so that it is a prefix of the leader's log (KIP-101/279): asks for
   * the end of its own latest epoch in the leader's history.
   */
  async truncateToLeader(askEpochEnd: (epoch: number) => Promise<{ epoch: number; endOffset: number } | undefined>): Promise<void> {
    const latest = this.log.epochs.latest();
    if (!latest) {
      // A copy without epoch history cannot tell where it diverged: keep only what was committed.
      await this.log.truncate(Math.min(this.followedHw, this.log.nextOffset));
      return;
    }
    const answer = await askEpochEnd(latest.epoch);
    if (!answer) {
      await this.log.truncate(this.log.startOffset);
      return;
    }
    const ownEnd = answer.epoch === latest.epoch ? this.log.nextOffset : (this.log.epochs.endOffsetFor(answer.epoch)?.endOffset ?? this.log.startOffset);
    await this.log.truncate(Math.min(answer.endOffset, ownEnd));
  }

  /** Applies one fetch answer: records at exactly this copy's log end, tagged with the leader's epochs. */
  async applyFetched(answer: {
    records: { offset: number; arrivalMs: number; partitionKey: string; explicitHashKey?: string; data: Buffer }[];
    highWatermark: number;
    logStartOffset: number;
    epochs: { epoch: number; startOffset: number }[];
    sealed: boolean;
  }): Promise<void> {
    const { records } = answer;
    if (records.length === 0 || records[0].offset !== this.log.nextOffset) {
      const first = records.length ? records[0].offset : answer.logStartOffset;
      // Retention on the leader removed what this copy would fetch next: start where the leader's log starts.
      if (first > this.log.nextOffset && first === answer.logStartOffset) await this.log.restartAt(first);
      else if (records.length) throw new Error(`fetched records start at ${records[0].offset}, this copy ends at ${this.log.nextOffset}`);
    }
    const pending: Promise<void>[] = [];
    let i = 0;
    while (i < records.length) {
      const offset = records[i].offset;
      const starting = answer.epochs.filter((e) => e.startOffset <= offset && e.epoch > (this.log.epochs.latest()?.epoch ?? 0));
      if (starting.length) {
        // An epoch boundary: everything before it must be in the log before the history says so.
        await Promise.all(pending.splice(0));
        for (const e of starting) await this.log.epochs.assign(e.epoch, Math.max(e.startOffset, this.log.nextOffset));
      }
      const nextBoundary = answer.epochs.find((e) => e.startOffset > offset)?.startOffset ?? Infinity;
      let j = i + 1;
      while (j < records.length && records[j].arrivalMs === records[i].arrivalMs && records[j].offset < nextBoundary) j++;
      const batch = records.slice(i, j).map((r) => ({ partitionKey: r.partitionKey, explicitHashKey: r.explicitHashKey, data: r.data }));
      pending.push(this.log.appendAt(offset, batch, records[i].arrivalMs));
      i = j;
    }
    await Promise.all(pending);
    this.followedHw = Math.max(this.followedHw, Math.min(answer.highWatermark, this.log.nextOffset));
    if (answer.sealed && records.length === 0 && !this.log.sealed) await this.log.seal();
  }
}
