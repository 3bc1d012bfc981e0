import { appendFileSync, existsSync, rmSync, statSync, truncateSync } from 'node:fs';
import { LogDirectory } from './log-directory';
import { openSegments } from './log-recovery';
import { planBatch } from './record-frame';
import { Segment } from './segment';
import { useTempDir } from './temp-dir.fixture';

describe('openSegments', () => {
  const dir = useTempDir();
  let directory: LogDirectory;
  const opened: Segment[] = [];
  afterEach(() => opened.splice(0).forEach((segment) => segment.close()));

  /** Segments [0, 10), [10, 20), [20, 30), ten 100-byte records each, arrival ms = offset. */
  function writeSegments(arrivalOf = (offset: number) => offset): void {
    for (const base of [0, 10, 20]) {
      const segment = Segment.create(directory.segmentPaths(base), base, 256);
      for (let offset = base; offset < base + 10; offset++) {
        segment.append(planBatch([{ partitionKey: 'k', data: Buffer.alloc(100, offset) }]), arrivalOf(offset));
      }
      segment.close();
    }
  }

  function open() {
    const result = openSegments(directory, 256);
    opened.push(...result.segments);
    return result;
  }

  beforeEach(() => {
    directory = new LogDirectory(dir.path);
  });

  it('opens every segment in offset order', () => {
    writeSegments();
    const { segments, recovery } = open();
    expect(segments.map((s) => [s.baseOffset, s.nextOffset])).toEqual([
      [0, 10],
      [10, 20],
      [20, 30],
    ]);
    expect(recovery).toEqual({ truncatedBytes: 0, droppedSegments: 0, rebuiltIndexes: 0 });
  });

  it('opens an empty directory as no segments', () => {
    expect(open().segments).toEqual([]);
  });

  it('sums what recovering each segment repaired', () => {
    writeSegments();
    appendFileSync(directory.segmentPaths(20).log, Buffer.from('torn'));
    rmSync(directory.segmentPaths(0).offsetIndex);
    rmSync(directory.segmentPaths(10).timeIndex);
    expect(open().recovery).toEqual({ truncatedBytes: 4, droppedSegments: 0, rebuiltIndexes: 2 });
  });

  it('deletes the segments after one that lost its tail, since the log would have a hole', () => {
    writeSegments();
    const middle = directory.segmentPaths(10);
    truncateSync(middle.log, statSync(middle.log).size - 50);
    const { segments, recovery } = open();
    expect(segments.map((s) => [s.baseOffset, s.nextOffset])).toEqual([
      [0, 10],
      [10, 19],
    ]);
    expect(recovery.droppedSegments).toBe(1);
    expect(existsSync(directory.segmentPaths(20).log) || existsSync(directory.segmentPaths(20).offsetIndex)).toBe(false);
  });

  it('deletes a segment whose records arrived before the end of the one it follows, and those after it', () => {
    writeSegments((offset) => (offset >= 10 && offset < 20 ? offset - 5 : offset));
    const { segments, recovery } = open();
    expect(segments.map((s) => s.baseOffset)).toEqual([0]);
    expect(recovery.droppedSegments).toBe(2);
  });
});
