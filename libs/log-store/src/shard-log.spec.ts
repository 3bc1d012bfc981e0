import { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LogClosedError, LogCorruptionError, LogFailedError, LogInUseError, LogSealedError } from './errors';
import { LogDirectory } from './log-directory';
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

  describe('appendAt', () => {
    it('writes what append writes, byte for byte, across segment rolls', async () => {
      const options = { segmentMaxBytes: 1000, segmentMaxAgeMs: 50 };
      const leader = await openLog(options);
      const followerDir = join(tmp.path, 'follower');
      const follower = await ShardLog.open({ dir: followerDir, fsync: 'group', ...options });
      open.push(follower);
      for (let b = 0; b < 12; b++) {
        const records = batch(`b${b}`, 1 + (b % 4));
        const ack = await leader.append(records, 1000 + 20 * b - 30 * (b % 3));
        await follower.appendAt(ack.firstOffset, records, ack.arrivalMs);
      }
      expect(readAll(follower)).toEqual(readAll(leader));
      const names = readdirSync(dir).sort();
      expect(names.filter((name) => name.endsWith('.log')).length).toBeGreaterThan(3);
      expect(readdirSync(followerDir).sort()).toEqual(names);
      for (const name of names) expect([name, readFileSync(join(followerDir, name))]).toEqual([name, readFileSync(join(dir, name))]);
    });

    it('keeps the arrival time given unless that would go backwards', async () => {
      const log = await openLog();
      await log.appendAt(0, batch('a', 2), 5000);
      await log.appendAt(2, batch('b', 1), 4000);
      await log.appendAt(3, batch('c', 1), 6000);
      expect(readAll(log).map((r) => r.arrivalMs)).toEqual([5000, 5000, 5000, 6000]);
      expect(log.lastArrivalMs).toBe(6000);
    });

    it('resolves once durable under the fsync policy, like append', async () => {
      const log = await openLog({ fsync: 'always' });
      const pending = log.appendAt(0, batch('a', 3), 1);
      expect([log.nextOffset, log.durableOffset]).toEqual([3, 0]);
      await pending;
      expect([log.durableOffset, log.syncCount]).toEqual([3, 1]);
    });

    it('refuses any first offset but nextOffset with RangeError, writing nothing', async () => {
      const log = await openLog();
      await log.appendAt(0, batch('a', 3), 1);
      const path = join(dir, '00000000000000000000.log');
      const size = statSync(path).size;
      for (const offset of [0, 2, 4, 100, -1, 3.5, Number.NaN]) {
        await expect(log.appendAt(offset, batch('x', 1), 2)).rejects.toThrow(RangeError);
      }
      await expect(log.appendAt(2, batch('x', 1), 2)).rejects.toThrow('appendAt: the log ends at offset 3, so records cannot be placed at 2.');
      expect([log.nextOffset, log.lastArrivalMs, statSync(path).size]).toEqual([3, 1, size]);
      expect(readAll(log).map((r) => r.partitionKey)).toEqual(['a-0', 'a-1', 'a-2']);
      await log.appendAt(3, batch('b', 1), 2);
      expect(log.nextOffset).toBe(4);
    });

    it('takes calls made without waiting, each at the end the one before leaves', async () => {
      const log = await openLog();
      await Promise.all([log.appendAt(0, batch('a', 2), 1), log.appendAt(2, batch('b', 3), 1), log.appendAt(5, batch('c', 1), 1)]);
      expect(readAll(log).map((r) => r.partitionKey)).toEqual(['a-0', 'a-1', 'b-0', 'b-1', 'b-2', 'c-0']);
    });

    it('refuses what append refuses, and a missing arrival time', async () => {
      const log = await openLog();
      await expect(log.appendAt(0, [], 1)).rejects.toThrow(RangeError);
      await expect(log.appendAt(0, batch('a', 1), -1)).rejects.toThrow(RangeError);
      await expect(log.appendAt(0, batch('a', 1), undefined as unknown as number)).rejects.toThrow(/arrivalMs/);
      await log.seal();
      await expect(log.appendAt(0, batch('a', 1), 1)).rejects.toBeInstanceOf(LogSealedError);
      await log.close();
      await expect(log.appendAt(0, batch('a', 1), 1)).rejects.toBeInstanceOf(LogClosedError);
      expect(log.nextOffset).toBe(0);
    });
  });

  describe('restartAt', () => {
    /** Segments [0, 5), [5, 10), [10, 15), records arriving at 1000, 1100, 1200. */
    async function threeSegments(options: Partial<ShardLogOptions> = {}): Promise<ShardLog> {
      const log = await openLog({ segmentMaxAgeMs: 10, ...options });
      for (let s = 0; s < 3; s++) await log.append(batch(`s${s}`, 5), 1000 + 100 * s);
      return log;
    }

    function expectEmptyAt(log: ShardLog, offset: number): void {
      expect([log.startOffset, log.nextOffset, log.durableOffset, log.lastArrivalMs]).toEqual([offset, offset, offset, undefined]);
      expect(log.read(0, 10, 1000)).toEqual([]);
      expect(log.offsetAtTimestamp(0)).toBe(offset);
    }

    it.each([
      ['beyond the end', 40],
      ['at the end', 15],
      ['inside a segment', 7],
      ['at a segment start', 5],
      ['at the start', 0],
    ])('%s leaves an empty log at the offset, only its segment on disk, that survives reopening', async (_, offset) => {
      const log = await threeSegments();
      await log.restartAt(offset);
      expectEmptyAt(log, offset);
      const stem = String(offset).padStart(20, '0');
      expect(readdirSync(dir).sort()).toEqual([`${stem}.index`, `${stem}.log`, `${stem}.timeindex`]);
      const reopened = await reopen(log);
      expectEmptyAt(reopened, offset);
      expect(reopened.recovery).toEqual({ truncatedBytes: 0, droppedSegments: 0, rebuiltIndexes: 0, droppedLeaderEpochs: 0 });
      // The leader's arrival times, older than the discarded records', are kept.
      await reopened.appendAt(offset, batch('leader', 2), 500);
      expect(readAll(reopened)).toEqual(batch('leader', 2).map((record, i) => ({ ...record, offset: offset + i, arrivalMs: 500 })));
    });

    it('below the start of a trimmed log', async () => {
      const log = await threeSegments();
      await log.trim(1150);
      await log.restartAt(3);
      expectEmptyAt(log, 3);
      expectEmptyAt(await reopen(log), 3);
    });

    it('on an empty log, moves it', async () => {
      const log = await openLog();
      await log.restartAt(9);
      await log.restartAt(4);
      expectEmptyAt(log, 4);
      expect(logFiles(dir)).toEqual(['00000000000000000004.log']);
    });

    it('does nothing to a log already empty at the offset', async () => {
      const log = await openLog({ fsync: 'always' });
      await log.restartAt(0);
      expect(log.syncCount).toBe(0);
    });

    it('is durable when it resolves, and appends made before it cannot raise durableOffset past it', async () => {
      const log = await threeSegments({ fsync: 'always' });
      const syncs = log.syncCount;
      const pending = log.append(batch('late', 2), 2000);
      const restarting = log.restartAt(3);
      expect([log.nextOffset, log.durableOffset]).toEqual([3, 3]);
      await Promise.all([pending, restarting]);
      expect(log.durableOffset).toBe(3);
      expect(log.syncCount).toBe(syncs + 2);
    });

    it('refuses an offset that is not a non-negative integer, and a closed log', async () => {
      const log = await threeSegments();
      await expect(log.restartAt(-1)).rejects.toThrow(RangeError);
      await expect(log.restartAt(2.5)).rejects.toThrow(RangeError);
      expect(log.nextOffset).toBe(15);
      await log.close();
      await expect(log.restartAt(20)).rejects.toBeInstanceOf(LogClosedError);
    });

    it('fails the log, keeping the old segments, if the new one cannot be made durable', async () => {
      const log = await threeSegments();
      const before = readAll(log);
      jest.spyOn(LogDirectory.prototype, 'sync').mockRejectedValueOnce(new Error('EIO'));
      await expect(log.restartAt(50)).rejects.toBeInstanceOf(LogFailedError);
      jest.restoreAllMocks();
      await expect(log.appendAt(50, batch('x', 1), 1)).rejects.toBeInstanceOf(LogFailedError);
      const reopened = await reopen(log);
      expect(readAll(reopened)).toEqual(before);
      expect(reopened.recovery.droppedSegments).toBe(1);
    });

    it('lets close wait for it', async () => {
      const log = await threeSegments();
      const restarting = log.restartAt(50);
      await log.close();
      expect(logFiles(dir)).toEqual(['00000000000000000050.log']);
      await restarting;
    });
  });

  describe('epochs', () => {
    const EPOCH_FILE = 'leader-epoch-checkpoint';
    const entry = (epoch: number, startOffset: number) => ({ epoch, startOffset });

    it('are never written for a log that never had an epoch assigned', async () => {
      const log = await openLog({ segmentMaxAgeMs: 10 });
      for (let s = 0; s < 4; s++) await log.append(batch(`s${s}`, 5), 100 * s);
      await log.truncate(17);
      await log.truncate(50);
      await log.trim(150);
      await log.truncate(2);
      await log.restartAt(30);
      const reopened = await reopen(log);
      expect([reopened.epochs.entries(), reopened.epochs.latest(), reopened.epochs.endOffsetFor(5)]).toEqual([[], undefined, undefined]);
      expect(readdirSync(dir)).not.toContain(EPOCH_FILE);
    });

    /** Epoch 1 wrote [0, 10), epoch 3 [10, 25), epoch 4 [25, 40); five records a segment, arriving at 10 ms per offset. */
    async function replicated(): Promise<ShardLog> {
      const log = await openLog({ segmentMaxAgeMs: 10 });
      for (const [epoch, start, end] of [
        [1, 0, 10],
        [3, 10, 25],
        [4, 25, 40],
      ]) {
        await log.epochs.assign(epoch, start);
        for (let offset = start; offset < end; offset += 5) await log.append(batch(`e${epoch}@${offset}`, 5), offset * 10);
      }
      expect(logFiles(dir)).toHaveLength(8);
      return log;
    }

    it('answer where an epoch ends, the latest at the end of the log', async () => {
      const log = await replicated();
      expect([0, 1, 2, 3, 4, 5].map((epoch) => log.epochs.endOffsetFor(epoch))).toEqual([
        undefined,
        { epoch: 1, endOffset: 10 },
        { epoch: 1, endOffset: 10 },
        { epoch: 3, endOffset: 25 },
        { epoch: 4, endOffset: 40 },
        { epoch: 4, endOffset: 40 },
      ]);
      await log.appendAt(40, batch('more', 2), 1000);
      expect(log.epochs.endOffsetFor(4)).toEqual({ epoch: 4, endOffset: 42 });
    });

    it('begin within the log: an epoch may begin at its end, not past it', async () => {
      const log = await replicated();
      await expect(log.epochs.assign(5, 41)).rejects.toThrow(RangeError);
      await log.epochs.assign(5, 40);
      expect(log.epochs.endOffsetFor(4)).toEqual({ epoch: 4, endOffset: 40 });
    });

    it('survive reopening unchanged, epochs that have written nothing yet included', async () => {
      const log = await replicated();
      await log.epochs.assign(5, 40);
      await log.epochs.assign(6, 40);
      const before = log.epochs.entries();
      const reopened = await reopen(log);
      expect(reopened.epochs.entries()).toEqual(before);
      expect(reopened.recovery.droppedLeaderEpochs).toBe(0);
    });

    it('lose, on truncate, the epochs that began at or after the offset', async () => {
      const log = await replicated();
      await log.truncate(26);
      expect(log.epochs.entries()).toEqual([entry(1, 0), entry(3, 10), entry(4, 25)]);
      await log.truncate(25);
      expect(log.epochs.entries()).toEqual([entry(1, 0), entry(3, 10)]);
      expect(log.epochs.endOffsetFor(4)).toEqual({ epoch: 3, endOffset: 25 });
      await log.truncate(10);
      expect((await reopen(log)).epochs.entries()).toEqual([entry(1, 0)]);
    });

    it('lose, on a truncate at or past the end, the epochs that began at the end (as in Kafka)', async () => {
      const log = await replicated();
      await log.epochs.assign(5, 40);
      await log.truncate(60);
      expect([log.nextOffset, log.epochs.latest()]).toEqual([40, entry(4, 25)]);
      expect((await reopen(log)).epochs.latest()).toEqual(entry(4, 25));
    });

    it('are all lost on a truncate below the start', async () => {
      const log = await replicated();
      await log.trim(150);
      await log.truncate(3);
      expect(log.epochs.entries()).toEqual([]);
      expect((await reopen(log)).epochs.entries()).toEqual([]);
    });

    it('keep, on trim, the epoch that wrote the new start, moved up to it, and lose older ones', async () => {
      const log = await replicated();
      await log.trim(150);
      expect(log.startOffset).toBe(15);
      expect(log.epochs.entries()).toEqual([entry(3, 15), entry(4, 25)]);
      expect([log.epochs.endOffsetFor(2), log.epochs.endOffsetFor(3)]).toEqual([undefined, { epoch: 3, endOffset: 25 }]);
      await log.trim(1000);
      expect([log.startOffset, log.nextOffset]).toEqual([40, 40]);
      expect(log.epochs.entries()).toEqual([entry(4, 40)]);
      expect((await reopen(log)).epochs.entries()).toEqual([entry(4, 40)]);
    });

    it.each([
      [60, [entry(4, 60)]],
      [40, [entry(4, 40)]],
      [25, [entry(4, 25)]],
      [15, [entry(3, 15)]],
      [10, [entry(3, 10)]],
      [5, [entry(1, 5)]],
    ])('keep, on restartAt(%d), only the epoch that wrote or would write that offset', async (offset, expected) => {
      const log = await replicated();
      await log.restartAt(offset);
      expect(log.epochs.entries()).toEqual(expected);
      expect(log.epochs.endOffsetFor(9)).toEqual({ epoch: expected[0].epoch, endOffset: offset });
      expect((await reopen(log)).epochs.entries()).toEqual(expected);
    });

    it('are all lost on restartAt below the first epoch', async () => {
      const log = await openLog();
      await log.append(batch('old', 10), 1);
      await log.epochs.assign(2, 10);
      await log.append(batch('new', 5), 2);
      await log.restartAt(5);
      expect(log.epochs.entries()).toEqual([]);
      expect((await reopen(log)).epochs.entries()).toEqual([]);
    });

    it('lose, on reopening after a torn tail, the epochs that began past the recovered end, for good', async () => {
      const log = await replicated();
      await log.epochs.assign(5, 40);
      await log.append(batch('e5@40', 5), 500);
      await log.close();
      // The last frame of [35, 40) torn: the segment after it no longer follows on, and goes.
      const torn = join(dir, '00000000000000000035.log');
      truncateSync(torn, statSync(torn).size - 10);
      const reopened = await openLog();
      expect(reopened.nextOffset).toBe(39);
      expect(reopened.recovery).toMatchObject({ droppedSegments: 1, droppedLeaderEpochs: 1 });
      expect(reopened.epochs.entries()).toEqual([entry(1, 0), entry(3, 10), entry(4, 25)]);
      // The drop sticks once the log grows past where epoch 5 began.
      await reopened.append(batch('e4@39', 5), 600);
      expect((await reopen(reopened)).epochs.latest()).toEqual(entry(4, 25));
    });

    it('must be readable for the log to open', async () => {
      const log = await replicated();
      await log.close();
      writeFileSync(join(dir, EPOCH_FILE), '0\n1\n4 25');
      await expect(openLog()).rejects.toThrow(/malformed/);
      writeFileSync(join(dir, EPOCH_FILE), '0\n1\n4 25\n');
      expect((await openLog()).epochs.entries()).toEqual([entry(4, 25)]);
    });

    it('are written before close resolves, and refused after', async () => {
      const log = await openLog();
      const assigned = log.epochs.assign(1, 0);
      await log.close();
      expect(readFileSync(join(dir, EPOCH_FILE), 'utf8')).toBe('0\n1\n1 0\n');
      await assigned;
      await expect(log.epochs.assign(2, 0)).rejects.toBeInstanceOf(LogClosedError);
      expect(() => log.epochs.endOffsetFor(1)).toThrow(LogClosedError);
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
      expect(reopened.recovery).toEqual({ truncatedBytes: 0, droppedSegments: 0, rebuiltIndexes: 0, droppedLeaderEpochs: 0 });
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
