import { MAX_HASH_KEY } from '../hash-range';
import { aStream, currentStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { describeStreamSummary } from './describe-stream-summary.action';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';

describe('SplitShard', () => {
  let kds: TestKds;
  afterEach(() => kds.close());

  const split = (ShardToSplit: string, NewStartingHashKey: string) =>
    splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit, NewStartingHashKey });
  const status = async () => (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary.StreamStatus;

  describe('functionality', () => {
    beforeEach(async () => {
      kds = await openTestKds();
    });

    it('closes the parent at its last record and creates two children splitting its range', async () => {
      const before = await aStream(kds);
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: Buffer.from('x') }, { PartitionKey: 'b', Data: Buffer.from('y') }] });
      kds.advance(10);
      await split('shardId-000000000000', '1000');
      const meta = await currentStream(kds);
      expect(meta.nextShardIndex).toBe(3);
      expect(meta.shards).toEqual([
        { ...before.shards[0], closedMs: kds.nowMs, endingOffset: 1 },
        { shardId: 'shardId-000000000001', index: 1, parentShardId: 'shardId-000000000000', hashKeyStart: '0', hashKeyEnd: '999', createdMs: kds.nowMs },
        {
          shardId: 'shardId-000000000002',
          index: 2,
          parentShardId: 'shardId-000000000000',
          hashKeyStart: '1000',
          hashKeyEnd: MAX_HASH_KEY.toString(),
          createdMs: kds.nowMs,
        },
      ]);
      expect(kds.data.isSealed({ streamId: meta.streamId, shardId: 'shardId-000000000000' })).toBe(true);
      expect(await status()).toBe('ACTIVE');
    });

    it('records no ending offset for a parent closed empty', async () => {
      await aStream(kds);
      await split('shardId-000000000000', '1000');
      expect((await currentStream(kds)).shards[0].endingOffset).toBeUndefined();
    });

    it('leaves the stream UPDATING for the update delay', async () => {
      kds.settings.updateStreamDelayMs = 1000;
      await aStream(kds);
      await split('shardId-000000000000', '1000');
      expect(await status()).toBe('UPDATING');
      expect(await failureOf(split('shardId-000000000001', '10'))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
      kds.advance(1000);
      expect(await status()).toBe('ACTIVE');
    });

    it('requires the new starting hash key to lie strictly inside the range, more than one above its start', async () => {
      await aStream(kds);
      const message = (key: string) =>
        `NewStartingHashKey ${key} used in SplitShard() on shard shardId-000000000000 in stream orders under account 123456789012 ` +
        `is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey ${MAX_HASH_KEY}.`;
      for (const key of ['0', '1', MAX_HASH_KEY.toString()]) {
        expect(await failureOf(split('shardId-000000000000', key))).toEqual(kinesisFailure('InvalidArgumentException', message(key)));
      }
      await split('shardId-000000000000', '2');
    });

    it('refuses to split a closed shard or one the stream does not have', async () => {
      await aStream(kds);
      await split('shardId-000000000000', '1000');
      expect(await failureOf(split('shardId-000000000000', '500'))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Shard shardId-000000000000 in stream orders under account 123456789012 has already been merged or split, and thus is not eligible for splitting',
        ),
      );
      expect(await failureOf(split('shardId-000000000009', '500'))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000009 in stream orders under account 123456789012 does not exist'),
      );
    });

    it('counts the extra open shard against the account limit', async () => {
      kds.settings.shardLimit = 3;
      await aStream(kds, 2);
      await split('shardId-000000000000', '1000');
      expect(await failureOf(split('shardId-000000000001', '10'))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'This request would exceed the shard limit for the account 123456789012 in us-east-1. Current shard count for the account: 3. ' +
            'Limit: 3. Number of additional shards that would have resulted from this request: 1. Refer to the AWS Service Limits page ' +
            '(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.',
        ),
      );
    });

    it('is refused while another reshard of the stream holds its lease', async () => {
      const meta = await aStream(kds);
      const lease = await kds.store.acquireLease(`kds/reshard/${meta.streamId}`, 'someone-else', 30_000);
      expect(await failureOf(split('shardId-000000000000', '1000'))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
      await kds.store.releaseLease(lease as NonNullable<typeof lease>);
      await split('shardId-000000000000', '1000');
      expect((await kds.store.getLease(`kds/reshard/${meta.streamId}`))).toBeUndefined();
    });

    it('refuses a stream that is not ACTIVE', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, status: 'CREATING' }));
      expect(await failureOf(split('shardId-000000000000', '1000'))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state CREATING'),
      );
    });
  });
});
