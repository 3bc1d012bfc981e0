import { LogCorruptionError } from './errors';
import type { FrameCursor, ReadBufferSource } from './frame-cursor';
import {
  type FrameBytes,
  FRAME_HEADER_BYTES,
  areIntactChecksums,
  frameArrivalMs,
  frameOffset,
  frameRecordBytes,
  frameTotalBytes,
  isIntactFrame,
  viewFrame,
} from './record-frame';
import type { RecordView } from './record-view';
import type { Segment } from './segment';

const MIN_READ_CHUNK_BYTES = 64 * 1024;
const MAX_READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** What a read may still return, and what it has. */
export interface ReadBudget {
  maxRecords: number;
  maxBytes: number;
  bytes: number;
  records: RecordView[];
  /** Where the read buffers come from; fresh ones when undefined. */
  buffers?: ReadBufferSource;
}

/**
 * Adds the segment's records from `fromOffset` (within the segment) to the budget until the segment
 * ends or the budget is spent; returns whether it is spent. Needs fromOffset < nextOffset and room
 * for one more record. The first record of a read always fits. Records are views into a few large
 * read buffers, sized from the budget and the segment's average frame so that one read syscall
 * usually serves the whole call.
 *
 * Every frame loaded is checked, the one that stops the budget included, as when each was checked
 * on loading; but the checksums of the frames after the first are checked together, per read
 * buffer (see ChecksumRun), before anything is returned.
 */
export function readSegment(segment: Segment, fromOffset: number, budget: ReadBudget): boolean {
  const { records } = budget;
  const cursor = segment.cursorAt(fromOffset, readChunkBytes(segment, budget), budget.buffers);
  const unchecked = new ChecksumRun(segment);
  for (let offset = fromOffset; ; ) {
    const { at, size } = cursor;
    if (frameOffset(cursor, at) !== offset) {
      unchecked.verify();
      throw new LogCorruptionError(segment.paths.log, cursor.position);
    }
    const cost = frameRecordBytes(cursor, at, size);
    if (records.length > 0 && budget.bytes + cost > budget.maxBytes) return unchecked.verify(true);
    records.push(viewFrame(cursor, at, size));
    budget.bytes += cost;
    if (records.length >= budget.maxRecords) return unchecked.verify(true);
    if (++offset === segment.nextOffset) return unchecked.verify(false);
    cursor.advance();
    if (cursor.load(false) !== 'frame') {
      unchecked.verify();
      throw new LogCorruptionError(segment.paths.log, cursor.position);
    }
    unchecked.add(cursor);
  }
}

/** Frames loaded back to back without their checksums checked, all in one read buffer. */
class ChecksumRun {
  private bytes: FrameBytes | undefined;
  /** Where the run starts in `bytes`, and at what file position. */
  private from = 0;
  private to = 0;
  private position = 0;

  constructor(private readonly segment: Segment) {}

  /** Adds the frame the cursor just loaded, checking the run so far first if it is in another buffer. */
  add(cursor: FrameCursor): void {
    if (this.bytes !== undefined && this.bytes.buffer !== cursor.buffer) this.verify();
    if (this.bytes === undefined) {
      this.bytes = { buffer: cursor.buffer, view: cursor.view };
      this.from = cursor.at;
      this.position = cursor.position;
    }
    this.to = cursor.at + cursor.size;
  }

  /** Checks the run's checksums and empties it; throws at the first corrupt frame, else returns `spent`. */
  verify(spent = false): boolean {
    const { bytes, from, to } = this;
    this.bytes = undefined;
    if (bytes !== undefined && !areIntactChecksums(bytes, from, to)) {
      for (let at = from; at < to; at += frameTotalBytes(bytes, at)) {
        if (!isIntactFrame(bytes, at, frameTotalBytes(bytes, at))) {
          throw new LogCorruptionError(this.segment.paths.log, this.position + at - from);
        }
      }
    }
    return spent;
  }
}

/**
 * First offset in the segment whose record arrived at or after `timestampMs`, or the segment's
 * nextOffset if none did. The time index names the first offset entry at or after the timestamp;
 * every offset entry before it arrived earlier, so the scan starts at the entry just before it and
 * covers at most one index interval (see SegmentIndexes).
 */
export function segmentOffsetAtTimestamp(segment: Segment, timestampMs: number): number {
  if (segment.firstArrivalMs === undefined || segment.firstArrivalMs >= timestampMs) return segment.baseOffset;
  const { offsets, times } = segment.indexes;
  const timeEntry = times.firstAtOrAfter(timestampMs);
  const entry =
    timeEntry < times.length ? offsets.floor(times.relativeOffsetAt(timeEntry)) - 1 : offsets.length - 1;
  const cursor = segment.cursorFrom(entry < 0 ? 0 : offsets.positionAt(entry), 2 * segment.indexes.intervalBytes);
  for (let step = cursor.load(); step !== 'end'; step = cursor.load()) {
    if (step === 'bad') throw new LogCorruptionError(segment.paths.log, cursor.position);
    if (frameArrivalMs(cursor, cursor.at) >= timestampMs) return frameOffset(cursor, cursor.at);
    cursor.advance();
  }
  return segment.nextOffset;
}

function readChunkBytes(segment: Segment, budget: ReadBudget): number {
  const records = budget.maxRecords - budget.records.length;
  const averageFrame = Math.ceil(segment.size / Math.max(1, segment.recordCount));
  const wanted = Math.min(budget.maxBytes - budget.bytes + records * FRAME_HEADER_BYTES, records * averageFrame);
  return Math.min(MAX_READ_CHUNK_BYTES, Math.max(MIN_READ_CHUNK_BYTES, wanted + segment.indexes.intervalBytes));
}
