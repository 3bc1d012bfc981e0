import { appendFileSync, closeSync, openSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { LogDirectory, type SegmentPaths } from './log-directory';
import { FRAME_HEADER_BYTES, encodeBatch, planBatch } from './record-frame';
import { Segment } from './segment';
import { useTempDir } from './temp-dir.fixture';

const BASE = 200;
const INTERVAL = 300;

describe('segment recovery', () => {
  const dir = useTempDir();
  let paths: SegmentPaths;
  /** File position where each record starts, by relative offset. */
  let starts: number[];
  let logBytes: Buffer;
  let offsetIndexBytes: Buffer;
  let timeIndexBytes: Buffer;
  const opened: Segment[] = [];

  beforeEach(() => {
    paths = new LogDirectory(dir.path).segmentPaths(BASE);
    const segment = Segment.create(paths, BASE, INTERVAL);
    starts = [];
    for (let b = 0; b < 12; b++) {
      const records = Array.from({ length: 3 }, (_, i) => ({ partitionKey: `key-${b}`, data: Buffer.alloc(60 + i * 20, b) }));
      let position = segment.size;
      for (const record of records) {
        starts.push(position);
        position += FRAME_HEADER_BYTES + record.partitionKey.length + record.data.length;
      }
      segment.append(planBatch(records), 5000 + b * 10);
    }
    segment.close();
    logBytes = readFileSync(paths.log);
    offsetIndexBytes = readFileSync(paths.offsetIndex);
    timeIndexBytes = readFileSync(paths.timeIndex);
  });

  afterEach(() => opened.splice(0).forEach((segment) => segment.close()));

  function reopen() {
    const result = Segment.open(paths, BASE, INTERVAL);
    opened.push(result.segment);
    return result;
  }

  function expectIntactThrough(segment: Segment, lastOffset: number): void {
    expect(segment.nextOffset).toBe(lastOffset + 1);
    expect(readFileSync(paths.log)).toEqual(logBytes.subarray(0, starts[lastOffset - BASE + 1] ?? logBytes.length));
    expect(segment.size).toBe(statSync(paths.log).size);
    for (let offset = BASE; offset <= lastOffset; offset += 4) expect(() => segment.cursorAt(offset, 64)).not.toThrow();
  }

  it('finds nothing to do after a clean close', () => {
    const { segment, recovery } = reopen();
    expect(recovery).toEqual({
      size: logBytes.length,
      recordCount: 36,
      firstArrivalMs: 5000,
      lastArrivalMs: 5110,
      truncatedBytes: 0,
      rebuiltIndexes: false,
    });
    expectIntactThrough(segment, BASE + 35);
  });

  it('cuts half a frame left by a crash mid-write, and appends continue after the last whole one', () => {
    const torn = encodeBatch(planBatch([{ partitionKey: 'torn', data: Buffer.alloc(100, 1) }]), BASE + 36, 6000, () => undefined);
    appendFileSync(paths.log, torn.subarray(0, 70));
    const { segment, recovery } = reopen();
    expect(recovery.truncatedBytes).toBe(70);
    expectIntactThrough(segment, BASE + 35);
    segment.append(planBatch([{ partitionKey: 'next', data: Buffer.from('after') }]), 7000);
    const cursor = segment.cursorAt(BASE + 36, 64);
    expect(cursor.buffer.toString('utf8', cursor.at + cursor.size - 5, cursor.at + cursor.size)).toBe('after');
  });

  it('cuts garbage after the last good frame', () => {
    appendFileSync(paths.log, Buffer.from('not a frame at all, just bytes that landed after the last one'));
    const { segment, recovery } = reopen();
    expect(recovery.truncatedBytes).toBeGreaterThan(0);
    expectIntactThrough(segment, BASE + 35);
  });

  it('cuts from the first frame that fails its checksum, keeping everything before it', () => {
    // The frame the last index entry points at, so recovery must also step back to an earlier entry.
    const damaged = BASE + offsetIndexBytes.readUInt32LE(offsetIndexBytes.length - 8);
    expect(damaged).toBeLessThan(BASE + 35);
    const fd = openSync(paths.log, 'r+');
    writeSync(fd, Buffer.from([0xee]), 0, 1, starts[damaged - BASE] + 40);
    closeSync(fd);
    const { segment, recovery } = reopen();
    expect(recovery.truncatedBytes).toBe(logBytes.length - starts[damaged - BASE]);
    expect(recovery.rebuiltIndexes).toBe(false);
    expectIntactThrough(segment, damaged - 1);
    expect(segment.lastArrivalMs).toBe(5000 + Math.floor((damaged - 1 - BASE) / 3) * 10);
  });

  it('cuts an intact frame that does not carry the next offset (stale bytes from before a truncation)', () => {
    const stale = encodeBatch(planBatch([{ partitionKey: 'stale', data: Buffer.alloc(10) }]), BASE + 90, 6000, () => undefined);
    appendFileSync(paths.log, stale);
    const { segment, recovery } = reopen();
    expect(recovery.truncatedBytes).toBe(stale.length);
    expectIntactThrough(segment, BASE + 35);
  });

  it('drops index entries past a cut tail and derives them again for what remains', () => {
    truncateSync(paths.log, starts[20] + 10);
    const { segment, recovery } = reopen();
    expect(recovery.rebuiltIndexes).toBe(false);
    expectIntactThrough(segment, BASE + 19);
    const { offsets } = segment.indexes;
    expect(offsets.relativeOffsetAt(offsets.length - 1)).toBeLessThan(20);
    expect(statSync(paths.offsetIndex).size).toBe(offsets.length * 8);
  });

  it.each([
    ['offset index is missing', () => rmSync(paths.offsetIndex)],
    ['time index is missing', () => rmSync(paths.timeIndex)],
    ['offset index is out of order', () => writeFileSync(paths.offsetIndex, Buffer.concat([offsetIndexBytes.subarray(8, 16), offsetIndexBytes.subarray(0, 8)]))],
    ['time index names a record that is not on an offset entry', () => writeFileSync(paths.timeIndex, Buffer.from([1, 2, 3, 4, 0, 0, 0, 0, 1, 0, 0, 0]))],
    ['time entry checked on resuming disagrees with its record', () => {
      // Recovery resumes at the last offset entry; the time entry before it is the one it checks.
      const lastIndexed = offsetIndexBytes.readUInt32LE(offsetIndexBytes.length - 8);
      const wrong = Buffer.from(timeIndexBytes);
      let at = wrong.length - 12;
      while (wrong.readUInt32LE(at + 8) >= lastIndexed) at -= 12;
      wrong.writeUInt32LE(wrong.readUInt32LE(at) + 1, at);
      writeFileSync(paths.timeIndex, wrong);
    }],
  ])('rebuilds both indexes from the log when the %s', (_case, damage) => {
    damage();
    const { segment, recovery } = reopen();
    expect(recovery).toMatchObject({ rebuiltIndexes: true, truncatedBytes: 0 });
    expectIntactThrough(segment, BASE + 35);
    expect(readFileSync(paths.offsetIndex)).toEqual(offsetIndexBytes);
    expect(readFileSync(paths.timeIndex)).toEqual(timeIndexBytes);
  });

  it('re-derives entries lost when a crash came between the log write and the index writes', () => {
    truncateSync(paths.offsetIndex, offsetIndexBytes.length - 16);
    truncateSync(paths.timeIndex, timeIndexBytes.length - 12);
    const { recovery } = reopen();
    expect(recovery.rebuiltIndexes).toBe(false);
    expect(readFileSync(paths.offsetIndex)).toEqual(offsetIndexBytes);
    expect(readFileSync(paths.timeIndex)).toEqual(timeIndexBytes);
  });

  it('drops time entries written ahead of the offset index by a crash between the two index writes', () => {
    truncateSync(paths.offsetIndex, offsetIndexBytes.length - 8);
    const { recovery } = reopen();
    expect(recovery.rebuiltIndexes).toBe(false);
    expect(readFileSync(paths.offsetIndex)).toEqual(offsetIndexBytes);
    expect(readFileSync(paths.timeIndex)).toEqual(timeIndexBytes);
  });

  it('empties a segment whose first frame is torn', () => {
    truncateSync(paths.log, 20);
    const { segment, recovery } = reopen();
    expect(recovery).toMatchObject({ size: 0, recordCount: 0, truncatedBytes: 20 });
    expect([segment.nextOffset, statSync(paths.log).size, statSync(paths.offsetIndex).size]).toEqual([BASE, 0, 0]);
  });
});
