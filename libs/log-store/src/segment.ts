import { closeSync, constants, fdatasync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { LogCorruptionError } from './errors';
import { FrameCursor, type ReadBufferSource } from './frame-cursor';
import { type SegmentPaths, type SyncTarget, removeSegmentFiles } from './log-directory';
import { type BatchPlan, type FrameBytes, encodeBatch, frameArrivalMs, frameBytes, frameOffset } from './record-frame';
import { type RecoveredSegment, recoverSegment } from './segment-recovery';
import { SegmentIndexes } from './segment-indexes';

const fdatasyncAsync = promisify(fdatasync);
const CREATE_NEW = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
const SEEK_CHUNK_BYTES = 4096;
/**
 * Batches up to this size are encoded in one buffer shared by every segment of the process (larger
 * ones in their own): an append encodes and writes its batch synchronously, so no two appends use
 * it at once, and a busy log makes no garbage of a buffer per append.
 */
const SHARED_BATCH_BYTES = 1024 * 1024;
let sharedBatch: FrameBytes | undefined;

/**
 * One segment of a shard log: a log file of frames from `baseOffset` on, and its indexes. Appends
 * and reads are synchronous, so a read sees exactly the appends made before it. The log file
 * descriptor stays open until close(); one in use by a sync closes when that sync ends.
 */
export class Segment implements SyncTarget {
  private syncsInFlight = 0;
  private closed = false;

  private constructor(
    readonly baseOffset: number,
    readonly paths: SegmentPaths,
    private readonly fd: number,
    readonly indexes: SegmentIndexes,
    /** Bytes of whole frames in the log file. */
    public size: number,
    public nextOffset: number,
    public firstArrivalMs: number | undefined,
    public lastArrivalMs: number | undefined,
  ) {}

  /** A new, empty segment; fails if its log file exists. */
  static create(paths: SegmentPaths, baseOffset: number, indexIntervalBytes: number): Segment {
    // Indexes first: a crash in between leaves index files without a log, which opening removes.
    const indexes = SegmentIndexes.create(paths, indexIntervalBytes);
    const fd = openSync(paths.log, CREATE_NEW, 0o644);
    return new Segment(baseOffset, paths, fd, indexes, 0, baseOffset, undefined, undefined);
  }

  /** Opens an existing segment, recovering it (see recoverSegment). */
  static open(
    paths: SegmentPaths,
    baseOffset: number,
    indexIntervalBytes: number,
  ): { segment: Segment; recovery: RecoveredSegment } {
    const fd = openSync(paths.log, 'r+');
    try {
      const indexes = SegmentIndexes.load(paths, indexIntervalBytes);
      const recovery = recoverSegment(fd, baseOffset, indexes);
      const { size, recordCount, firstArrivalMs, lastArrivalMs } = recovery;
      const segment = new Segment(baseOffset, paths, fd, indexes, size, baseOffset + recordCount, firstArrivalMs, lastArrivalMs);
      return { segment, recovery };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  get recordCount(): number {
    return this.nextOffset - this.baseOffset;
  }

  /**
   * Appends a batch at `nextOffset` with one write, all records stamped `arrivalMs`. On a write
   * error the segment is left as it was before the call, in memory; the file may hold part of the
   * batch past `size`, which the next append overwrites or recovery cuts.
   */
  append(plan: BatchPlan, arrivalMs: number): void {
    const firstRelative = this.recordCount;
    const start = this.size;
    sharedBatch ??= frameBytes(Buffer.allocUnsafeSlow(SHARED_BATCH_BYTES));
    const buffer = encodeBatch(
      plan,
      this.nextOffset,
      arrivalMs,
      (i, at) => this.indexes.observe(firstRelative + i, start + at, arrivalMs),
      sharedBatch,
    );
    try {
      let written = 0;
      while (written < buffer.length) {
        written += writeSync(this.fd, buffer, written, buffer.length - written, start + written);
      }
    } catch (error) {
      this.indexes.keepRecordsBelow(firstRelative, this.firstArrivalMs);
      throw error;
    }
    this.size += buffer.length;
    this.nextOffset += plan.records.length;
    this.firstArrivalMs ??= arrivalMs;
    this.lastArrivalMs = arrivalMs;
    this.indexes.flush();
  }

  /**
   * A cursor loaded at the frame of `offset` (baseOffset <= offset < nextOffset), found through the
   * offset index and a forward scan of at most one index interval.
   */
  cursorAt(offset: number, chunkBytes: number, buffers?: ReadBufferSource): FrameCursor {
    const { offsets } = this.indexes;
    const target = offset - this.baseOffset;
    const entry = offsets.floor(target);
    let relativeOffset = entry < 0 ? 0 : offsets.relativeOffsetAt(entry);
    const cursor = this.cursorFrom(entry < 0 ? 0 : offsets.positionAt(entry), chunkBytes, buffers);
    for (;;) {
      if (cursor.load() !== 'frame') throw new LogCorruptionError(this.paths.log, cursor.position);
      if (relativeOffset === target) break;
      cursor.advance();
      relativeOffset++;
    }
    if (frameOffset(cursor, cursor.at) !== offset) throw new LogCorruptionError(this.paths.log, cursor.position);
    return cursor;
  }

  /** A cursor over this segment's frames from `position` (a frame boundary) to `size`. */
  cursorFrom(position: number, chunkBytes: number, buffers?: ReadBufferSource): FrameCursor {
    return new FrameCursor(this.fd, position, this.size, chunkBytes, buffers);
  }

  /** Removes the records at or after `offset` (baseOffset <= offset). */
  truncate(offset: number): void {
    if (offset >= this.nextOffset) return;
    if (offset === this.baseOffset) {
      this.size = 0;
      this.firstArrivalMs = this.lastArrivalMs = undefined;
    } else {
      const last = this.cursorAt(offset - 1, SEEK_CHUNK_BYTES);
      this.size = last.position + last.size;
      this.lastArrivalMs = frameArrivalMs(last, last.at);
    }
    ftruncateSync(this.fd, this.size);
    this.nextOffset = offset;
    this.indexes.keepRecordsBelow(this.recordCount, this.firstArrivalMs);
  }

  /** fdatasync of the log file; nothing to do once the segment is closed (its records are gone). */
  async sync(): Promise<void> {
    if (this.closed) return;
    this.syncsInFlight++;
    try {
      await fdatasyncAsync(this.fd);
    } finally {
      this.syncsInFlight--;
      if (this.closed && this.syncsInFlight === 0) closeSync(this.fd);
    }
  }

  /** Closes the index files: the segment is no longer the one appended to. */
  retire(): void {
    this.indexes.release();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.indexes.release();
    if (this.syncsInFlight === 0) closeSync(this.fd);
  }

  /** Closes the segment and deletes its files. */
  remove(): void {
    this.close();
    removeSegmentFiles(this.paths);
  }
}
