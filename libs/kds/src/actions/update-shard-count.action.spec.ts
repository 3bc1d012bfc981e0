import { evenHashRanges } from '../hash-range';
import { aStream, currentStream, openShards } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { describeStreamSummary } from './describe-stream-summary.action';
import { updateShardCount } from './update-shard-count.action';

const HOUR = 3_600_000;

describe('UpdateShardCount', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const scale = (TargetShardCount: number) =>
    updateShardCount(kds.ctx(), { StreamName: 'orders', TargetShardCount, ScalingType: 'UNIFORM_SCALING' });
  const ranges = (shards: Array<{ hashKeyStart: string; hashKeyEnd: string }>) =>
    shards.map((s) => [BigInt(s.hashKeyStart), BigInt(s.hashKeyEnd)]).sort((a, b) => (a[0] < b[0] ? -1 : 1));

  describe('functionality', () => {
    it('doubles by splitting each shard, closing the old ones', async () => {
      const meta = await aStream(kds, 2);
      expect(await scale(4)).toEqual({ StreamName: 'orders', StreamARN: meta.arn, CurrentShardCount: 2, TargetShardCount: 4 });
      const after = await currentStream(kds);
      expect(after.shards).toHaveLength(6);
      expect(ranges(openShards(after))).toEqual(evenHashRanges(4).map((r) => [r.start, r.end]));
      expect(after.shards.slice(0, 2).every((s) => s.closedMs === kds.nowMs)).toBe(true);
      for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
        expect(kds.data.isSealed({ streamId: meta.streamId, shardId })).toBe(true);
      }
    });

    it('halves by merging pairs of shards', async () => {
      await aStream(kds, 4);
      await scale(2);
      const after = await currentStream(kds);
      expect(after.shards).toHaveLength(6);
      expect(openShards(after).map((s) => [s.parentShardId, s.adjacentParentShardId])).toEqual([
        ['shardId-000000000000', 'shardId-000000000001'],
        ['shardId-000000000002', 'shardId-000000000003'],
      ]);
    });

    it('leaves the stream UPDATING for the update delay', async () => {
      kds.settings.updateStreamDelayMs = 5000;
      await aStream(kds, 1);
      await scale(2);
      const status = async () => (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary.StreamStatus;
      expect(await status()).toBe('UPDATING');
      expect(await failureOf(scale(1))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
      kds.advance(5000);
      expect(await status()).toBe('ACTIVE');
    });

    it('refuses more than double or less than half the open shards', async () => {
      await aStream(kds, 6);
      expect(await failureOf(scale(13))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: 6, Target shard count: 13',
        ),
      );
      expect(await failureOf(scale(2))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: 6, Target shard count: 2',
        ),
      );
      await scale(3);
    });

    it("refuses to pass the account's open shard limit", async () => {
      kds.settings.shardLimit = 10;
      await aStream(kds, 4);
      await aStream(kds, 4, 'other');
      expect(await failureOf(scale(7))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'Target shard count or number of open shards cannot be greater than 10. Current open shard count: 4, Target shard count: 7',
        ),
      );
      await scale(6);
    });

    it('allows ten calls per rolling 24 hours', async () => {
      await aStream(kds, 2);
      for (let i = 0; i < 10; i++) {
        await scale(i % 2 === 0 ? 3 : 2);
        kds.advance(HOUR);
      }
      expect(await failureOf(scale(3))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'Exceeded the limit of 10 UpdateShardCount calls per rolling 24-hour period for stream orders under account 123456789012.',
        ),
      );
      kds.advance(14 * HOUR + 1);
      await scale(3);
      expect((await currentStream(kds)).scalingHistoryMs).toHaveLength(10);
    });

    it('refuses a stream that is not ACTIVE', async () => {
      await aStream(kds, 2);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, status: 'UPDATING' }));
      expect(await failureOf(scale(3))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
    });
  });
});
