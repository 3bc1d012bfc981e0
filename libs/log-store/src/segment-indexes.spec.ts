import { readFileSync } from 'node:fs';
import { LogDirectory } from './log-directory';
import { SegmentIndexes } from './segment-indexes';
import { useTempDir } from './temp-dir.fixture';

interface Rec {
  size: number;
  arrivalMs: number;
}

/** Records of `size` bytes in batches: arrival time steps up by 10 ms per batch. */
function batches(count: number, perBatch: number, size: number): Rec[] {
  return Array.from({ length: count * perBatch }, (_, i) => ({ size, arrivalMs: 1000 + 10 * Math.floor(i / perBatch) }));
}

function observeAll(indexes: SegmentIndexes, records: Rec[], from = 0): void {
  let position = records.slice(0, from).reduce((sum, r) => sum + r.size, 0);
  records.slice(from).forEach((record, i) => {
    indexes.observe(from + i, position, record.arrivalMs);
    position += record.size;
  });
}

function entries(indexes: SegmentIndexes) {
  const { offsets, times } = indexes;
  return {
    offsets: Array.from({ length: offsets.length }, (_, i) => [offsets.relativeOffsetAt(i), offsets.positionAt(i)]),
    times: Array.from({ length: times.length }, (_, i) => [times.arrivalMsAt(i), times.relativeOffsetAt(i)]),
  };
}

describe('SegmentIndexes', () => {
  const dir = useTempDir();
  const open: SegmentIndexes[] = [];
  afterEach(() => open.splice(0).forEach((indexes) => indexes.release()));

  function create(base: number, intervalBytes: number): SegmentIndexes {
    const indexes = SegmentIndexes.create(new LogDirectory(dir.path).segmentPaths(base), intervalBytes);
    open.push(indexes);
    return indexes;
  }

  it('adds an offset entry at the first record at least one interval past the previous one', () => {
    const indexes = create(0, 250);
    observeAll(indexes, batches(1, 10, 100));
    expect(entries(indexes).offsets).toEqual([
      [3, 300],
      [6, 600],
      [9, 900],
    ]);
  });

  it('adds a time entry beside an offset entry only where arrival time stepped up since the last', () => {
    const indexes = create(0, 250);
    // Batches of 4 records of 100 bytes: offset entries at 3, 6, 9, 12, 15; batches start at 0, 4, 8, 12, 16.
    observeAll(indexes, batches(5, 4, 100));
    expect(entries(indexes)).toEqual({
      offsets: [
        [3, 300],
        [6, 600],
        [9, 900],
        [12, 1200],
        [15, 1500],
        [18, 1800],
      ],
      times: [
        [1010, 6],
        [1020, 9],
        [1030, 12],
        [1040, 18],
      ],
    });
  });

  it('derives the same entries when resumed after dropping records as when never interrupted', () => {
    const records = batches(6, 3, 130);
    const whole = create(0, 300);
    observeAll(whole, records);
    for (const cut of [0, 1, 5, 9, 13]) {
      const resumed = create(100 + cut, 300);
      observeAll(resumed, records);
      resumed.keepRecordsBelow(cut, records[0].arrivalMs);
      observeAll(resumed, records, cut);
      expect(entries(resumed)).toEqual(entries(whole));
    }
  });

  it('writes the time index and the offset index on flush', () => {
    const indexes = create(0, 250);
    observeAll(indexes, batches(5, 4, 100));
    indexes.flush();
    const paths = new LogDirectory(dir.path).segmentPaths(0);
    expect(readFileSync(paths.offsetIndex).length).toBe(6 * 8);
    expect(readFileSync(paths.timeIndex).length).toBe(4 * 12);
    const loaded = SegmentIndexes.load(paths, 250);
    open.push(loaded);
    expect(entries(loaded)).toEqual(entries(indexes));
    expect(loaded.complete).toBe(true);
  });

  it('is consistent only when every time entry sits on an offset entry and follows the first record', () => {
    const indexes = create(0, 250);
    observeAll(indexes, batches(5, 4, 100));
    expect(indexes.isConsistent(1000)).toBe(true);
    expect(indexes.isConsistent(1010)).toBe(false);
    indexes.times.add(1050, 19);
    expect(indexes.isConsistent(1000)).toBe(false);
  });
});
