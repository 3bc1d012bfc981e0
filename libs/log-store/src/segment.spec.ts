import { existsSync, readFileSync, statSync } from 'node:fs';
import { LogDirectory, type SegmentPaths } from './log-directory';
import type { LogRecordInput } from './log-record';
import { decodeFrame, frameOffset, planBatch } from './record-frame';
import { Segment } from './segment';
import { useTempDir } from './temp-dir.fixture';

const BASE = 1000;

function batch(first: number, count: number): LogRecordInput[] {
  return Array.from({ length: count }, (_, i) => ({ partitionKey: `pk-${first + i}`, data: Buffer.alloc(40 + ((first + i) % 7) * 30, first + i) }));
}

describe('Segment', () => {
  const dir = useTempDir();
  let paths: SegmentPaths;
  let segment: Segment;

  beforeEach(() => {
    paths = new LogDirectory(dir.path).segmentPaths(BASE);
    segment = Segment.create(paths, BASE, 256);
    for (let b = 0; b < 10; b++) segment.append(planBatch(batch(BASE + b * 5, 5)), 100 + b);
  });

  afterEach(() => segment.close());

  it('appends batches at consecutive offsets and tracks size and arrival times', () => {
    expect(segment.nextOffset).toBe(BASE + 50);
    expect(segment.size).toBe(statSync(paths.log).size);
    expect([segment.firstArrivalMs, segment.lastArrivalMs]).toEqual([100, 109]);
  });

  it('finds every offset through the index', () => {
    expect(segment.indexes.offsets.length).toBeGreaterThan(5);
    for (let offset = BASE; offset < BASE + 50; offset++) {
      const cursor = segment.cursorAt(offset, 64);
      const record = decodeFrame(cursor, cursor.at, cursor.size);
      expect(record).toMatchObject({ offset, partitionKey: `pk-${offset}`, arrivalMs: 100 + Math.floor((offset - BASE) / 5) });
    }
  });

  it('truncates to an offset inside it, in memory and on disk, and appends after it', () => {
    segment.truncate(BASE + 23);
    expect([segment.nextOffset, segment.lastArrivalMs]).toEqual([BASE + 23, 104]);
    expect(statSync(paths.log).size).toBe(segment.size);
    expect(segment.indexes.offsets.relativeOffsetAt(segment.indexes.offsets.length - 1)).toBeLessThan(23);
    segment.append(planBatch(batch(7000, 2)), 500);
    const cursor = segment.cursorAt(BASE + 24, 64);
    expect(decodeFrame(cursor, cursor.at, cursor.size)).toMatchObject({ offset: BASE + 24, partitionKey: 'pk-7001', arrivalMs: 500 });
  });

  it('truncates to its base offset, leaving it empty', () => {
    segment.truncate(BASE);
    expect([segment.recordCount, segment.size, segment.firstArrivalMs, segment.lastArrivalMs]).toEqual([0, 0, undefined, undefined]);
    expect(segment.indexes.offsets.length + segment.indexes.times.length).toBe(0);
    expect(statSync(paths.offsetIndex).size).toBe(0);
  });

  it('reopens to the same state and the same index files', () => {
    const indexBytes = readFileSync(paths.offsetIndex);
    const timeBytes = readFileSync(paths.timeIndex);
    segment.close();
    const { segment: reopened, recovery } = Segment.open(paths, BASE, 256);
    segment = reopened;
    expect(recovery).toMatchObject({ truncatedBytes: 0, rebuiltIndexes: false });
    expect([reopened.nextOffset, reopened.size, reopened.firstArrivalMs, reopened.lastArrivalMs]).toEqual([BASE + 50, statSync(paths.log).size, 100, 109]);
    expect(readFileSync(paths.offsetIndex)).toEqual(indexBytes);
    expect(readFileSync(paths.timeIndex)).toEqual(timeBytes);
    const cursor = reopened.cursorAt(BASE + 37, 64);
    expect(frameOffset(cursor, cursor.at)).toBe(BASE + 37);
  });

  it('syncs while open and does nothing once closed', async () => {
    await expect(segment.sync()).resolves.toBeUndefined();
    const pending = segment.sync();
    segment.close();
    await expect(pending).resolves.toBeUndefined();
    await expect(segment.sync()).resolves.toBeUndefined();
  });

  it('removes its files', () => {
    segment.remove();
    expect([paths.log, paths.offsetIndex, paths.timeIndex].map(existsSync)).toEqual([false, false, false]);
  });
});
