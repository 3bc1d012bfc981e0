import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { LogDirectory } from './log-directory';
import type { LogRecord } from './log-record';
import { planBatch } from './record-frame';
import type { RecordView } from './record-view';
import { Segment } from './segment';
import { type ReadBudget, readSegment, segmentOffsetAtTimestamp } from './segment-reader';
import { useTempDir } from './temp-dir.fixture';

const BASE = 500;

function budget(maxRecords: number, maxBytes: number): ReadBudget {
  return { maxRecords, maxBytes, bytes: 0, records: [] };
}

describe('segment reader', () => {
  const dir = useTempDir();
  let segment: Segment;
  /** Arrival time of each record, by relative offset. */
  const arrivals: number[] = [];

  beforeEach(() => {
    segment = Segment.create(new LogDirectory(dir.path).segmentPaths(BASE), BASE, 200);
    arrivals.length = 0;
    // Batches of 1..4 records of 50 bytes of data ('pk' keys: 52 budget bytes each), arrival times
    // stepping irregularly, sometimes not at all.
    let arrivalMs = 10_000;
    for (let b = 0; b < 40; b++) {
      const count = 1 + (b % 4);
      arrivalMs += [0, 1, 7, 30][b % 4];
      const records = Array.from({ length: count }, (_, i) => ({ partitionKey: 'pk', data: Buffer.alloc(50, segment.recordCount + i) }));
      segment.append(planBatch(records), arrivalMs);
      for (let i = 0; i < count; i++) arrivals.push(arrivalMs);
    }
  });

  afterEach(() => segment.close());

  describe('readSegment', () => {
    it('reads from any offset to the end of the segment, then reports the budget unspent', () => {
      const b = budget(1000, 1 << 20);
      expect(readSegment(segment, BASE + 17, b)).toBe(false);
      expect(b.records.map((r) => r.offset)).toEqual(Array.from({ length: arrivals.length - 17 }, (_, i) => BASE + 17 + i));
      expect(b.records.every((r: LogRecord) => r.data[0] === r.offset - BASE && r.arrivalMs === arrivals[r.offset - BASE])).toBe(true);
      expect(b.bytes).toBe(52 * b.records.length);
    });

    it('stops at maxRecords', () => {
      const b = budget(5, 1 << 20);
      expect(readSegment(segment, BASE + 3, b)).toBe(true);
      expect(b.records.map((r) => r.offset)).toEqual([503, 504, 505, 506, 507]);
    });

    it('stops before the record that would pass maxBytes', () => {
      const b = budget(1000, 52 * 3 + 51);
      expect(readSegment(segment, BASE, b)).toBe(true);
      expect(b.records).toHaveLength(3);
    });

    it('returns the first record of a read even when it alone passes maxBytes', () => {
      const b = budget(1000, 10);
      readSegment(segment, BASE + 8, b);
      expect(b.records.map((r) => r.offset)).toEqual([508]);
    });

    describe('checksums, checked together per read buffer', () => {
      /** Flips a byte of the data of the frame at `position` while `read` runs. */
      function withCorruptFrame(target: Segment, position: number, read: () => void): void {
        const fd = openSync(target.paths.log, 'r+');
        const byte = Buffer.alloc(1);
        readSync(fd, byte, 0, 1, position + 29);
        writeSync(fd, Buffer.from([byte[0] ^ 0x10]), 0, 1, position + 29);
        try {
          read();
        } finally {
          writeSync(fd, byte, 0, 1, position + 29);
          closeSync(fd);
        }
      }
      const corruptAt = (position: number) => expect.objectContaining({ name: 'LogCorruptionError', position });
      /** Frames of the fixture: 27 bytes of header, 'pk', 50 bytes of data. */
      const FRAME = 79;

      it('reports the first frame that fails its checksum, wherever it lies', () => {
        for (const k of [0, 1, 2, 17, 63, 64, arrivals.length - 1]) {
          withCorruptFrame(segment, k * FRAME, () => {
            expect(() => readSegment(segment, BASE, budget(1000, 1 << 20))).toThrow(corruptAt(k * FRAME));
          });
        }
        expect(readSegment(segment, BASE, budget(1000, 1 << 20))).toBe(false);
      });

      it('checks the frame that stops the byte budget, as when every frame was checked on loading', () => {
        withCorruptFrame(segment, 3 * FRAME, () => {
          expect(() => readSegment(segment, BASE, budget(1000, 52 * 3 + 51))).toThrow(corruptAt(3 * FRAME));
          expect(readSegment(segment, BASE, budget(3, 1 << 20))).toBe(true);
        });
      });

      it('checks runs that span several read buffers', () => {
        const big = Segment.create(new LogDirectory(dir.path).segmentPaths(10_000), 10_000, 4096);
        try {
          // Small records then large ones: reading the large ones from the middle outgrows the
          // read size the segment's average frame suggests, so the cursor refills.
          big.append(planBatch(Array.from({ length: 300 }, () => ({ partitionKey: 'pk', data: Buffer.alloc(1) }))), 1);
          big.append(planBatch(Array.from({ length: 300 }, (_, i) => ({ partitionKey: 'pk', data: Buffer.alloc(1000, i) }))), 2);
          const positionOf = (k: number) => 30 * Math.min(k, 300) + 1029 * Math.max(0, k - 300);
          const b = budget(300, 1 << 30);
          expect(readSegment(big, 10_300, b)).toBe(true);
          expect(b.records).toHaveLength(300);
          expect(new Set(b.records.map((r) => r.source)).size).toBeGreaterThan(1);
          for (const k of [301, 350, 420, 599]) {
            withCorruptFrame(big, positionOf(k), () => {
              expect(() => readSegment(big, 10_300, budget(300, 1 << 30))).toThrow(corruptAt(positionOf(k)));
            });
          }
        } finally {
          big.close();
        }
      });
    });

    it('reads into buffers from a given source, larger than asked and holding old bytes, with the same records and checks', () => {
      const big = Segment.create(new LogDirectory(dir.path).segmentPaths(20_000), 20_000, 4096);
      try {
        big.append(planBatch(Array.from({ length: 300 }, () => ({ partitionKey: 'pk', data: Buffer.alloc(1) }))), 1);
        big.append(planBatch(Array.from({ length: 300 }, (_, i) => ({ partitionKey: `k${String(i).padStart(3, '0')}`, data: Buffer.alloc(1000, i) }))), 2);
        const taken: Buffer[] = [];
        const buffers = { take: (bytes: number) => (taken.push(Buffer.alloc(2 * bytes + 7, 0xee)), taken[taken.length - 1]) };
        const plain = budget(300, 1 << 30);
        const lent: ReadBudget = { ...budget(300, 1 << 30), buffers };
        expect(readSegment(big, 20_300, lent)).toBe(readSegment(big, 20_300, plain));
        expect(taken.length).toBeGreaterThan(1);
        expect(lent.records.every((r) => taken.some((buffer) => buffer.buffer === r.source.buffer))).toBe(true);
        const summary = (records: RecordView[]) => records.map((r) => [r.offset, r.arrivalMs, r.partitionKey, r.data.toString('hex')]);
        expect(summary(lent.records)).toEqual(summary(plain.records));
        // The checksums are checked over the bytes read, not over the rest of a larger buffer.
        const position = 30 * 300 + 1031 * 50;
        const fd = openSync(big.paths.log, 'r+');
        try {
          writeSync(fd, Buffer.from([0xff]), 0, 1, position + 40);
          expect(() => readSegment(big, 20_300, { ...budget(300, 1 << 30), buffers })).toThrow(expect.objectContaining({ name: 'LogCorruptionError', position }));
        } finally {
          closeSync(fd);
        }
      } finally {
        big.close();
      }
    });

    it('counts bytes already spent by earlier segments against maxBytes', () => {
      const b: ReadBudget = { maxRecords: 1000, maxBytes: 100, bytes: 90, records: [{} as RecordView] };
      expect(readSegment(segment, BASE, b)).toBe(true);
      expect(b.records).toHaveLength(1);
    });
  });

  describe('segmentOffsetAtTimestamp', () => {
    it('answers like a full scan for every timestamp across the segment', () => {
      expect(segment.indexes.times.length).toBeGreaterThan(3);
      for (let t = arrivals[0] - 2; t <= arrivals[arrivals.length - 1]; t++) {
        const firstAtOrAfter = arrivals.findIndex((a) => a >= t);
        expect([t, segmentOffsetAtTimestamp(segment, t)]).toEqual([t, BASE + firstAtOrAfter]);
      }
    });

    it('answers nextOffset past the newest record', () => {
      expect(segmentOffsetAtTimestamp(segment, arrivals[arrivals.length - 1] + 1)).toBe(segment.nextOffset);
    });
  });
});
