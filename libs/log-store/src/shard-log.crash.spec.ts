import { spawn } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRASH_LOG_OPTIONS, crashRecord } from './append-until-killed.fixture';
import type { LeaderEpochEntry } from './leader-epoch-history';
import { LogDirectory } from './log-directory';
import type { LogRecord, LogRecordInput } from './log-record';
import { REPLICA_LOG_OPTIONS, replicaEpoch, replicaRecord } from './replicate-until-killed.fixture';
import { Segment } from './segment';
import { ShardLog } from './shard-log';
import type { ShardLogOptions } from './shard-log-options';
import { useTempDir } from './temp-dir.fixture';

const WORKSPACE = resolve(__dirname, '../../..');
const ACKS_BEFORE_KILL = 300;

interface Ack {
  firstOffset: number;
  count: number;
}

/**
 * Runs a fixture on `dir`, SIGKILLs it once it has acknowledged enough appends, returns the
 * acknowledgements: the numbers on each line it printed.
 */
function runThenKill(fixture: string, dir: string): Promise<number[][]> {
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), join(__dirname, fixture), dir], {
    env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let lines = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lines += chunk.split('\n').length - 1;
    if (lines >= ACKS_BEFORE_KILL) child.kill('SIGKILL');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`The appender exited with ${code} before it was killed: ${stderr}`));
      const complete = stdout.slice(0, stdout.lastIndexOf('\n'));
      done(complete.split('\n').map((line) => line.split(' ').map(Number)));
    });
  });
}

async function appendThenKill(dir: string): Promise<Ack[]> {
  return (await runThenKill('append-until-killed.fixture.ts', dir)).map(([firstOffset, count]) => ({ firstOffset, count }));
}

/** The epoch that the history says wrote `offset`. */
function epochAt(entries: readonly LeaderEpochEntry[], offset: number): number | undefined {
  let epoch: number | undefined;
  for (const entry of entries) if (entry.startOffset <= offset) epoch = entry.epoch;
  return epoch;
}

/**
 * What must hold of a replicated log whatever stopped its writer: the records sit at their
 * offsets, every entry of the history begins within the log, and the history names the epoch that
 * wrote each record.
 */
function expectConsistentReplica(log: ShardLog, records: LogRecord[]): void {
  expect(records.map((record) => record.offset)).toEqual(Array.from({ length: log.nextOffset - log.startOffset }, (_, i) => log.startOffset + i));
  const entries = log.epochs.entries();
  expect(entries.filter((entry) => entry.startOffset < log.startOffset || entry.startOffset > log.nextOffset)).toEqual([]);
  const misattributed = records.filter((record) => epochAt(entries, record.offset) !== replicaEpoch(record.partitionKey));
  expect(misattributed.map((record) => [record.offset, record.partitionKey])).toEqual([]);
}

