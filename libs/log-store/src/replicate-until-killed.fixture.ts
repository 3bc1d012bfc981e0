/*
 * Child process of the kill -9 test of replication: a follower whose leader keeps changing. It
 * appends with appendAt under the current leader epoch; every few batches a new epoch begins,
 * often after truncating a few records (a divergent tail), now and then after restarting the log
 * further on. Each record's key names the epoch that wrote it. Prints "<firstOffset> <count>
 * <epoch>" per acknowledged batch. Runs until killed, or gives up after a while so that a broken
 * test never leaves it behind.
 */
import type { LogRecordInput } from './log-record';
import { ShardLog } from './shard-log';
import type { ShardLogOptions } from './shard-log-options';

export const REPLICA_LOG_OPTIONS: Omit<ShardLogOptions, 'dir'> = {
  fsync: 'group',
  segmentMaxBytes: 4 * 1024,
  indexIntervalBytes: 256,
};

/** The record epoch `epoch` wrote at `offset`. */
export function replicaRecord(offset: number, epoch: number): LogRecordInput {
  return { partitionKey: `e${epoch}@${offset}`, data: Buffer.alloc(20 + ((offset * 37) % 200), epoch & 0xff) };
}

/** The epoch a replicaRecord's key names. */
export function replicaEpoch(partitionKey: string): number {
  return Number(/^e(\d+)@/.exec(partitionKey)?.[1]);
}

const GIVE_UP_AFTER_MS = 20_000;

async function replicateUntilKilled(dir: string): Promise<void> {
  setTimeout(() => process.exit(2), GIVE_UP_AFTER_MS).unref();
  const log = await ShardLog.open({ dir, ...REPLICA_LOG_OPTIONS });
  let epoch = log.epochs.latest()?.epoch ?? 0;
  for (let n = 0; ; n++) {
    if (n % 5 === 0) {
      epoch++;
      if (n % 60 === 30) await log.restartAt(log.nextOffset + 7);
      else if (n % 2 === 0) await log.truncate(Math.max(log.startOffset, log.nextOffset - (n % 7)));
      await log.epochs.assign(epoch, log.nextOffset);
    }
    const first = log.nextOffset;
    const count = 1 + (n % 6);
    await log.appendAt(first, Array.from({ length: count }, (_, i) => replicaRecord(first + i, epoch)), Date.now());
    process.stdout.write(`${first} ${count} ${epoch}\n`);
  }
}

if (require.main === module) {
  replicateUntilKilled(process.argv[2]).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
