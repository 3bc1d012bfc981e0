import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CRASH_LOG_OPTIONS, crashRecord } from './append-until-killed.fixture';
import { ShardLog } from './shard-log';
import { useTempDir } from './temp-dir.fixture';

const WORKSPACE = resolve(__dirname, '../../..');
const ACKS_BEFORE_KILL = 300;

interface Ack {
  firstOffset: number;
  count: number;
}

/** Runs the fixture on `dir`, SIGKILLs it once it has acknowledged enough appends, returns the acknowledgements. */
function appendThenKill(dir: string): Promise<Ack[]> {
  const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), join(__dirname, 'append-until-killed.fixture.ts'), dir], {
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
      done(complete.split('\n').map((line) => {
        const [firstOffset, count] = line.split(' ').map(Number);
        return { firstOffset, count };
      }));
    });
  });
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
