import { LogCorruptionError } from './errors';
import type { LogRecord } from './log-record';
import { FRAME_HEADER_BYTES, decodeFrame, frameArrivalMs, frameOffset, frameRecordBytes } from './record-frame';
import type { Segment } from './segment';

const MIN_READ_CHUNK_BYTES = 64 * 1024;
const MAX_READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** What a read may still return, and what it has. */
export interface ReadBudget {
  maxRecords: number;
  maxBytes: number;
  bytes: number;
  records: LogRecord[];
}

/**
 * Adds the segment's records from `fromOffset` (within the segment) to the budget until the segment
 * ends or the budget is spent; returns whether it is spent. Needs fromOffset < nextOffset and room
 * for one more record. The first record of a read always fits. Records are views into a few large
 * read buffers, sized from the budget and the segment's average frame so that one read syscall
 * usually serves the whole call.
 */
export function readSegment(segment: Segment, fromOffset: number, budget: ReadBudget): boolean {
  const { records } = budget;
  const cursor = segment.cursorAt(fromOffset, readChunkBytes(segment, budget));
  for (let offset = fromOffset; ; ) {
    const { at, size } = cursor;
    if (frameOffset(cursor, at) !== offset) throw new LogCorruptionError(segment.paths.log, cursor.position);
    const cost = frameRecordBytes(cursor, at, size);
    if (records.length > 0 && budget.bytes + cost > budget.maxBytes) return true;
    records.push(decodeFrame(cursor, at, size));
    budget.bytes += cost;
    if (records.length >= budget.maxRecords) return true;
    if (++offset === segment.nextOffset) return false;
    cursor.advance();
    if (cursor.load() !== 'frame') throw new LogCorruptionError(segment.paths.log, cursor.position);
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
