import { encodeSequenceNumber, startingSequenceNumber } from '../sequence-number';
import { aStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { describeStream } from './describe-stream.action';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';

describe('DescribeStream', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('describes the stream and its shards', async () => {
      const meta = await aStream(kds, 2);
      expect(await describeStream(kds.ctx(), { StreamName: 'orders' })).toEqual({
        StreamDescription: {
          StreamName: 'orders',
          StreamARN: meta.arn,
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          Shards: [
            {
              ShardId: 'shardId-000000000000',
              HashKeyRange: { StartingHashKey: '0', EndingHashKey: '170141183460469231731687303715884105727' },
              SequenceNumberRange: { StartingSequenceNumber: startingSequenceNumber(0) },
            },
            {
              ShardId: 'shardId-000000000001',
              HashKeyRange: {
                StartingHashKey: '170141183460469231731687303715884105728',
                EndingHashKey: '340282366920938463463374607431768211455',
              },
              SequenceNumberRange: { StartingSequenceNumber: startingSequenceNumber(1) },
            },
          ],
          HasMoreShards: false,
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: new Date(meta.createdMs),
          EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
          EncryptionType: 'NONE',
        },
      });
    });

    it('shows lineage and the ending sequence number of closed shards', async () => {
      await aStream(kds);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [1, 2, 3].map((i) => ({ PartitionKey: `${i}`, Data: Buffer.from('x') })) });
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
      const { Shards } = (await describeStream(kds.ctx(), { StreamName: 'orders' })).StreamDescription;
      expect(Shards.map((s) => [s.ShardId, s.ParentShardId, s.SequenceNumberRange.EndingSequenceNumber])).toEqual([
        ['shardId-000000000000', undefined, encodeSequenceNumber(0, 2)],
        ['shardId-000000000001', 'shardId-000000000000', undefined],
        ['shardId-000000000002', 'shardId-000000000000', undefined],
      ]);
    });

    it('pages with Limit and ExclusiveStartShardId, HasMoreShards telling whether more follow', async () => {
      await aStream(kds, 5);
      const first = (await describeStream(kds.ctx(), { StreamName: 'orders', Limit: 2 })).StreamDescription;
      expect([first.Shards.map((s) => s.ShardId), first.HasMoreShards]).toEqual([['shardId-000000000000', 'shardId-000000000001'], true]);
      const rest = (await describeStream(kds.ctx(), { StreamName: 'orders', ExclusiveStartShardId: 'shardId-000000000001' })).StreamDescription;
      expect([rest.Shards.map((s) => s.ShardId.slice(-1)), rest.HasMoreShards]).toEqual([['2', '3', '4'], false]);
    });

    it('returns at most 100 shards per call', async () => {
      await aStream(kds, 101);
      const description = (await describeStream(kds.ctx(), { StreamName: 'orders', Limit: 10_000 })).StreamDescription;
      expect([description.Shards.length, description.HasMoreShards]).toEqual([100, true]);
    });

    it('reports encryption and enhanced monitoring', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({
        ...m,
        encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' },
        enhancedMonitoring: ['IncomingBytes'],
      }));
      const description = (await describeStream(kds.ctx(), { StreamName: 'orders' })).StreamDescription;
      expect([description.EncryptionType, description.KeyId, description.EnhancedMonitoring]).toEqual([
        'KMS',
        'alias/aws/kinesis',
        [{ ShardLevelMetrics: ['IncomingBytes'] }],
      ]);
    });

    it('answers ResourceNotFoundException for an unknown stream', async () => {
      expect(await failureOf(describeStream(kds.ctx(), { StreamName: 'nope' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream nope under account 123456789012 not found.'),
      );
    });
  });
});
