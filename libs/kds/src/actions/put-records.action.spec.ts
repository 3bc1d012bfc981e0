import { MAX_HASH_KEY } from '../hash-range';
import { ShardSealedError } from '../ports/shard-data-plane';
import type { StreamRepository } from '../ports/stream-repository';
import { decodeSequenceNumber } from '../sequence-number';
import { aStream, currentStream, partitionKeysIn } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { ThroughputLimiter } from '../throughput-limiter';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';

const MiB = 1024 * 1024;
const data = (text: string) => Buffer.from(text);

describe('PutRecords', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const read = async (streamId: string, shardId: string) =>
    (await kds.data.read({ streamId, shardId, fromOffset: 0, maxRecords: 100, maxBytes: 100 * MiB })).records;

  describe('functionality', () => {
    it('routes each record by the MD5 of its partition key and answers in input order', async () => {
      const meta = await aStream(kds, 2);
      const [a0, a1] = partitionKeysIn(meta.shards[0], 2);
      const [b0] = partitionKeysIn(meta.shards[1], 1);
      const output = await putRecords(kds.ctx(), {
        StreamName: 'orders',
        Records: [
          { PartitionKey: a0, Data: data('first') },
          { PartitionKey: b0, Data: data('second') },
          { PartitionKey: a1, Data: data('third') },
        ],
      });
      expect(output.FailedRecordCount).toBe(0);
      expect(output.EncryptionType).toBeUndefined();
      expect(output.Records.toArray().map((r) => [r.ShardId, decodeSequenceNumber(r.SequenceNumber as string)])).toEqual([
        ['shardId-000000000000', { shardIndex: 0, offset: 0 }],
        ['shardId-000000000001', { shardIndex: 1, offset: 0 }],
        ['shardId-000000000000', { shardIndex: 0, offset: 1 }],
      ]);
      expect((await read(meta.streamId, 'shardId-000000000000')).map((r) => [r.partitionKey, r.data.toString()])).toEqual([
        [a0, 'first'],
        [a1, 'third'],
      ]);
    });

    it('routes by ExplicitHashKey when one is given, whatever the partition key', async () => {
      const meta = await aStream(kds, 2);
      const [inShard0] = partitionKeysIn(meta.shards[0], 1);
      const output = await putRecords(kds.ctx(), {
        StreamName: 'orders',
        Records: [
          { PartitionKey: inShard0, ExplicitHashKey: MAX_HASH_KEY.toString(), Data: data('x') },
          { PartitionKey: inShard0, ExplicitHashKey: meta.shards[1].hashKeyStart, Data: data('y') },
          { PartitionKey: inShard0, ExplicitHashKey: meta.shards[0].hashKeyEnd, Data: data('z') },
        ],
      });
      expect(output.Records.toArray().map((r) => r.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000001', 'shardId-000000000000']);
      expect((await read(meta.streamId, 'shardId-000000000001'))[0].explicitHashKey).toBe(MAX_HASH_KEY.toString());
    });

    it('appends once per shard per call, all shards in parallel', async () => {
      const meta = await aStream(kds, 3);
      const append = jest.spyOn(kds.data, 'append');
      const records = meta.shards.flatMap((shard) => partitionKeysIn(shard, 4)).map((key) => ({ PartitionKey: key, Data: data(key) }));
      await putRecords(kds.ctx(), { StreamName: 'orders', Records: records });
      expect(append).toHaveBeenCalledTimes(3);
      expect(append.mock.calls.map(([request]) => request.records.length)).toEqual([4, 4, 4]);
    });

    it('gives sequence numbers that grow within a shard across calls', async () => {
      const meta = await aStream(kds);
      const numbers: bigint[] = [];
      for (let call = 0; call < 3; call++) {
        const output = await putRecords(kds.ctx(), {
          StreamARN: meta.arn,
          Records: [0, 1, 2].map((i) => ({ PartitionKey: `k${i}`, Data: data(`${call}.${i}`) })),
        });
        numbers.push(...output.Records.toArray().map((r) => BigInt(r.SequenceNumber as string)));
      }
      for (let i = 1; i < numbers.length; i++) expect(numbers[i] > numbers[i - 1]).toBe(true);
    });

    it('reports EncryptionType KMS for an encrypted stream', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, encryption: { type: 'KMS', keyId: 'alias/aws/kinesis' } }));
      const output = await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: data('x') }] });
      expect(output.EncryptionType).toBe('KMS');
    });

    it("refuses data blobs above the stream's maximum record size with Kinesis's ValidationException", async () => {
      await aStream(kds);
      const atLimit = Buffer.alloc(MiB);
      const over = Buffer.alloc(MiB + 1);
      expect(
        await failureOf(
          putRecords(kds.ctx(), {
            StreamName: 'orders',
            Records: [
              { PartitionKey: 'a', Data: atLimit },
              { PartitionKey: 'b', Data: over },
              { PartitionKey: 'c', Data: over },
            ],
          }),
        ),
      ).toEqual(
        kinesisFailure(
          'ValidationException',
          '2 validation errors detected: ' +
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy constraint: " +
            'Member must have length less than or equal to 1048576; ' +
            "Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.3.member.data' failed to satisfy constraint: " +
            'Member must have length less than or equal to 1048576',
        ),
      );
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, maxRecordSizeKiB: 2048 }));
      const output = await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'b', Data: over }] });
      expect(output.FailedRecordCount).toBe(0);
    });

    it('refuses requests above 10 MiB, partition keys included', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, maxRecordSizeKiB: 10240 }));
      const blob = Buffer.alloc(10 * MiB - 1);
      const exactly = await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: blob }] });
      expect(exactly.FailedRecordCount).toBe(0);
      expect(await failureOf(putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'ab', Data: blob }] }))).toEqual(
        kinesisFailure('InvalidArgumentException', 'Records size exceeds 10 MB limit'),
      );
    });

    it('refuses an ExplicitHashKey above 2^128 - 1', async () => {
      await aStream(kds);
      const key = (MAX_HASH_KEY + 1n).toString();
      expect(
        await failureOf(putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', ExplicitHashKey: key, Data: data('x') }] })),
      ).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${key}`,
        ),
      );
    });

    it('answers as if the stream did not exist while it is CREATING or DELETING', async () => {
      await aStream(kds);
      for (const status of ['CREATING', 'DELETING'] as const) {
        await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, status }));
        expect(await failureOf(putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: data('x') }] }))).toEqual(
          kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
        );
      }
    });

    it('accepts records while the stream is UPDATING', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, status: 'UPDATING' }));
      const output = await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: data('x') }] });
      expect(output.FailedRecordCount).toBe(0);
    });

    it('fails the entries over the shard write limit, each with its own error', async () => {
      await aStream(kds);
      kds.settings.enforceThroughputLimits = true;
      const ctx = { ...kds.ctx(), throughput: new ThroughputLimiter() };
      const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: data('x') }));
      await putRecords(ctx, { StreamName: 'orders', Records: batch(500) });
      const output = await putRecords(ctx, { StreamName: 'orders', Records: batch(502) });
      expect(output.FailedRecordCount).toBe(2);
      expect(output.Records.toArray().slice(499)).toEqual([
        { ShardId: 'shardId-000000000000', SequenceNumber: output.Records.toArray()[499].SequenceNumber },
        {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.',
        },
        {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.',
        },
      ]);
      kds.advance(1000);
      expect((await putRecords(ctx, { StreamName: 'orders', Records: batch(2) })).FailedRecordCount).toBe(0);
    });

    it('routes again, once, when a reshard sealed the shard after the stream was read', async () => {
      const stale = await aStream(kds);
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: 2n ** 127n + '' });
      const streams: StreamRepository = Object.create(kds.streams);
      let reads = 0;
      streams.resolve = async (caller, ref) => (reads++ === 0 ? stale : kds.streams.resolve(caller, ref));
      const output = await putRecords({ ...kds.ctx(), streams }, { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: data('x') }] });
      expect(reads).toBe(2);
      expect(output.FailedRecordCount).toBe(0);
      expect(['shardId-000000000001', 'shardId-000000000002']).toContain(output.Records.toArray()[0].ShardId);
    });

    it('fails with InternalFailure the entries of a shard that cannot append, and only those', async () => {
      const meta = await aStream(kds, 2);
      const append = kds.data.append.bind(kds.data);
      jest.spyOn(kds.data, 'append').mockImplementation(async (request) => {
        if (request.shardId === 'shardId-000000000001') throw new Error('broker unavailable');
        return append(request);
      });
      const [a] = partitionKeysIn(meta.shards[0], 1);
      const [b] = partitionKeysIn(meta.shards[1], 1);
      const output = await putRecords(kds.ctx(), {
        StreamName: 'orders',
        Records: [
          { PartitionKey: b, Data: data('lost') },
          { PartitionKey: a, Data: data('kept') },
        ],
      });
      expect(output.FailedRecordCount).toBe(1);
      expect(output.Records.toArray()[0]).toEqual({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' });
      expect(output.Records.toArray()[1].ShardId).toBe('shardId-000000000000');
    });

    it('fails with InternalFailure the entries whose shard is still sealed after routing again', async () => {
      const stale = await aStream(kds);
      await kds.data.seal({ streamId: stale.streamId, shardId: 'shardId-000000000000' });
      const append = jest.spyOn(kds.data, 'append');
      const output = await putRecords(kds.ctx(), { StreamName: 'orders', Records: [{ PartitionKey: 'a', Data: data('x') }] });
      expect(append).toHaveBeenCalledTimes(2);
      await expect(append.mock.results[1].value).rejects.toBeInstanceOf(ShardSealedError);
      expect(output.Records.toArray()).toEqual([{ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }]);
      expect((await currentStream(kds)).shards.every((s) => s.closedMs === undefined)).toBe(true);
    });
  });
});
