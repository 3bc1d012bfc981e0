/*
 * Child process of the kill -9 test: appends batches from four concurrent writers with fsync
 * 'group' and prints "<firstOffset> <count>" on stdout for each acknowledged batch (stdout to a pipe
 * is synchronous on Linux, so a printed line means an acknowledged append). Runs until killed, or
 * gives up after a while so that a broken test never leaves it behind.
 */
import type { LogRecordInput } from './log-record';
import { ShardLog } from './shard-log';
import type { ShardLogOptions } from './shard-log-options';

export const CRASH_LOG_OPTIONS: Omit<ShardLogOptions, 'dir'> = {
  fsync: 'group',
  segmentMaxBytes: 32 * 1024,
  indexIntervalBytes: 512,
};

/** The record stored at `offset`: its content depends on the offset alone. */
export function crashRecord(offset: number): LogRecordInput {
  const data = Buffer.alloc(20 + ((offset * 37) % 400));
  for (let i = 0; i < data.length; i++) data[i] = (offset * 31 + i) & 0xff;
  return { partitionKey: `pk-${offset}`, data };
}

const GIVE_UP_AFTER_MS = 20_000;

async function appendUntilKilled(dir: string): Promise<void> {
  setTimeout(() => process.exit(2), GIVE_UP_AFTER_MS).unref();
  const log = await ShardLog.open({ dir, ...CRASH_LOG_OPTIONS });
  const writer = async (seed: number): Promise<never> => {
    for (let n = 0; ; n++) {
      const count = 1 + ((seed + n) % 8);
      const first = log.nextOffset;
      const ack = await log.append(Array.from({ length: count }, (_, i) => crashRecord(first + i)));
      if (ack.firstOffset !== first) throw new Error(`Expected offset ${first}, got ${ack.firstOffset}.`);
      process.stdout.write(`${ack.firstOffset} ${count}\n`);
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
}

if (require.main === module) {
  appendUntilKilled(process.argv[2]).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
