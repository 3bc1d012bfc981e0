import { fstatSync, ftruncateSync } from 'node:fs';
import { FrameCursor } from './frame-cursor';
import { frameArrivalMs, frameOffset } from './record-frame';
import type { SegmentIndexes } from './segment-indexes';

export interface RecoveredSegment {
  size: number;
  recordCount: number;
  firstArrivalMs: number | undefined;
  lastArrivalMs: number | undefined;
  /** Bytes cut from the end of the log file: a torn or corrupt tail. */
  truncatedBytes: number;
  /** Whether the indexes were missing or inconsistent and were derived again from the whole log. */
  rebuiltIndexes: boolean;
}

const PROBE_CHUNK_BYTES = 4096;
const SCAN_CHUNK_BYTES = 1 << 20;

/**
 * Brings a segment's files back to a consistent state, whether the last stop was clean or not. The
 * log file is the truth: scanning it from the last index entry that still points at an intact frame,
 * recovery keeps frames while they are intact, carry the next offset and do not go back in time,
 * cuts the file at the first that fails, and derives index entries for what it scanned. Indexes that
 * are missing or fail their checks are derived again from the start. Cost: one index interval plus
 * the unindexed tail, unless a rebuild reads the whole segment.
 */
export function recoverSegment(fd: number, baseOffset: number, indexes: SegmentIndexes): RecoveredSegment {
  const fileSize = fstatSync(fd).size;
  const { offsets, times } = indexes;
  const firstArrivalMs = probe(fd, 0, fileSize, baseOffset);
  if (firstArrivalMs === undefined) {
    if (fileSize > 0) ftruncateSync(fd, 0);
    indexes.keepRecordsBelow(0, undefined);
    return empty(fileSize);
  }

  // A crash between the two index writes can leave time entries ahead of the offset index.
  const lastIndexed = offsets.length > 0 ? offsets.relativeOffsetAt(offsets.length - 1) : 0;
  times.file.truncate(times.countBelow(lastIndexed + 1));

  let scanned: Scan | undefined;
  if (indexes.complete && indexes.isConsistent(firstArrivalMs)) {
    scanned = resumeFromIndexes(fd, fileSize, baseOffset, indexes, firstArrivalMs);
  }
  const rebuilt = scanned === undefined;
  if (scanned === undefined) {
    indexes.keepRecordsBelow(0, undefined);
    scanned = scan(fd, fileSize, baseOffset, indexes, 0, 0, 0);
  }

  if (scanned.end < fileSize) ftruncateSync(fd, scanned.end);
  indexes.flush();
  return {
    size: scanned.end,
    recordCount: scanned.recordCount,
    firstArrivalMs,
    lastArrivalMs: scanned.lastArrivalMs,
    truncatedBytes: fileSize - scanned.end,
    rebuiltIndexes: rebuilt,
  };
}

interface Scan {
  end: number;
  recordCount: number;
  lastArrivalMs: number | undefined;
}

function scan(
  fd: number,
  fileSize: number,
  baseOffset: number,
  indexes: SegmentIndexes,
  startOffset: number,
  startPosition: number,
  floorMs: number,
): Scan {
  const cursor = new FrameCursor(fd, startPosition, fileSize, SCAN_CHUNK_BYTES);
  let relativeOffset = startOffset;
  let lastArrivalMs: number | undefined;
  let previousMs = floorMs;
  while (cursor.load() === 'frame') {
    const arrivalMs = frameArrivalMs(cursor, cursor.at);
    if (frameOffset(cursor, cursor.at) !== baseOffset + relativeOffset || arrivalMs < previousMs) break;
    indexes.observe(relativeOffset, cursor.position, arrivalMs);
    previousMs = lastArrivalMs = arrivalMs;
    relativeOffset++;
    cursor.advance();
  }
  return { end: cursor.position, recordCount: relativeOffset, lastArrivalMs };
}

/**
 * Scans on from the last offset entry that points at an intact frame carrying its offset, after
 * dropping the entries past it. Undefined when the indexes disagree with the log.
 */
function resumeFromIndexes(
  fd: number,
  fileSize: number,
  baseOffset: number,
  indexes: SegmentIndexes,
  firstArrivalMs: number,
): Scan | undefined {
  const { offsets, times } = indexes;
  let start = offsets.length - 1;
  while (start >= 0 && probe(fd, offsets.positionAt(start), fileSize, baseOffset + offsets.relativeOffsetAt(start)) === undefined) {
    start--;
  }
  const startOffset = start < 0 ? 0 : offsets.relativeOffsetAt(start);
  const startPosition = start < 0 ? 0 : offsets.positionAt(start);
  indexes.keepRecordsBelow(startOffset, firstArrivalMs);

  let floorMs = firstArrivalMs;
  if (times.length > 0) {
    floorMs = times.arrivalMsAt(times.length - 1);
    const relativeOffset = times.relativeOffsetAt(times.length - 1);
    const position = offsets.positionAt(offsets.floor(relativeOffset));
    if (probe(fd, position, fileSize, baseOffset + relativeOffset) !== floorMs) return undefined;
  }
  const scanned = scan(fd, fileSize, baseOffset, indexes, startOffset, startPosition, floorMs);
  return scanned.lastArrivalMs === undefined ? undefined : scanned;
}

/** Arrival time of the frame at `position` if it is intact and carries `offset`. */
function probe(fd: number, position: number, fileSize: number, offset: number): number | undefined {
  const cursor = new FrameCursor(fd, position, fileSize, PROBE_CHUNK_BYTES);
  if (cursor.load() !== 'frame' || frameOffset(cursor, cursor.at) !== offset) return undefined;
  return frameArrivalMs(cursor, cursor.at);
}

function empty(truncatedBytes: number): RecoveredSegment {
  return { size: 0, recordCount: 0, firstArrivalMs: undefined, lastArrivalMs: undefined, truncatedBytes, rebuiltIndexes: false };
}