describe('ShardLog after kill -9', () => {
  const tmp = useTempDir();

  it('keeps every acknowledged record, in order and intact, and appends continue where the log ends', async () => {
    const dir = join(tmp.path, 'shard');
    let acknowledgedEnd = 0;
    for (let crash = 1; crash <= 2; crash++) {
      const acks = await appendThenKill(dir);
      expect(acks.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
      acknowledgedEnd = Math.max(acknowledgedEnd, ...acks.map((ack) => ack.firstOffset + ack.count));

      const log = await ShardLog.open({ dir, ...CRASH_LOG_OPTIONS });
      try {
        expect(log.startOffset).toBe(0);
        expect(log.nextOffset).toBeGreaterThanOrEqual(acknowledgedEnd);
        // Every record present, acknowledged or not, is whole and where it belongs.
        const records = log.read(0, 1_000_000, 1 << 30);
        expect(records.length).toBe(log.nextOffset);
        const misplaced = records.filter((record, offset) => {
          const expected = crashRecord(offset);
          return record.offset !== offset || record.partitionKey !== expected.partitionKey || !record.data.equals(expected.data);
        });
        expect(misplaced).toEqual([]);

        const next = log.nextOffset;
        const ack = await log.append([crashRecord(next)]);
        expect(ack.firstOffset).toBe(next);
        expect(log.read(next, 1, 1)[0].data).toEqual(crashRecord(next).data);
      } finally {
        await log.close();
      }
    }
    expect(readdirSync(dir).filter((name) => name.endsWith('.log')).length).toBeGreaterThan(2);
  }, 30_000);
});

describe('ShardLog replica after kill -9', () => {
  const tmp = useTempDir();

  it('keeps its leader-epoch history consistent with its records through truncations, restarts and new epochs', async () => {
    const dir = join(tmp.path, 'shard');
    for (let crash = 1; crash <= 2; crash++) {
      const acks = await runThenKill('replicate-until-killed.fixture.ts', dir);
      expect(acks.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

      const log = await ShardLog.open({ dir, ...REPLICA_LOG_OPTIONS });
      try {
        const records = log.read(0, 1_000_000, 1 << 30);
        expectConsistentReplica(log, records);
        expect(log.epochs.latest()?.epoch).toBeGreaterThan(10 * crash);
        expect(records.every((record) => record.data.equals(replicaRecord(record.offset, replicaEpoch(record.partitionKey)).data))).toBe(true);
      } finally {
        await log.close();
      }
    }
    expect(readdirSync(dir)).toContain('leader-epoch-checkpoint');
  }, 30_000);
});

/**
 * A crash part-way through truncate, restartAt or trim, replayed at every step: the directory is
 * copied, as kill -9 would leave it, before each segment file deletion, after each history write
 * and at the end, and every copy must open as a consistent part of the log before or after.
 */
describe('ShardLog interrupted part-way', () => {
  const tmp = useTempDir();
  afterEach(() => jest.restoreAllMocks());

  const OPTIONS: Omit<ShardLogOptions, 'dir'> = { fsync: 'group', segmentMaxAgeMs: 10 };

  /**
   * A follower log that was restarted at 100: epoch 1 wrote [100, 110), epoch 3 [110, 125), epoch 4
   * [125, 140); five records a segment, arriving at 10 ms per offset.
   */
  async function replica(dir: string): Promise<ShardLog> {
    const log = await ShardLog.open({ dir, ...OPTIONS });
    await log.restartAt(100);
    for (const [epoch, start, end] of [
      [1, 100, 110],
      [3, 110, 125],
      [4, 125, 140],
    ]) {
      await log.epochs.assign(epoch, start);
      for (let offset = start; offset < end; offset += 5) {
        const records: LogRecordInput[] = Array.from({ length: 5 }, (_, i) => replicaRecord(offset + i, epoch));
        await log.appendAt(offset, records, offset * 10);
      }
    }
    return log;
  }

  /** Runs `operation` on a replica, returning the copies of its directory at every step. */
  async function stepThrough(operation: (log: ShardLog) => Promise<void>): Promise<{ before: LogRecord[]; copies: string[] }> {
    const dir = join(tmp.path, 'shard');
    const log = await replica(dir);
    const before = log.read(0, 1000, 1 << 30);
    const copies: string[] = [];
    const copy = () => {
      const to = join(tmp.path, `copy-${copies.length}`);
      cpSync(dir, to, { recursive: true });
      copies.push(to);
    };
    const remove = Segment.prototype.remove;
    jest.spyOn(Segment.prototype, 'remove').mockImplementation(function (this: Segment) {
      copy();
      remove.call(this);
    });
    const write = LogDirectory.prototype.writeLeaderEpochs;
    jest.spyOn(LogDirectory.prototype, 'writeLeaderEpochs').mockImplementation(async function (this: LogDirectory, text: string) {
      await write.call(this, text);
      copy();
    });
    await operation(log);
    await log.close();
    jest.restoreAllMocks();
    copy();
    return { before, copies };
  }

  /** Opens each copy and checks it; `allowed(startOffset, nextOffset)` says which logs a crash may leave. */
  async function expectEveryStep(operation: (log: ShardLog) => Promise<void>, allowed: (start: number, next: number) => boolean): Promise<void> {
    const { before, copies } = await stepThrough(operation);
    expect(copies.length).toBeGreaterThan(1);
    for (const copy of copies) {
      const log = await ShardLog.open({ dir: copy, ...OPTIONS });
      try {
        const records = log.read(0, 1000, 1 << 30);
        expect([copy, allowed(log.startOffset, log.nextOffset)]).toEqual([copy, true]);
        expect(records).toEqual(before.filter((record) => record.offset >= log.startOffset && record.offset < log.nextOffset));
        expectConsistentReplica(log, records);
      } finally {
        await log.close();
      }
    }
  }

  const prefix = (start: number, next: number) => start === 100 && next <= 140;

  it.each([160, 140, 125, 112, 105, 100, 50])('restartAt(%d) leaves a prefix of the old log or the empty log at the offset', async (offset) => {
    await expectEveryStep(
      (log) => log.restartAt(offset),
      (start, next) => prefix(start, next) || (start === offset && next === offset),
    );
  });

  it.each([128, 125, 112, 110, 50])('truncate(%d) leaves the log truncated, or less truncated', async (offset) => {
    await expectEveryStep(
      (log) => log.truncate(offset),
      (start, next) => (start === 100 && next >= offset && next <= 140) || (offset < 100 && start === offset && next === offset),
    );
  });

  it.each([1150, 2000])('trim(%d) leaves the log trimmed, or less trimmed', async (cutoffMs) => {
    await expectEveryStep(
      (log) => log.trim(cutoffMs),
      (start, next) => start >= 100 && next === 140,
    );
  });

  /**
   * What kill -9 cannot show: the order of syncs, which decides what a power loss may leave. Each
   * sync, segment deletion and history write is logged when called.
   */
  let replicas = 0;
  async function syncOrder(operation: (log: ShardLog) => Promise<void>): Promise<string[]> {
    const log = await replica(join(tmp.path, `shard-${++replicas}`));
    const events: string[] = [];
    const logged = <T extends object>(prototype: T, method: keyof T & string, name: string) => {
      const real = prototype[method] as (...args: unknown[]) => unknown;
      jest.spyOn(prototype, method as never).mockImplementation(function (this: unknown, ...args: unknown[]) {
        events.push(name);
        return real.apply(this, args);
      } as never);
    };
    logged(LogDirectory.prototype, 'sync', 'sync directory');
    logged(Segment.prototype, 'sync', 'sync segment');
    logged(Segment.prototype, 'remove', 'remove');
    logged(LogDirectory.prototype, 'writeLeaderEpochs', 'write history');
    await operation(log);
    jest.restoreAllMocks();
    await log.close();
    return events;
  }

  const removes = (count: number) => Array.from({ length: count }, () => 'remove');
  const HISTORY_WRITE = ['write history', 'sync directory'];

  it('restartAt syncs the new segment into the directory before deleting one, and writes the history once the restart is durable', async () => {
    expect(await syncOrder((log) => log.restartAt(160))).toEqual(['sync directory', ...removes(8), 'sync segment', 'sync directory', ...HISTORY_WRITE]);
  });

  it('truncate writes the history once the truncation is durable', async () => {
    expect(await syncOrder((log) => log.truncate(112))).toEqual([...removes(5), 'sync segment', 'sync directory', ...HISTORY_WRITE]);
  });

  it('trim writes the history once the deletions are durable', async () => {
    expect(await syncOrder((log) => log.trim(1150))).toEqual([...removes(3), 'sync directory', ...HISTORY_WRITE]);
    expect(await syncOrder((log) => log.trim(2000))).toEqual(['sync directory', ...removes(8), 'sync directory', ...HISTORY_WRITE]);
  });
});
