import { aStream, currentStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { mergeShards } from './merge-shards.action';
import { putRecords } from './put-records.action';

describe('MergeShards', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const merge = (ShardToMerge: string, AdjacentShardToMerge: string) =>
    mergeShards(kds.ctx(), { StreamName: 'orders', ShardToMerge, AdjacentShardToMerge });

  describe('functionality', () => {
    it('closes both shards and creates one covering both, with both as parents', async () => {
      const before = await aStream(kds, 3);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', ExplicitHashKey: before.shards[2].hashKeyEnd, Data: Buffer.from('x') }] });
      kds.advance(10);
      await merge('shardId-000000000002', 'shardId-000000000001');
      const meta = await currentStream(kds);
      expect(meta.shards.slice(1)).toEqual([
        { ...before.shards[1], closedMs: kds.nowMs },
        { ...before.shards[2], closedMs: kds.nowMs, endingOffset: 0 },
        {
          shardId: 'shardId-000000000003',
          index: 3,
          parentShardId: 'shardId-000000000002',
          adjacentParentShardId: 'shardId-000000000001',
          hashKeyStart: before.shards[1].hashKeyStart,
          hashKeyEnd: before.shards[2].hashKeyEnd,
          createdMs: kds.nowMs,
        },
      ]);
      for (const shardId of ['shardId-000000000001', 'shardId-000000000002']) {
        expect(kds.data.isSealed({ streamId: meta.streamId, shardId })).toBe(true);
      }
    });

    it('refuses shards whose ranges are not adjacent', async () => {
      await aStream(kds, 3);
      for (const [a, b] of [['shardId-000000000000', 'shardId-000000000002'], ['shardId-000000000001', 'shardId-000000000001']]) {
        expect(await failureOf(merge(a, b))).toEqual(
          kinesisFailure(
            'InvalidArgumentException',
            `Shards ${a} and ${b} in stream orders under account 123456789012 are not an adjacent pair of shards eligible for merging`,
          ),
        );
      }
    });

    it('refuses a closed shard', async () => {
      await aStream(kds, 3);
      await merge('shardId-000000000000', 'shardId-000000000001');
      expect(await failureOf(merge('shardId-000000000001', 'shardId-000000000002'))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Shard shardId-000000000001 in stream orders under account 123456789012 has already been merged or split, and thus is not eligible for merging',
        ),
      );
    });

    it('refuses shards the stream does not have', async () => {
      await aStream(kds, 2);
      expect(await failureOf(merge('shardId-000000000000', 'nonsense'))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Could not find shard nonsense in stream orders under account 123456789012.'),
      );
    });
  });
});
