import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LogClosedError, LogFailedError, LogInUseError, LogSealedError } from './errors';
import type { ReadBufferSource } from './frame-cursor';
import { GroupCommit } from './group-commit';
import { type LeaderEpochEntry, LeaderEpochHistory, type LeaderEpochs } from './leader-epoch-history';
import { LogDirectory, type SyncTarget } from './log-directory';
import type { LogRecord, LogRecordInput } from './log-record';
import { type ShardLogRecovery, openSegments } from './log-recovery';
import { type BatchPlan, planBatch } from './record-frame';
import type { RecordView } from './record-view';
import { expiredSegmentCount } from './retention';
import { Segment } from './segment';
import { type ReadBudget, readSegment, segmentOffsetAtTimestamp } from './segment-reader';
import { type ResolvedShardLogOptions, type ShardLogOptions, resolveShardLogOptions } from './shard-log-options';

/** Relative offsets are u32 in the index. */
const MAX_SEGMENT_RECORDS = 2 ** 32;

/** Directories with an open ShardLog in this process: two writers would corrupt each other. */
const openDirectories = new Set<string>();

/**
 * The log of one shard: ordered segments, the last one active. Appends are written synchronously,
 * so offsets and order are fixed when append() is called, then made durable by the fsync policy
 * (see GroupCommit). Reads are synchronous and see every append made before them, durable or not;
 * callers that must show only records a crash cannot take back read below `durableOffset`.
 *
 * One process owns a log directory at a time; this process refuses to open one twice, other
 * processes are the deployment's to keep out.
 */
export class ShardLog {
  private readonly commit: GroupCommit;
  private writeFailure: { cause: unknown } | undefined;
  private closing: Promise<void> | undefined;
  /** Retention and seal calls in progress, which close() waits for. */
  private readonly maintenance = new Set<Promise<void>>();
  private newestArrivalMs: number | undefined;
  private durableEnd: number;
  /** Bumped by truncate and restartAt, so an append made before them cannot vouch for offsets written after. */
  private truncations = 0;
  private readonly history: LeaderEpochHistory;

  private constructor(
    private readonly options: ResolvedShardLogOptions,
    private readonly directory: LogDirectory,
    private segments: Segment[],
    private isSealed: boolean,
    /** What opening the log found and repaired. */
    readonly recovery: ShardLogRecovery,
    epochs: readonly LeaderEpochEntry[],
  ) {
    this.commit = new GroupCommit(options.fsync);
    this.history = new LeaderEpochHistory(directory, this, epochs);
    this.newestArrivalMs = this.newestRetainedArrivalMs();
    this.durableEnd = this.nextOffset;
  }

  /** Opens or creates the log in `options.dir`, recovering from any unclean stop (see openSegments). */
  static async open(options: ShardLogOptions): Promise<ShardLog> {
    const resolved = resolveShardLogOptions(options);
    const key = resolve(resolved.dir);
    if (openDirectories.has(key)) throw new LogInUseError(resolved.dir);
    openDirectories.add(key);
    let segments: Segment[] = [];
    try {
      const directory = new LogDirectory(resolved.dir);
      const opened = openSegments(directory, resolved.indexIntervalBytes);
      segments = opened.segments;
      if (segments.length === 0) {
        segments.push(Segment.create(directory.segmentPaths(0), 0, resolved.indexIntervalBytes));
        await directory.sync();
      } else if (resolved.fsync !== 'os') {
        // What a killed process wrote may be only in the page cache; durableOffset vouches for it.
        await Promise.all(segments.map((segment) => segment.sync()));
      }
      const epochs = await LeaderEpochHistory.recover(directory, segments[0].baseOffset, segments[segments.length - 1].nextOffset);
      // eslint-disable-next-line no-restricted-syntax -- once per opening
      const recovery = { ...opened.recovery, droppedLeaderEpochs: epochs.dropped };
      return new ShardLog(resolved, directory, segments, directory.isSealed(), recovery, epochs.entries);
    } catch (error) {
      for (const segment of segments) segment.close();
      openDirectories.delete(key);
      throw error;
    }
  }

  /** Deletes the log's directory and everything in it. */
  static async destroy(dir: string): Promise<void> {
    if (openDirectories.has(resolve(dir))) throw new LogInUseError(dir);
    await rm(dir, { recursive: true, force: true });
  }

  /** First retained offset (the trim horizon). */
  get startOffset(): number {
    return this.segments[0].baseOffset;
  }

  /** Offset the next append gets. */
  get nextOffset(): number {
    return this.active.nextOffset;
  }

