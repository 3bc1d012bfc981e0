import { OffsetIndex } from './offset-index';
import type { SegmentPaths } from './log-directory';
import { TimeIndex } from './time-index';

/**
 * The two sparse indexes of a segment and the rule that keeps them in step. Records are observed in
 * log order; a record gets an offset entry when it starts at least `intervalBytes` after the previous
 * entry (the first record is the implied entry at position 0), and a time entry beside that offset
 * entry when it arrived later than the previous time entry (or the first record).
 *
 * So the time entries are exactly the offset entries where arrival time steps up, and every offset
 * entry between two time entries carries the earlier one's time. offsetAtTimestamp relies on this to
 * scan at most one offset-index interval, whatever interval the files were written with.
 */
export class SegmentIndexes {
  private lastOffsetEntryPosition = 0;
  private lastTimeEntryMs = 0;

  private constructor(
    readonly offsets: OffsetIndex,
    readonly times: TimeIndex,
    readonly intervalBytes: number,
    /** Whether both index files were on disk when loaded. */
    readonly complete: boolean,
  ) {}

  static create(paths: SegmentPaths, intervalBytes: number): SegmentIndexes {
    return new SegmentIndexes(OffsetIndex.create(paths.offsetIndex), TimeIndex.create(paths.timeIndex), intervalBytes, true);
  }

  static load(paths: SegmentPaths, intervalBytes: number): SegmentIndexes {
    const offsets = OffsetIndex.load(paths.offsetIndex);
    const times = TimeIndex.load(paths.timeIndex);
    return new SegmentIndexes(offsets, times, intervalBytes, offsets.file.existed && times.file.existed);
  }

  /** Applies the rule to the next record of the segment. */
  observe(relativeOffset: number, position: number, arrivalMs: number): void {
    if (relativeOffset === 0) {
      this.lastOffsetEntryPosition = 0;
      this.lastTimeEntryMs = arrivalMs;
      return;
    }
    if (position - this.lastOffsetEntryPosition < this.intervalBytes) return;
    if (arrivalMs > this.lastTimeEntryMs) {
      this.times.add(arrivalMs, relativeOffset);
      this.lastTimeEntryMs = arrivalMs;
    }
    this.offsets.add(relativeOffset, position);
    this.lastOffsetEntryPosition = position;
  }

  /**
   * Drops the entries of records at or after relative offset `recordCount` and resumes the rule
   * after the ones kept. `firstArrivalMs` is the segment's first record's, if it keeps any.
   */
  keepRecordsBelow(recordCount: number, firstArrivalMs: number | undefined): void {
    this.offsets.file.truncate(this.offsets.countBelow(recordCount));
    this.times.file.truncate(this.times.countBelow(recordCount));
    const { offsets, times } = this;
    this.lastOffsetEntryPosition = offsets.length > 0 ? offsets.positionAt(offsets.length - 1) : 0;
    this.lastTimeEntryMs = times.length > 0 ? times.arrivalMsAt(times.length - 1) : (firstArrivalMs ?? 0);
  }

  /** Structural checks that need no log reads: both indexes well formed, time entries on offset entries. */
  isConsistent(firstArrivalMs: number): boolean {
    const { offsets, times } = this;
    if (!offsets.isWellFormed() || !times.isWellFormed()) return false;
    if (times.length > 0 && times.arrivalMsAt(0) <= firstArrivalMs) return false;
    let o = 0;
    for (let t = 0; t < times.length; t++) {
      const relativeOffset = times.relativeOffsetAt(t);
      while (o < offsets.length && offsets.relativeOffsetAt(o) < relativeOffset) o++;
      if (o === offsets.length || offsets.relativeOffsetAt(o) !== relativeOffset) return false;
    }
    return true;
  }

  /**
   * Writes new entries to the files. The time index goes first: a crash between the two writes then
   * leaves time entries past the offset index's end, which recovery drops and re-derives, rather than
   * offset entries whose time entry is missing, which it could not tell from one never being due.
   */
  flush(): void {
    this.times.file.flush();
    this.offsets.file.flush();
  }

  /** Closes the index files (the segment is no longer the active one). */
  release(): void {
    this.times.file.release();
    this.offsets.file.release();
  }
}
