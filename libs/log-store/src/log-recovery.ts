import { type LogDirectory, removeSegmentFiles } from './log-directory';
import { Segment } from './segment';

/** What opening a log found and repaired; worth logging when any count is non-zero. */
export interface ShardLogRecovery {
  /** Bytes cut from the ends of segments: torn or corrupt tails. */
  truncatedBytes: number;
  /** Segments deleted because the one before them ended short of their first offset. */
  droppedSegments: number;
  /** Segments whose indexes were missing or inconsistent and were rebuilt from the log. */
  rebuiltIndexes: number;
  /** Leader-epoch entries dropped to fit the recovered log (see LeaderEpochHistory.recover). */
  droppedLeaderEpochs: number;
}

/** What opening the segments found and repaired. */
export type SegmentsRecovery = Omit<ShardLogRecovery, 'droppedLeaderEpochs'>;

/**
 * Opens a log's segments in offset order, recovering each (see recoverSegment), and keeps the
 * longest prefix that forms one log: every segment begins where the one before it ends and its
 * records arrived no earlier. A segment that breaks this (its predecessor lost its tail) is deleted
 * with every later one, since a log with a hole in it is no log.
 */
export function openSegments(directory: LogDirectory, indexIntervalBytes: number): { segments: Segment[]; recovery: SegmentsRecovery } {
  const bases = directory.scanSegments();
  const segments: Segment[] = [];
  const recovery: SegmentsRecovery = { truncatedBytes: 0, droppedSegments: 0, rebuiltIndexes: 0 };
  try {
    for (let i = 0; i < bases.length; i++) {
      const previous = segments.at(-1);
      if (previous === undefined || previous.nextOffset === bases[i]) {
        const opened = Segment.open(directory.segmentPaths(bases[i]), bases[i], indexIntervalBytes);
        recovery.truncatedBytes += opened.recovery.truncatedBytes;
        if (opened.recovery.rebuiltIndexes) recovery.rebuiltIndexes++;
        const { firstArrivalMs } = opened.segment;
        if (previous === undefined || firstArrivalMs === undefined || firstArrivalMs >= (previous.lastArrivalMs ?? 0)) {
          segments.push(opened.segment);
          continue;
        }
        opened.segment.close();
      }
      for (const base of bases.slice(i).reverse()) removeSegmentFiles(directory.segmentPaths(base));
      recovery.droppedSegments = bases.length - i;
      break;
    }
  } catch (error) {
    for (const segment of segments) segment.close();
    throw error;
  }
  return { segments, recovery };
}
