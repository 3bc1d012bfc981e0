import { appendFileSync, closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameCursor } from './frame-cursor';
import type { LogRecordInput } from './log-record';
import { decodeFrame, encodeBatch, frameOffset, planBatch } from './record-frame';
import { useTempDir } from './temp-dir.fixture';

const records: LogRecordInput[] = [10, 300, 5, 1000, 20].map((size, i) => ({
  partitionKey: `k${i}`,
  data: Buffer.alloc(size, i + 1),
}));

describe('FrameCursor', () => {
  const dir = useTempDir();
  let path: string;
  let fd: number;
  const starts: number[] = [];
  let fileSize = 0;

  beforeEach(() => {
    path = join(dir.path, 'frames.log');
    starts.length = 0;
    const batch = encodeBatch(planBatch(records), 100, 5, (_i, at) => starts.push(at));
    writeFileSync(path, batch);
    fileSize = batch.length;
    fd = openSync(path, 'r');
  });

  afterEach(() => closeSync(fd));

  it('walks every frame in order with a chunk smaller than most frames', () => {
    const cursor = new FrameCursor(fd, 0, fileSize, 16);
    const seen: { position: number; offset: number }[] = [];
    while (cursor.load() === 'frame') {
      seen.push({ position: cursor.position, offset: frameOffset(cursor, cursor.at) });
      cursor.advance();
    }
    expect(seen).toEqual(starts.map((position, i) => ({ position, offset: 100 + i })));
    expect(cursor.load()).toBe('end');
  });

  it('starts from any frame boundary', () => {
    const cursor = new FrameCursor(fd, starts[3], fileSize, 4096);
    expect(cursor.load()).toBe('frame');
    expect(frameOffset(cursor, cursor.at)).toBe(103);
  });

  it('never reuses a buffer, so records decoded earlier stay intact', () => {
    const cursor = new FrameCursor(fd, 0, fileSize, 64);
    const decoded = [];
    while (cursor.load() === 'frame') {
      decoded.push(decodeFrame(cursor, cursor.at, cursor.size));
      cursor.advance();
    }
    expect(decoded.map((r) => r.data)).toEqual(records.map((r) => r.data));
  });

  it('reports a frame cut short by the end of the range as bad', () => {
    const cursor = new FrameCursor(fd, starts[3], starts[4] - 1, 4096);
    expect(cursor.load()).toBe('bad');
  });

  it('reports garbage after the last frame as bad, whatever its length field says', () => {
    appendFileSync(path, Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]));
    const cursor = new FrameCursor(fd, fileSize, fileSize + 7, 4096);
    expect(cursor.load()).toBe('bad');
    appendFileSync(path, Buffer.alloc(40));
    const zeros = new FrameCursor(fd, fileSize + 7, fileSize + 47, 4096);
    expect(zeros.load()).toBe('bad');
  });
});
