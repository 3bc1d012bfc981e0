import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ShardSealedError } from '@spate/kds';
import { ShardManager } from './shard-manager';

describe('ShardManager', () => {
  let dir: string;
  let shards: ShardManager;
  const a = { streamId: 'stream-1', shardId: 'shardId-000000000000' };
  const b = { streamId: 'stream-1', shardId: 'shardId-000000000001' };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'spate-shards-'));
    shards = new ShardManager({ dataDir: dir, fsync: 'group' });
  });

  afterEach(async () => {
    await shards.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const put = (address: typeof a, ...data: string[]) =>
    shards.append({ ...address, records: data.map((d, i) => ({ partitionKey: `k${i}`, data: Buffer.from(d) })) });

  it('keeps one log per shard, with consecutive offsets and bounds readers can see', async () => {
    expect(await put(a, 'a0', 'a1')).toMatchObject({ firstOffset: 0 });
    expect(await put(b, 'b0')).toMatchObject({ firstOffset: 0 });
    const appended = await put(a, 'a2');
    expect(appended.firstOffset).toBe(2);

    const read = await shards.read({ ...a, fromOffset: 1, maxRecords: 10, maxBytes: 1 << 20 });
    expect(read.records.map((r) => [r.offset, r.data.toString(), r.partitionKey])).toEqual([
      [1, 'a1', 'k1'],
      [2, 'a2', 'k0'],
    ]);
    expect(read).toMatchObject({ startOffset: 0, nextOffset: 3, lastArrivalMs: appended.arrivalMs });
    expect(await shards.bounds(b)).toMatchObject({ startOffset: 0, nextOffset: 1 });
    expect(await shards.offsetAtTimestamp(a, appended.arrivalMs + 1)).toBe(3);
  });

  it('survives a close and reopen', async () => {
    await put(a, 'x', 'y');
    await shards.close();
    shards = new ShardManager({ dataDir: dir, fsync: 'group' });
    const read = await shards.read({ ...a, fromOffset: 0, maxRecords: 10, maxBytes: 1 << 20 });
    expect(read.records.map((r) => r.data.toString())).toEqual(['x', 'y']);
  });

  it('refuses appends to a sealed shard with ShardSealedError, and reports its final bounds', async () => {
    await put(a, 'last');
    expect(await shards.seal(a)).toMatchObject({ startOffset: 0, nextOffset: 1 });
    await expect(put(a, 'late')).rejects.toBeInstanceOf(ShardSealedError);
    expect(await shards.seal(a)).toMatchObject({ nextOffset: 1 });
  });

  it('drops every log of a stream incarnation and lists what is stored', async () => {
    await put(a, 'x');
    await put({ streamId: 'stream-2', shardId: 'shardId-000000000000' }, 'y');
    expect((await shards.storedStreamIds()).sort()).toEqual(['stream-1', 'stream-2']);
    await shards.dropStream('stream-1');
    expect(existsSync(path.join(dir, 'shards', 'stream-1'))).toBe(false);
    expect(await shards.storedStreamIds()).toEqual(['stream-2']);
    expect(await shards.bounds(a)).toMatchObject({ startOffset: 0, nextOffset: 0 });
  });

  it('never lets an id escape the data directory', async () => {
    await expect(shards.bounds({ streamId: '..', shardId: 'x' })).rejects.toThrow('Unsafe shard log id');
    await expect(shards.bounds({ streamId: 's', shardId: '../../etc' })).rejects.toThrow('Unsafe shard log id');
    await expect(shards.dropStream('../x')).rejects.toThrow('Unsafe shard log id');
  });
});
