import type { GetShardIteratorInput } from '../model/kinesis-shapes';
import { encodeSequenceNumber, startingSequenceNumber } from '../sequence-number';
import { aStream, currentStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { getRecords } from './get-records.action';
import { getShardIterator } from './get-shard-iterator.action';
import { putRecords } from './put-records.action';
import { ThroughputLimiter } from '../throughput-limiter';

describe('GetShardIterator', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const put = async (...texts: string[]) =>
    (
      await putRecords(kds.ctx(), {
        StreamName: 'orders',
        Records: texts.map((text) => ({ PartitionKey: 'k', Data: Buffer.from(text) })),
      })
    ).Records.toArray().map((r) => r.SequenceNumber as string);

  /** The data GetRecords returns from an iterator of this request. */
  const readFrom = async (request: Partial<GetShardIteratorInput>) => {
    const { ShardIterator = '' } = await getShardIterator(kds.ctx(), {
      StreamName: 'orders',
      ShardId: 'shardId-000000000000',
      ShardIteratorType: 'TRIM_HORIZON',
      ...request,
    });
    const { Records } = await getRecords(kds.ctx(), { ShardIterator });
    return Records.toArray().map((r) => r.Data.toString());
  };

  describe('functionality', () => {
    it('allows five calls per second per shard when limits are enforced', async () => {
      kds.settings.enforceThroughputLimits = true;
      const ctx = { ...kds.ctx(), throughput: new ThroughputLimiter() };
      const request = { StreamName: 'orders', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' } as const;
      for (let i = 0; i < 5; i++) await getShardIterator(ctx, request);
      expect(await failureOf(getShardIterator(ctx, request))).toEqual(
        kinesisFailure('ProvisionedThroughputExceededException', 'Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.'),
      );
      kds.advance(200);
      expect((await getShardIterator(ctx, request)).ShardIterator).toBeDefined();
    });

    beforeEach(async () => {
      await aStream(kds);
    });

    it('TRIM_HORIZON starts at the oldest retained record', async () => {
      await put('a');
      kds.advance(1000);
      await put('b', 'c');
      expect(await readFrom({ ShardIteratorType: 'TRIM_HORIZON' })).toEqual(['a', 'b', 'c']);
      const meta = await currentStream(kds);
      await kds.data.trim({ streamId: meta.streamId, shardId: 'shardId-000000000000' }, kds.nowMs);
      expect(await readFrom({ ShardIteratorType: 'TRIM_HORIZON' })).toEqual(['b', 'c']);
    });

    it('LATEST starts after the newest record', async () => {
      await put('old');
      const { ShardIterator = '' } = await getShardIterator(kds.ctx(), {
        StreamName: 'orders',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'LATEST',
      });
      await put('new');
      expect((await getRecords(kds.ctx(), { ShardIterator })).Records.toArray().map((r) => r.Data.toString())).toEqual(['new']);
    });

    it('AT_SEQUENCE_NUMBER starts at that record and AFTER_SEQUENCE_NUMBER after it', async () => {
      const [, second] = await put('a', 'b', 'c');
      expect(await readFrom({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: second })).toEqual(['b', 'c']);
      expect(await readFrom({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: second })).toEqual(['c']);
    });

    it("treats the shard's StartingSequenceNumber as before its first record, for both types", async () => {
      await put('a', 'b');
      const start = startingSequenceNumber(0);
      expect(await readFrom({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: start })).toEqual(['a', 'b']);
      expect(await readFrom({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: start })).toEqual(['a', 'b']);
    });

    it('AT_TIMESTAMP starts at the first record that arrived at or after the timestamp', async () => {
      await put('a');
      kds.advance(1000);
      const t = kds.nowMs;
      await put('b');
      kds.advance(1000);
      await put('c');
      expect(await readFrom({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(t) })).toEqual(['b', 'c']);
      expect(await readFrom({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(t - 1) })).toEqual(['b', 'c']);
      expect(await readFrom({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(0) })).toEqual(['a', 'b', 'c']);
    });

    it('AT_TIMESTAMP works on an empty shard and at the current time, reading what comes next', async () => {
      const { ShardIterator: empty = '' } = await getShardIterator(kds.ctx(), {
        StreamName: 'orders',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(kds.nowMs),
      });
      await put('a');
      kds.advance(1);
      const { ShardIterator: now = '' } = await getShardIterator(kds.ctx(), {
        StreamName: 'orders',
        ShardId: 'shardId-000000000000',
        ShardIteratorType: 'AT_TIMESTAMP',
        Timestamp: new Date(kds.nowMs),
      });
      await put('b');
      expect((await getRecords(kds.ctx(), { ShardIterator: empty })).Records.toArray().map((r) => r.Data.toString())).toEqual(['a', 'b']);
      expect((await getRecords(kds.ctx(), { ShardIterator: now })).Records.toArray().map((r) => r.Data.toString())).toEqual(['b']);
    });

    it('refuses an AT_TIMESTAMP in the future', async () => {
      const future = kds.nowMs + 1;
      expect(await failureOf(readFrom({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(future) }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. ' +
            `timestampInMillis: ${future}, currentTimestampInMillis: ${kds.nowMs}`,
        ),
      );
    });

    it('requires a Timestamp for AT_TIMESTAMP', async () => {
      expect(await failureOf(readFrom({ ShardIteratorType: 'AT_TIMESTAMP' }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.',
        ),
      );
    });

    it('requires a sequence number with the sequence number types, and only with them', async () => {
      const message = (rest: string) =>
        'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
        `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${rest}`;
      expect(await failureOf(readFrom({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' }))).toEqual(
        kinesisFailure('InvalidArgumentException', message('AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber.')),
      );
      expect(await failureOf(readFrom({ ShardIteratorType: 'LATEST', StartingSequenceNumber: startingSequenceNumber(0) }))).toEqual(
        kinesisFailure('InvalidArgumentException', message('LATEST and also a StartingSequenceNumber.')),
      );
    });

    it('refuses sequence numbers of another shard, of no shard, and of another incarnation of the stream', async () => {
      await put('a');
      const where = 'used in GetShardIterator on shard shardId-000000000000 in stream orders under account 123456789012';
      expect(await failureOf(readFrom({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: encodeSequenceNumber(3, 0) }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Invalid StartingSequenceNumber. It encodes shardId-000000000003, while it was used in a call to a shard with shardId-000000000000',
        ),
      );
      expect(await failureOf(readFrom({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: '12345' }))).toEqual(
        kinesisFailure('InvalidArgumentException', `StartingSequenceNumber 12345 ${where} is invalid.`),
      );
      const later = encodeSequenceNumber(0, 1);
      expect(await failureOf(readFrom({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: later }))).toEqual(
        kinesisFailure('InvalidArgumentException', `StartingSequenceNumber ${later} ${where} is invalid because it did not come from this stream.`),
      );
    });

    it('accepts the short shard id forms AWS accepts', async () => {
      await put('a');
      expect(await readFrom({ ShardId: 'shard-0' })).toEqual(['a']);
      expect(await readFrom({ ShardId: '0' })).toEqual(['a']);
    });

    it('answers ResourceNotFoundException for a shard the stream does not have', async () => {
      expect(await failureOf(readFrom({ ShardId: 'shardId-5' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000005 in stream orders under account 123456789012 does not exist'),
      );
      expect(await failureOf(readFrom({ ShardId: 'ABKLFD8' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Could not find shard ABKLFD8 in stream orders under account 123456789012.'),
      );
    });
  });
});
