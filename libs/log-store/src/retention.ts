/** What retention needs to know of a segment. */
export interface RetainedSegment {
  /** Arrival time of the segment's newest record; undefined while it has none. */
  lastArrivalMs: number | undefined;
}

/**
 * How many of the oldest segments retention deletes: the leading run whose newest record arrived
 * before `cutoffMs`. Whole segments only; a segment keeps all its records while any is young enough,
 * and an empty segment (only ever the active one) stops the run.
 */
export function expiredSegmentCount(segments: readonly RetainedSegment[], cutoffMs: number): number {
  let count = 0;
  while (count < segments.length) {
    const newest = segments[count].lastArrivalMs;
    if (newest === undefined || newest >= cutoffMs) break;
    count++;
  }
  return count;
}
