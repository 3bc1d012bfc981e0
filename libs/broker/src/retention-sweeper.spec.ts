import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalCoordinationStore } from '@spate/coordination';
import { CoordinationStoreStreamRepository, formatStreamArn, type StreamMeta } from '@spate/kds';
import { RetentionSweeper } from './retention-sweeper';
import { ShardManager } from './shard-manager';

const HOUR = 3_600_000;

function streamMeta(name: string, streamId: string, retentionHours: number): StreamMeta {
  const account = '123456789012';
  const region = 'us-east-1';
  return {
    streamId,
    account,
    region,
    name,
    arn: formatStreamArn({ account, region, name }),
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    createdMs: Date.now(),
    retentionHours,
    shards: [{ shardId: 'shardId-000000000000', index: 0, hashKeyStart: '0', hashKeyEnd: ((1n << 128n) - 1n).toString(), createdMs: Date.now() }],
    nextShardIndex: 1,
    tags: {},
    encryption: { type: 'NONE' },
    enhancedMonitoring: [],
    maxRecordSizeKiB: 1024,
    consumers: [],
    scalingHistoryMs: [],
  };
}

describe('RetentionSweeper', () => {
  let dir: string;
  let shards: ShardManager;
  let store: LocalCoordinationStore;
  let streams: CoordinationStoreStreamRepository;
  const shard = (streamId: string) => ({ streamId, shardId: 'shardId-000000000000' });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spate-retention-'));
    // 1 MiB segments, so a few MiB of records spread over several of them.
    shards = new ShardManager({ dataDir: dir, fsync: 'os', segmentMaxBytes: 1024 * 1024 });
    store = await LocalCoordinationStore.open();
    streams = new CoordinationStoreStreamRepository(store, { now: Date.now, onStreamGone: async () => undefined });
  });

  afterEach(async () => {
    await shards.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fill(streamId: string): Promise<number> {
    const data = Buffer.alloc(64 * 1024, 1);
    for (let i = 0; i < 40; i++) await shards.append({ ...shard(streamId), records: [{ partitionKey: 'k', data }] });
    return (await shards.bounds(shard(streamId))).nextOffset;
  }

  it('deletes records once they are older than the stream retention period, and not before', async () => {
    await streams.create(streamMeta('day', 'day-1', 24));
    await streams.create(streamMeta('week', 'week-1', 168));
    const written = await fill('day-1');
    await fill('week-1');

    await new RetentionSweeper(shards, streams, () => Date.now() + 23 * HOUR).sweep();
    expect(await shards.bounds(shard('day-1'))).toMatchObject({ startOffset: 0, nextOffset: written });

    await new RetentionSweeper(shards, streams, () => Date.now() + 25 * HOUR).sweep();
    expect(await shards.bounds(shard('day-1'))).toMatchObject({ startOffset: written, nextOffset: written });
    expect(await shards.bounds(shard('week-1'))).toMatchObject({ startOffset: 0 });
    const read = await shards.read({ ...shard('day-1'), fromOffset: 0, maxRecords: 10, maxBytes: 1 << 20 });
    expect(read.records).toEqual([]);
  });

  it('drops the logs of stream incarnations that no longer exist', async () => {
    await streams.create(streamMeta('kept', 'kept-1', 24));
    await fill('kept-1');
    await fill('gone-1');
    await new RetentionSweeper(shards, streams).sweep();
    expect(await shards.storedStreamIds()).toEqual(['kept-1']);
  });
});
