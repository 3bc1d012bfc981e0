import type { ListShardsInput, ShardFilter } from '../model/kinesis-shapes';
import { startingSequenceNumber } from '../sequence-number';
import { aStream, currentStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listShards } from './list-shards.action';
import { splitShard } from './split-shard.action';

const HOUR = 3_600_000;

describe('ListShards', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const ids = async (input: ListShardsInput) => (await listShards(kds.ctx(), input)).Shards?.map((s) => s.ShardId.slice(-2));

  describe('functionality', () => {
    it("lists a new stream's shards with their hash key and sequence number ranges", async () => {
      await aStream(kds, 3);
      expect(await listShards(kds.ctx(), { StreamName: 'orders' })).toEqual({
        Shards: [
          ['0', '113427455640312821154458202477256070484'],
          ['113427455640312821154458202477256070485', '226854911280625642308916404954512140969'],
          ['226854911280625642308916404954512140970', '340282366920938463463374607431768211455'],
        ].map(([start, end], i) => ({
          ShardId: `shardId-00000000000${i}`,
          HashKeyRange: { StartingHashKey: start, EndingHashKey: end },
          SequenceNumberRange: { StartingSequenceNumber: startingSequenceNumber(i) },
        })),
      });
    });

    it('accepts StreamName and StreamARN together, as the KPL sends them', async () => {
      const meta = await aStream(kds, 2);
      expect(await ids({ StreamName: 'orders', StreamARN: meta.arn })).toEqual(['00', '01']);
    });

    it('pages with MaxResults and NextToken, the token alone naming the stream', async () => {
      await aStream(kds, 5);
      const first = await listShards(kds.ctx(), { StreamName: 'orders', MaxResults: 2 });
      expect(first.Shards?.map((s) => s.ShardId.slice(-2))).toEqual(['00', '01']);
      const second = await listShards(kds.ctx(), { NextToken: first.NextToken, MaxResults: 2 });
      expect(second.Shards?.map((s) => s.ShardId.slice(-2))).toEqual(['02', '03']);
      const last = await listShards(kds.ctx(), { NextToken: second.NextToken });
      expect(last.Shards?.map((s) => s.ShardId.slice(-2))).toEqual(['04']);
      expect(last.NextToken).toBeUndefined();
    });

    it('returns at most 1,000 shards per call', async () => {
      await aStream(kds, 1001);
      const first = await listShards(kds.ctx(), { StreamName: 'orders', MaxResults: 5000 });
      expect(first.Shards).toHaveLength(1000);
      expect((await listShards(kds.ctx(), { NextToken: first.NextToken })).Shards?.map((s) => s.ShardId)).toEqual([
        'shardId-000000001000',
      ]);
    });

    it('starts after ExclusiveStartShardId', async () => {
      await aStream(kds, 4);
      expect(await ids({ StreamName: 'orders', ExclusiveStartShardId: 'shardId-000000000001' })).toEqual(['02', '03']);
    });

    it('refuses a NextToken together with StreamName or ExclusiveStartShardId', async () => {
      await aStream(kds, 3);
      const { NextToken } = await listShards(kds.ctx(), { StreamName: 'orders', MaxResults: 1 });
      expect(await failureOf(listShards(kds.ctx(), { NextToken, StreamName: 'orders' }))).toEqual(
        kinesisFailure('InvalidArgumentException', 'NextToken and StreamName cannot be provided together.'),
      );
      expect(await failureOf(listShards(kds.ctx(), { NextToken, ExclusiveStartShardId: 'shardId-000000000000' }))).toEqual(
        kinesisFailure('InvalidArgumentException', 'NextToken and ExclusiveStartShardId cannot be provided together.'),
      );
    });

    it('refuses a request that names no stream', async () => {
      expect(await failureOf(listShards(kds.ctx(), {}))).toEqual(
        kinesisFailure('InvalidArgumentException', 'Either NextToken or StreamName should be provided.'),
      );
    });

    it('refuses a NextToken after 300 seconds, or once its stream is re-created', async () => {
      await aStream(kds, 3);
      const { NextToken } = await listShards(kds.ctx(), { StreamName: 'orders', MaxResults: 1 });
      await kds.streams.remove({ ...TEST_CALLER, name: 'orders' });
      await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 3 });
      expect(await failureOf(listShards(kds.ctx(), { NextToken }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
      const fresh = await listShards(kds.ctx(), { StreamName: 'orders', MaxResults: 1 });
      kds.advance(300_001);
      expect(await failureOf(listShards(kds.ctx(), { NextToken: fresh.NextToken }))).toEqual(
        kinesisFailure('ExpiredNextTokenException', 'The NextToken has expired.'),
      );
    });

    it('tells streams of the same name apart by StreamCreationTimestamp', async () => {
      const meta = await aStream(kds, 1);
      expect(await ids({ StreamName: 'orders', StreamCreationTimestamp: new Date(meta.createdMs) })).toEqual(['00']);
      expect(await failureOf(listShards(kds.ctx(), { StreamName: 'orders', StreamCreationTimestamp: new Date(meta.createdMs - 5000) }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
    });

    describe('shard filters, on a stream whose shard 0 was split in two at T1', () => {
      // Shards: 0 (created T0, closed T1), 1 (created T0, open), 2 and 3 (created T1, open).
      let t0: number;
      let t1: number;
      const filtered = (ShardFilter: ShardFilter) => ids({ StreamName: 'orders', ShardFilter });

      beforeEach(async () => {
        t0 = kds.nowMs;
        await aStream(kds, 2);
        kds.advance(HOUR);
        t1 = kds.nowMs;
        const shard0 = (await currentStream(kds)).shards[0];
        await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: shard0.shardId, NewStartingHashKey: '1000' });
        kds.advance(HOUR);
      });

      it('FROM_TRIM_HORIZON, the default, lists every shard within retention', async () => {
        expect(await ids({ StreamName: 'orders' })).toEqual(['00', '01', '02', '03']);
        expect(await filtered({ Type: 'FROM_TRIM_HORIZON' })).toEqual(['00', '01', '02', '03']);
      });

      it('AT_TRIM_HORIZON lists the shards open at the trim horizon', async () => {
        expect(await filtered({ Type: 'AT_TRIM_HORIZON' })).toEqual(['00', '01']);
      });

      it('AT_LATEST lists the open shards', async () => {
        expect(await filtered({ Type: 'AT_LATEST' })).toEqual(['01', '02', '03']);
      });

      it('AT_TIMESTAMP lists the shards open at the timestamp', async () => {
        expect(await filtered({ Type: 'AT_TIMESTAMP', Timestamp: new Date(t0 + 1) })).toEqual(['00', '01']);
        expect(await filtered({ Type: 'AT_TIMESTAMP', Timestamp: new Date(t1) })).toEqual(['00', '01', '02', '03']);
        expect(await filtered({ Type: 'AT_TIMESTAMP', Timestamp: new Date(t1 + 1) })).toEqual(['01', '02', '03']);
        // Before the stream existed is corrected to its trim horizon.
        expect(await filtered({ Type: 'AT_TIMESTAMP', Timestamp: new Date(0) })).toEqual(['00', '01']);
      });

      it('FROM_TIMESTAMP lists the open shards and those closed at or after the timestamp', async () => {
        expect(await filtered({ Type: 'FROM_TIMESTAMP', Timestamp: new Date(t1) })).toEqual(['00', '01', '02', '03']);
        expect(await filtered({ Type: 'FROM_TIMESTAMP', Timestamp: new Date(t1 + 1) })).toEqual(['01', '02', '03']);
      });

      it('AFTER_SHARD_ID lists the shards after the one given', async () => {
        expect(await filtered({ Type: 'AFTER_SHARD_ID', ShardId: 'shardId-000000000001' })).toEqual(['02', '03']);
      });

      it('keeps the filter across pages', async () => {
        const first = await listShards(kds.ctx(), { StreamName: 'orders', ShardFilter: { Type: 'AT_LATEST' }, MaxResults: 2 });
        expect(first.Shards?.map((s) => s.ShardId.slice(-2))).toEqual(['01', '02']);
        expect(await ids({ NextToken: first.NextToken })).toEqual(['03']);
      });

      it('stops listing a closed shard once its data is past retention', async () => {
        kds.advance(23 * HOUR + 1);
        expect(await ids({ StreamName: 'orders' })).toEqual(['01', '02', '03']);
        expect(await filtered({ Type: 'AT_TRIM_HORIZON' })).toEqual(['01', '02', '03']);
        expect(await filtered({ Type: 'FROM_TIMESTAMP', Timestamp: new Date(t0) })).toEqual(['01', '02', '03']);
      });

      it('refuses a filter without the member its type needs', async () => {
        expect(await failureOf(filtered({ Type: 'AFTER_SHARD_ID' }))).toEqual(
          kinesisFailure('InvalidArgumentException', 'ShardId must be specified in ShardFilter when its Type is AFTER_SHARD_ID.'),
        );
        expect(await failureOf(filtered({ Type: 'FROM_TIMESTAMP' }))).toEqual(
          kinesisFailure('InvalidArgumentException', 'Timestamp must be specified in ShardFilter when its Type is FROM_TIMESTAMP.'),
        );
        expect(await failureOf(filtered({ Type: 'AT_LATEST', Timestamp: new Date(t1) }))).toEqual(
          kinesisFailure(
            'InvalidArgumentException',
            'Timestamp can only be specified in ShardFilter when its Type is AT_TIMESTAMP or FROM_TIMESTAMP, not AT_LATEST.',
          ),
        );
      });
    });
  });
});