  /**
   * Arrival time of the newest record appended, kept after retention deletes it so arrival times
   * never go back; after reopening, of the newest record retained. Undefined if there is none.
   */
  get lastArrivalMs(): number | undefined {
    return this.newestArrivalMs;
  }

  /**
   * Every record below this offset is durable under the fsync policy: acknowledged, or recovered
   * when the log was opened. Records from here to nextOffset are written but may not survive a crash.
   */
  get durableOffset(): number {
    return this.durableEnd;
  }

  get sealed(): boolean {
    return this.isSealed;
  }

  /** Sync rounds completed since opening (for metrics: fdatasyncs per second, records per sync). */
  get syncCount(): number {
    return this.commit.rounds;
  }

  /** Which leader epoch wrote which offsets, for replication (see LeaderEpochs); kept consistent with the records. */
  get epochs(): LeaderEpochs {
    return this.history;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends in call order; offsets are consecutive from firstOffset. Every record of one call gets
   * the same arrivalMs: max(arrivalMs ?? Date.now(), lastArrivalMs), so arrival time never goes
   * backwards. Resolves once durable under the fsync policy. Rejects with LogSealedError after
   * seal(), LogFailedError once a write or sync has failed. A batch interrupted by a crash may
   * survive in part: a prefix of its records, never a record in part.
   */
  append(records: readonly LogRecordInput[], arrivalMs?: number): Promise<{ firstOffset: number; arrivalMs: number }> {
    return this.appendBatch(records, arrivalMs, undefined);
  }

  /**
   * A follower's append of records its leader placed from `firstOffset` on: append(records,
   * arrivalMs), with its durability, arrival-time rule and errors, provided the log ends at
   * `firstOffset`. Any other firstOffset rejects with RangeError, writing nothing. Calls may be
   * made without waiting for the previous ones, each at the nextOffset the previous one leaves.
   */
  async appendAt(firstOffset: number, records: readonly LogRecordInput[], arrivalMs: number): Promise<void> {
    await this.appendBatch(records, arrivalMs, firstOffset);
  }

  /** append and appendAt; `at` is where the batch must land, if it must. */
  private async appendBatch(
    records: readonly LogRecordInput[],
    arrivalMs: number | undefined,
    at: number | undefined,
  ): Promise<{ firstOffset: number; arrivalMs: number }> {
    this.assertOpen();
    if (this.isSealed) throw new LogSealedError(this.options.dir);
    const failure = this.writeFailure ?? this.commit.failure;
    if (failure !== undefined) throw new LogFailedError(this.options.dir, failure.cause);
    if (!Array.isArray(records) || records.length === 0) throw new RangeError('append needs at least one record.');
    if ((arrivalMs !== undefined || at !== undefined) && !(Number.isSafeInteger(arrivalMs) && (arrivalMs as number) >= 0)) {
      throw new RangeError(`arrivalMs must be a non-negative integer; got ${arrivalMs}.`);
    }
    if (at !== undefined && at !== this.nextOffset) {
      throw new RangeError(`appendAt: the log ends at offset ${this.nextOffset}, so records cannot be placed at ${at}.`);
    }
    const plan = planBatch(records);
    const stampedMs = Math.max(arrivalMs ?? Date.now(), this.newestArrivalMs ?? 0);
    const { firstOffset, targets } = this.write(plan, stampedMs);
    const truncations = this.truncations;
    await this.durable(targets);
    // Acknowledgements come in offset order (see GroupCommit): everything before this one is durable too.
    if (truncations === this.truncations) this.durableEnd = Math.max(this.durableEnd, firstOffset + records.length);
    return { firstOffset, arrivalMs: stampedMs };
  }

  /**
   * Records from max(fromOffset, startOffset), at most maxRecords, and at most maxBytes counting
   * partition key and data bytes, except that the first record is returned whatever its size.
   * Record data are views into shared read buffers.
   */
  read(fromOffset: number, maxRecords: number, maxBytes: number): LogRecord[] {
    return this.readViews(fromOffset, maxRecords, maxBytes).map((view) => view.toLogRecord());
  }

  /**
   * The records read() returns, as views over the read buffers (see RecordView): for readers that
   * copy bytes out rather than use strings and Buffers, such as a GetRecords response encoder.
   * With `buffers`, the read buffers come from there (the views are valid while the caller leaves
   * them alone).
   */
  readViews(fromOffset: number, maxRecords: number, maxBytes: number, buffers?: ReadBufferSource): RecordView[] {
    this.assertOpen();
    requireInteger('fromOffset', fromOffset, 0);
    requireInteger('maxRecords', maxRecords, 1);
    requireInteger('maxBytes', maxBytes, 0);
    const budget: ReadBudget = { maxRecords, maxBytes, bytes: 0, records: [], buffers };
    const offset = Math.max(fromOffset, this.startOffset);
    for (let i = this.segmentIndexOf(offset); i < this.segments.length; i++) {
      const segment = this.segments[i];
      const from = Math.max(offset, segment.baseOffset);
      if (from < segment.nextOffset && readSegment(segment, from, budget)) break;
    }
    return budget.records;
  }

  /** First offset whose arrivalMs >= timestampMs, or nextOffset if none. */
  offsetAtTimestamp(timestampMs: number): number {
    this.assertOpen();
    // Newest arrival times rise from segment to segment; only the active segment can be empty.
    let lo = 0;
    let hi = this.active.recordCount === 0 ? this.segments.length - 1 : this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.segments[mid].lastArrivalMs as number) < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.segments.length || this.segments[lo].recordCount === 0) return this.nextOffset;
    return segmentOffsetAtTimestamp(this.segments[lo], timestampMs);
  }

  /** Persistently stops appends (survives reopening). Appends already made still complete. */
  async seal(): Promise<void> {
    this.assertOpen();
    if (this.isSealed) return;
    this.isSealed = true;
    await this.tracked(this.directory.markSealed());
  }

  /**
   * Retention: deletes the oldest whole segments whose newest record arrived before cutoffMs. If
   * every record has expired the active segment rolls first, leaving an empty log that keeps its
   * nextOffset (startOffset == nextOffset). Leader epochs that wrote no retained record go, except
   * the one that wrote the new startOffset, whose start moves up to it.
   */
  async trim(cutoffMs: number): Promise<void> {
    this.assertOpen();
    await this.tracked(this.deleteExpiredSegments(cutoffMs));
  }

  /**
   * Removes every record at or after `offset` (a follower truncating to its leader's log), and the
   * leader epochs that began there or later (Kafka's truncateFromEnd). Below startOffset, the log
   * becomes empty with nextOffset = offset. At or past nextOffset no record goes, but epochs that
   * began at nextOffset do, as Kafka does: they wrote nothing, and a follower truncating there must
   * not keep an epoch its new leader may not know. Durable under the fsync policy.
   */
  async truncate(offset: number): Promise<void> {
    this.assertOpen();
    requireInteger('offset', offset, 0);
    if (offset >= this.nextOffset) {
      await this.history.truncateFromEnd(this.nextOffset, () => Promise.resolve());
      return;
    }
    let removal: Promise<void> | undefined;
    if (offset < this.startOffset) {
      removal = this.startEmptyAt(offset);
    } else {
      // A crash after this leaves later segments that no longer follow on; opening deletes them.
      const kept = this.segmentIndexOf(offset);
      this.segments[kept].truncate(offset);
      // Newest first, so a crash part-way leaves a log that is merely less truncated.
      for (const segment of this.segments.splice(kept + 1).reverse()) segment.remove();
    }
    await this.settleRemoval(offset, removal, (logDurable) => this.history.truncateFromEnd(offset, logDurable));
  }

  /**
   * Discards every record and continues as an empty log at `offset` (startOffset = nextOffset =
   * offset), which may lie beyond nextOffset: a new follower of a leader whose retention deleted the
   * offsets before it. Of the leader epochs only the one that wrote `offset`, or would have, stays,
   * its start moved to `offset`. Durable under the fsync policy, and it survives reopening. A crash
   * part-way leaves the empty log, or a part of the old one at its own offsets (see startEmptyAt).
   */
  async restartAt(offset: number): Promise<void> {
    this.assertOpen();
    requireInteger('offset', offset, 0);
    if (this.startOffset === offset && this.nextOffset === offset) return;
    const removal = this.startEmptyAt(offset);
    await this.tracked(this.settleRemoval(offset, removal, (logDurable) => this.history.fitTo(offset, offset, logDurable)));
  }

  /** Waits for syncs in flight, then closes the files. Every later call fails with LogClosedError. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.history.close();
    await Promise.allSettled(this.maintenance);
    await this.commit.drain();
    await this.history.idle();
    for (const segment of this.segments) segment.close();
    openDirectories.delete(resolve(this.options.dir));
  }

  private write(plan: BatchPlan, arrivalMs: number): { firstOffset: number; targets: SyncTarget[] } {
    try {
      const targets: SyncTarget[] = [];
      if (this.mustRoll(plan, arrivalMs)) {
        // The segment being closed has appends whose sync may not have run yet.
        targets.push(this.active, this.directory);
        this.roll();
      }
      const active = this.active;
      const firstOffset = active.nextOffset;
      active.append(plan, arrivalMs);
      targets.push(active);
      this.newestArrivalMs = arrivalMs;
      return { firstOffset, targets };
    } catch (error) {
      this.writeFailure = { cause: error };
      throw new LogFailedError(this.options.dir, error);
    }
  }

  private async deleteExpiredSegments(cutoffMs: number): Promise<void> {
    const count = expiredSegmentCount(this.segments, cutoffMs);
    if (count === 0) return;
    const rolled = count === this.segments.length;
    if (rolled) this.roll();
    const expired = this.segments.splice(0, count);
    const removal = (async () => {
      // The new segment must be on disk before the old ones go, or a crash could restart offsets at 0.
      if (rolled) await this.directory.sync();
      for (const segment of expired) segment.remove();
    })();
    const logDurable = async () => {
      await removal;
      await this.directory.sync();
    };
    await Promise.all([removal, this.history.fitTo(this.startOffset, this.nextOffset, logDurable)]);
  }

  /**
   * Replaces every segment with one empty segment at `offset`, the one that starts there if any
   * (emptied), else a new one. A new one is on disk before any old one goes, and the old ones go
   * newest first, so a crash part-way leaves a prefix of the old log (which opening keeps, with the
   * empty segment only if it follows on) or the empty log; never a log restarted at 0. The
   * segments are replaced in memory at once; the promise settles when the old files are deleted.
   */
  private startEmptyAt(offset: number): Promise<void> {
    const old = this.segments;
    const reused = old.find((segment) => segment.baseOffset === offset);
    const empty = reused ?? Segment.create(this.directory.segmentPaths(offset), offset, this.options.indexIntervalBytes);
    empty.truncate(offset);
    this.segments = [empty];
    const replaced = old.filter((segment) => segment !== empty).reverse();
    const created = reused === undefined ? this.directory.sync() : Promise.resolve();
    return created.then(
      () => replaced.forEach((segment) => segment.remove()),
      (error: unknown) => {
        // Without the new segment on disk the old ones must stay, and what is appended from here
        // on may not survive reopening: fail-stop, as for a failed write.
        replaced.forEach((segment) => segment.close());
        this.writeFailure ??= { cause: error };
        throw new LogFailedError(this.options.dir, error);
      },
    );
  }

  /**
   * Finishes a truncate or restart whose records are gone from memory and whose files `removal`
   * finishes deleting: makes that durable, and the history's matching change (`fitHistory`) only
   * after it, so the history file never omits the epoch of a record a crash could bring back.
   */
  private async settleRemoval(
    end: number,
    removal: Promise<void> | undefined,
    fitHistory: (logDurable: () => Promise<void>) => Promise<void>,
  ): Promise<void> {
    this.newestArrivalMs = this.newestRetainedArrivalMs();
    this.durableEnd = Math.min(this.durableEnd, end);
    const truncations = ++this.truncations;
    const active = this.active;
    const synced = (async () => {
      await removal;
      await this.durable([active, this.directory]);
    })();
    await Promise.all([synced, fitHistory(() => synced)]);
    if (truncations === this.truncations) this.durableEnd = Math.max(this.durableEnd, end);
  }

  private async tracked(operation: Promise<void>): Promise<void> {
    this.maintenance.add(operation);
    try {
      await operation;
    } finally {
      this.maintenance.delete(operation);
    }
  }

  private async durable(targets: SyncTarget[]): Promise<void> {
    try {
      await this.commit.durable(targets);
    } catch (error) {
      throw new LogFailedError(this.options.dir, error);
    }
  }

  private mustRoll(plan: BatchPlan, arrivalMs: number): boolean {
    const active = this.active;
    if (active.recordCount === 0) return false;
    return (
      active.size + plan.totalBytes > this.options.segmentMaxBytes ||
      arrivalMs - (active.firstArrivalMs as number) >= this.options.segmentMaxAgeMs ||
      active.recordCount + plan.records.length > MAX_SEGMENT_RECORDS
    );
  }

  private roll(): void {
    const offset = this.nextOffset;
    const segment = Segment.create(this.directory.segmentPaths(offset), offset, this.options.indexIntervalBytes);
    this.active.retire();
    this.segments.push(segment);
  }

  /** Index of the last segment that starts at or before `offset` (offset >= startOffset). */
  private segmentIndexOf(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private newestRetainedArrivalMs(): number | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const { lastArrivalMs } = this.segments[i];
      if (lastArrivalMs !== undefined) return lastArrivalMs;
    }
    return undefined;
  }

  private assertOpen(): void {
    if (this.closing !== undefined) throw new LogClosedError(this.options.dir);
  }
}

function requireInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}; got ${value}.`);
}
