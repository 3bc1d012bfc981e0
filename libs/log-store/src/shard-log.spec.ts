import { closeSync, existsSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LogClosedError, LogCorruptionError, LogInUseError, LogSealedError } from './errors';
import type { LogRecord, LogRecordInput } from './log-record';
import { ShardLog } from './shard-log';
import type { ShardLogOptions } from './shard-log-options';
import { useTempDir } from './temp-dir.fixture';

/** `count` records whose keys and data name their batch and position. */
function batch(tag: string, count: number, dataBytes = 100): LogRecordInput[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionKey: `${tag}-${i}`,
    data: Buffer.alloc(dataBytes, `${tag}:${i};`),
  }));
}

function readAll(log: ShardLog): LogRecord[] {
  return log.read(0, 100_000, 1 << 30);
}

function logFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.log'));
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ShardLog', () => {
  const open: ShardLog[] = [];
  // Declared before the temporary directory, so logs close before it is removed.
  afterEach(async () => {
    await Promise.all(open.splice(0).map((log) => log.close()));
  });
  const tmp = useTempDir();
  let dir: string;

  beforeEach(() => {
    dir = join(tmp.path, 'shard');
  });

  async function openLog(options: Partial<ShardLogOptions> = {}): Promise<ShardLog> {
    const log = await ShardLog.open({ dir, fsync: 'group', ...options });
    open.push(log);
    return log;
  }

  async function reopen(log: ShardLog, options: Partial<ShardLogOptions> = {}): Promise<ShardLog> {
    await log.close();
    return openLog(options);
  }

  describe('open', () => {
    it('creates the directory and an empty log', async () => {
      const log = await openLog();
      expect([log.startOffset, log.nextOffset, log.lastArrivalMs, log.sealed]).toEqual([0, 0, undefined, false]);
      expect(readdirSync(dir).sort()).toEqual(['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);
    });

    it('refuses options it cannot honour, naming them', async () => {
      await expect(ShardLog.open({ dir, fsync: 'sometimes' as 'os' })).rejects.toThrow(/fsync/);
      await expect(ShardLog.open({ dir, fsync: 'os', segmentMaxBytes: 2 ** 32 })).rejects.toThrow(/segmentMaxBytes/);
      await expect(ShardLog.open({ dir, fsync: 'os', indexIntervalBytes: 0 })).rejects.toThrow(/indexIntervalBytes/);
    });

    it('refuses a directory already open in this process, until it is closed', async () => {
      const log = await openLog();
      await expect(ShardLog.open({ dir, fsync: 'os' })).rejects.toBeInstanceOf(LogInUseError);
      await expect(ShardLog.destroy(dir)).rejects.toBeInstanceOf(LogInUseError);
      await log.close();
      await openLog();
    });

    it('lets only one of two concurrent opens of a directory succeed', async () => {
      const results = await Promise.allSettled([ShardLog.open({ dir, fsync: 'os' }), ShardLog.open({ dir, fsync: 'os' })]);
      const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      open.push(...opened);
      expect(opened).toHaveLength(1);
      expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: expect.any(LogInUseError) });
    });
  });

  describe('append', () => {
    it('gives consecutive offsets in call order, and reads them back', async () => {
      const log = await openLog();
      const acks = await Promise.all([log.append(batch('a', 3), 1000), log.append(batch('b', 2), 1000), log.append(batch('c', 1), 1000)]);
      expect(acks.map((ack) => ack.firstOffset)).toEqual([0, 3, 5]);
      const expected = [...batch('a', 3), ...batch('b', 2), ...batch('c', 1)].map((record, offset) => ({ ...record, offset, arrivalMs: 1000 }));
      expect(readAll(log)).toEqual(expected);
      expect([log.nextOffset, log.lastArrivalMs]).toEqual([6, 1000]);
    });

    it('keeps explicit hash keys', async () => {
      const log = await openLog();
      await log.append([{ partitionKey: 'p', explicitHashKey: '12345678901234567890', data: Buffer.from('x') }]);
      expect(readAll(log)[0].explicitHashKey).toBe('12345678901234567890');
    });

    it('stamps a batch with one arrival time that never goes back', async () => {
      const log = await openLog();
      const before = Date.now();
      const first = await log.append(batch('a', 2));
      expect(first.arrivalMs).toBeGreaterThanOrEqual(before);
      expect(first.arrivalMs).toBeLessThanOrEqual(Date.now());
      const late = await log.append(batch('b', 1), first.arrivalMs + 5000);
      const early = await log.append(batch('c', 2), first.arrivalMs - 5000);
      expect(early.arrivalMs).toBe(late.arrivalMs);
      expect(readAll(log).map((r) => r.arrivalMs)).toEqual([first.arrivalMs, first.arrivalMs, late.arrivalMs, late.arrivalMs, late.arrivalMs]);
    });

    it('refuses an empty batch and a bad arrival time', async () => {
      const log = await openLog();
      await expect(log.append([])).rejects.toThrow(RangeError);
      await expect(log.append(batch('a', 1), -1)).rejects.toThrow(RangeError);
      await expect(log.append(batch('a', 1), 1.5)).rejects.toThrow(RangeError);
      expect(log.nextOffset).toBe(0);
    });
  });

  describe('read', () => {
    it('returns at most maxRecords, from any offset, and nothing at or past nextOffset', async () => {
      const log = await openLog();
      await log.append(batch('a', 10), 1);
      expect(log.read(4, 3, 1 << 20).map((r) => r.offset)).toEqual([4, 5, 6]);
      expect(log.read(10, 3, 1 << 20)).toEqual([]);
      expect(log.read(99, 3, 1 << 20)).toEqual([]);
    });

    it('counts partition key and data bytes against maxBytes, but always returns the first record', async () => {
      const log = await openLog();
      await log.append(batch('a', 10, 100), 1);
      // Each record costs 3 key bytes + 100 data bytes.
      expect(log.read(0, 100, 3 * 103).map((r) => r.offset)).toEqual([0, 1, 2]);
      expect(log.read(0, 100, 3 * 103 - 1).map((r) => r.offset)).toEqual([0, 1]);
      expect(log.read(5, 100, 1).map((r) => r.offset)).toEqual([5]);
    });

    it('reads across segments, closed and active, while appends continue', async () => {
      const log = await openLog({ segmentMaxBytes: 2000, indexIntervalBytes: 200 });
      const appended: LogRecordInput[] = [];
      const acks: Promise<unknown>[] = [];
      for (let b = 0; b < 30; b++) {
        const records = batch(`b${b}`, 1 + (b % 4));
        acks.push(log.append(records, b));
        appended.push(...records);
        const all = readAll(log);
        expect(all.map((r) => r.partitionKey)).toEqual(appended.map((r) => r.partitionKey));
        expect(log.read(appended.length - 1, 10, 1 << 20)[0].data).toEqual(records[records.length - 1].data);
      }
      expect(logFiles(dir).length).toBeGreaterThan(5);
      const middle = log.read(17, 20, 1 << 20);
      expect(middle.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => 17 + i));
      expect(middle.map((r) => r.data)).toEqual(appended.slice(17, 37).map((r) => r.data));
      await Promise.all(acks);
    });

    it('reports a frame that fails its checksum inside the retained log', async () => {
      const log = await openLog({ segmentMaxBytes: 1000 });
      for (let b = 0; b < 6; b++) await log.append(batch(`b${b}`, 3), b);
      const fd = openSync(join(dir, '00000000000000000000.log'), 'r+');
      writeSync(fd, Buffer.from('!'), 0, 1, 200);
      closeSync(fd);
      expect(() => readAll(log)).toThrow(LogCorruptionError);
      expect(log.read(log.nextOffset - 1, 1, 1000)).toHaveLength(1);
    });

    it('returns record data as views of a shared read buffer, not one copy per record', async () => {
      const log = await openLog();
      await log.append(batch('a', 50), 1);
      const records = readAll(log);
      expect(new Set(records.map((r) => r.data.buffer)).size).toBe(1);
    });
  });

  describe('segments', () => {
    it('rolls before an append would take the active segment past segmentMaxBytes, never splitting a batch', async () => {
      const log = await openLog({ segmentMaxBytes: 1000 });
      const firstOffsets: number[] = [];
      for (let b = 0; b < 12; b++) firstOffsets.push((await log.append(batch(`b${b}`, 1 + (b % 3)), b)).firstOffset);
      const files = logFiles(dir).sort();
      expect(files.length).toBeGreaterThan(3);
      for (const name of files) {
        expect(firstOffsets).toContain(Number(name.slice(0, 20)));
        expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(1000);
      }
    });

    it('puts a batch bigger than segmentMaxBytes alone in a segment', async () => {
      const log = await openLog({ segmentMaxBytes: 1000 });
      await log.append(batch('small', 1), 1);
      await log.append(batch('big', 20), 2);
      await log.append(batch('small', 1), 3);
      expect(logFiles(dir).sort()).toEqual(['00000000000000000000.log', '00000000000000000001.log', '00000000000000000021.log']);
    });

    it('rolls once the first record of the active segment is segmentMaxAgeMs old', async () => {
      const log = await openLog({ segmentMaxAgeMs: 1000 });
      await log.append(batch('a', 1), 10_000);
      await log.append(batch('b', 1), 10_999);
      expect(logFiles(dir)).toHaveLength(1);
      await log.append(batch('c', 1), 11_000);
      expect(logFiles(dir).sort()).toEqual(['00000000000000000000.log', '00000000000000000002.log']);
    });
  });

  describe('offsetAtTimestamp', () => {
    it('answers like a full scan, across segments', async () => {
      const log = await openLog({ segmentMaxBytes: 1500, indexIntervalBytes: 300 });
      const arrivals: number[] = [];
      let arrivalMs = 50_000;
      for (let b = 0; b < 40; b++) {
        arrivalMs += [0, 3, 1, 20][b % 4];
        const count = 1 + (b % 3);
        await log.append(batch(`b${b}`, count), arrivalMs);
        arrivals.push(...Array.from({ length: count }, () => arrivalMs));
      }
      expect(logFiles(dir).length).toBeGreaterThan(3);
      for (let t = 49_990; t <= arrivalMs + 2; t++) {
        const index = arrivals.findIndex((a) => a >= t);
        expect([t, log.offsetAtTimestamp(t)]).toEqual([t, index < 0 ? log.nextOffset : index]);
      }
    });

    it('answers nextOffset for an empty log', async () => {
      const log = await openLog();
      expect(log.offsetAtTimestamp(0)).toBe(0);
    });
  });

  describe('trim', () => {
    async function threeSegments(): Promise<ShardLog> {
      const log = await openLog({ segmentMaxAgeMs: 100 });
      for (const arrivalMs of [1000, 1050, 1100, 1150, 1200, 1250]) await log.append(batch(`t${arrivalMs}`, 2), arrivalMs);
      expect(logFiles(dir).sort()).toEqual(['00000000000000000000.log', '00000000000000000004.log', '00000000000000000008.log']);
      return log;
    }

    it('deletes whole segments whose newest record arrived before the cutoff', async () => {
      const log = await threeSegments();
      await log.trim(1100);
      expect(log.startOffset).toBe(4);
      await log.trim(1151);
      expect([log.startOffset, log.nextOffset]).toEqual([8, 12]);
      expect(readdirSync(dir).sort()).toEqual(['00000000000000000008.index', '00000000000000000008.log', '00000000000000000008.timeindex']);
      expect(log.read(0, 100, 1 << 20).map((r) => r.offset)).toEqual([8, 9, 10, 11]);
      expect(log.offsetAtTimestamp(0)).toBe(8);
    });

    it('keeps a segment while any of its records is young enough', async () => {
      const log = await threeSegments();
      await log.trim(1050);
      expect(log.startOffset).toBe(0);
    });

    it('rolls first when every record expired, leaving an empty log that keeps its offsets across reopening', async () => {
      const log = await threeSegments();
      await log.trim(5000);
      expect([log.startOffset, log.nextOffset, log.lastArrivalMs]).toEqual([12, 12, 1250]);
      expect(log.read(0, 10, 1000)).toEqual([]);
      expect(log.offsetAtTimestamp(0)).toBe(12);
      expect((await log.append(batch('late', 1), 10)).arrivalMs).toBe(1250);
      const reopened = await reopen(log);
      expect([reopened.startOffset, reopened.nextOffset]).toEqual([12, 13]);
      await reopened.trim(5000);
      const again = await reopen(reopened);
      expect([again.startOffset, again.nextOffset, again.lastArrivalMs]).toEqual([13, 13, undefined]);
      expect((await again.append(batch('next', 1))).firstOffset).toBe(13);
    });
  });

  describe('truncate', () => {
    async function logOf(segments: number): Promise<ShardLog> {
      const log = await openLog({ segmentMaxAgeMs: 10 });
      for (let s = 0; s < segments; s++) await log.append(batch(`s${s}`, 5), 100 * s);
      return log;
    }

    it('removes the records at and after an offset inside the active segment', async () => {
      const log = await logOf(1);
      await log.truncate(3);
      expect([log.nextOffset, readAll(log).length]).toEqual([3, 3]);
      expect((await log.append(batch('new', 1), 1)).firstOffset).toBe(3);
      expect(readAll(log)[3].partitionKey).toBe('new-0');
    });

    it('removes later segments entirely and recomputes the newest arrival time', async () => {
      const log = await logOf(3);
      await log.truncate(7);
      expect(logFiles(dir).sort()).toEqual(['00000000000000000000.log', '00000000000000000005.log']);
      expect([log.nextOffset, log.lastArrivalMs]).toEqual([7, 100]);
      const reopened = await reopen(log);
      expect([reopened.nextOffset, reopened.lastArrivalMs]).toEqual([7, 100]);
      expect(readAll(reopened).map((r) => r.partitionKey)).toEqual([...batch('s0', 5), ...batch('s1', 2)].map((r) => r.partitionKey));
    });

    it('empties a segment truncated at its base offset', async () => {
      const log = await logOf(2);
      await log.truncate(5);
      expect([log.nextOffset, log.lastArrivalMs, readAll(log).length]).toEqual([5, 0, 5]);
    });

    it('below startOffset, leaves an empty log that continues from the offset', async () => {
      const log = await logOf(3);
      await log.trim(150);
      await log.truncate(2);
      expect([log.startOffset, log.nextOffset, log.lastArrivalMs]).toEqual([2, 2, undefined]);
      expect(logFiles(dir)).toEqual(['00000000000000000002.log']);
      expect((await log.append(batch('x', 1), 1)).firstOffset).toBe(2);
    });

    it('does nothing at or past nextOffset', async () => {
      const log = await logOf(1);
      await log.truncate(5);
      await log.truncate(50);
      expect(log.nextOffset).toBe(5);
    });
  });

  describe('seal', () => {
    it('refuses appends from then on, across reopening, while reads and retention go on', async () => {
      const log = await openLog();
      await log.append(batch('a', 2), 1);
      await log.seal();
      expect(log.sealed).toBe(true);
      await expect(log.append(batch('b', 1))).rejects.toBeInstanceOf(LogSealedError);
      const reopened = await reopen(log);
      expect(reopened.sealed).toBe(true);
      await expect(reopened.append(batch('b', 1))).rejects.toBeInstanceOf(LogSealedError);
      expect(readAll(reopened)).toHaveLength(2);
      await reopened.trim(10);
      expect(reopened.startOffset).toBe(2);
    });
  });

  describe('durability', () => {
    it("'group' makes appends that arrive during a sync share the next one", async () => {
      const log = await openLog({ fsync: 'group' });
      const first = log.append(batch('first', 1));
      await nextTurn(); // the first sync is now in flight
      const during = [1, 2, 3, 4].map((i) => log.append(batch(`during${i}`, 1)));
      await Promise.all([first, ...during]);
      expect(log.syncCount).toBe(2);
    });

    it("'always' syncs once per append", async () => {
      const log = await openLog({ fsync: 'always' });
      await Promise.all([1, 2, 3, 4, 5].map((i) => log.append(batch(`a${i}`, 1))));
      expect(log.syncCount).toBe(5);
    });

    it("'os' acknowledges without syncing", async () => {
      const log = await openLog({ fsync: 'os' });
      await log.append(batch('a', 1));
      expect([log.syncCount, log.durableOffset]).toEqual([0, 1]);
    });

    it('raises durableOffset only when appends are acknowledged', async () => {
      const log = await openLog({ fsync: 'group' });
      const pending = log.append(batch('a', 3));
      expect([log.durableOffset, log.nextOffset]).toEqual([0, 3]);
      await pending;
      expect(log.durableOffset).toBe(3);
      await log.truncate(1);
      expect(log.durableOffset).toBe(1);
      const reopened = await reopen(log);
      expect(reopened.durableOffset).toBe(1);
    });
  });

  describe('close', () => {
    it('lets pending appends complete, then refuses every call', async () => {
      const log = await openLog({ fsync: 'group' });
      const pending = log.append(batch('a', 2));
      await log.close();
      await expect(pending).resolves.toEqual({ firstOffset: 0, arrivalMs: expect.any(Number) });
      await expect(log.append(batch('b', 1))).rejects.toBeInstanceOf(LogClosedError);
      expect(() => log.read(0, 1, 1)).toThrow(LogClosedError);
      await expect(log.trim(0)).rejects.toBeInstanceOf(LogClosedError);
    });

    it('waits for retention in progress', async () => {
      const log = await openLog();
      await log.append(batch('old', 2), 1);
      const trimming = log.trim(10);
      await log.close();
      expect(logFiles(dir)).toEqual(['00000000000000000002.log']);
      await trimming;
    });

    it('reopens to the same records, offsets and arrival time', async () => {
      const log = await openLog({ segmentMaxBytes: 800 });
      for (let b = 0; b < 8; b++) await log.append(batch(`b${b}`, 2), 700 + b);
      const before = readAll(log);
      const reopened = await reopen(log, { segmentMaxBytes: 800 });
      expect(reopened.recovery).toEqual({ truncatedBytes: 0, droppedSegments: 0, rebuiltIndexes: 0 });
      expect(readAll(reopened)).toEqual(before);
      expect([reopened.nextOffset, reopened.lastArrivalMs]).toEqual([16, 707]);
    });
  });

  it('destroy removes the log directory', async () => {
    const log = await openLog();
    await log.append(batch('a', 1));
    await log.close();
    await ShardLog.destroy(dir);
    expect(existsSync(dir)).toBe(false);
  });
});
