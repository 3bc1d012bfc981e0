import { MAX_HASH_KEY } from '../hash-range';
import type { StreamRepository } from '../ports/stream-repository';
import { decodeSequenceNumber, encodeSequenceNumber } from '../sequence-number';
import { aStream, partitionKeysIn } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { ThroughputLimiter } from '../throughput-limiter';
import { putRecord } from './put-record.action';
import { splitShard } from './split-shard.action';

const MiB = 1024 * 1024;

describe('PutRecord', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('writes to the shard holding the MD5 of the partition key, with growing sequence numbers', async () => {
      const meta = await aStream(kds, 2);
      const [key] = partitionKeysIn(meta.shards[1], 1);
      const first = await putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: key, Data: Buffer.from('a') });
      const second = await putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: key, Data: Buffer.from('b') });
      expect(first).toEqual({ ShardId: 'shardId-000000000001', SequenceNumber: encodeSequenceNumber(1, 0) });
      expect(decodeSequenceNumber(second.SequenceNumber)).toEqual({ shardIndex: 1, offset: 1 });
      const { records } = await kds.data.read({ streamId: meta.streamId, shardId: 'shardId-000000000001', fromOffset: 0, maxRecords: 10, maxBytes: MiB });
      expect(records.map((r) => r.data.toString())).toEqual(['a', 'b']);
    });

    it('writes to the shard holding the ExplicitHashKey', async () => {
      await aStream(kds, 2);
      const output = await putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: 'a', ExplicitHashKey: '0', Data: Buffer.from('x') });
      expect(output.ShardId).toBe('shardId-000000000000');
      const last = await putRecord(kds.ctx(), {
        StreamName: 'orders',
        PartitionKey: 'a',
        ExplicitHashKey: MAX_HASH_KEY.toString(),
        Data: Buffer.from('x'),
      });
      expect(last.ShardId).toBe('shardId-000000000001');
    });

    it('accepts a SequenceNumberForOrdering it issued and refuses one it did not', async () => {
      await aStream(kds);
      const first = await putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.from('x') });
      const next = await putRecord(kds.ctx(), {
        StreamName: 'orders',
        PartitionKey: 'a',
        Data: Buffer.from('y'),
        SequenceNumberForOrdering: first.SequenceNumber,
      });
      expect(BigInt(next.SequenceNumber) > BigInt(first.SequenceNumber)).toBe(true);
      expect(
        await failureOf(putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.from('z'), SequenceNumberForOrdering: '123' })),
      ).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'ExclusiveMinimumSequenceNumber 123 used in PutRecord on stream orders under account 123456789012 is invalid.',
        ),
      );
    });

    it("refuses data above the stream's maximum record size", async () => {
      await aStream(kds);
      const n = MiB + 1;
      expect(await failureOf(putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.alloc(n) }))).toEqual(
        kinesisFailure(
          'ValidationException',
          `1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=${n} cap=${n}]' at 'data' failed to satisfy constraint: ` +
            'Member must have length less than or equal to 1048576',
        ),
      );
    });

    it('throws ProvisionedThroughputExceededException over the shard write limit', async () => {
      await aStream(kds);
      kds.settings.enforceThroughputLimits = true;
      const ctx = { ...kds.ctx(), throughput: new ThroughputLimiter() };
      await putRecord(ctx, { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.alloc(MiB - 1) });
      expect(await failureOf(putRecord(ctx, { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.alloc(10) }))).toEqual(
        kinesisFailure(
          'ProvisionedThroughputExceededException',
          'Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.',
        ),
      );
    });

    it('ignores the limits unless they are enforced', async () => {
      await aStream(kds);
      const ctx = { ...kds.ctx(), throughput: new ThroughputLimiter() };
      for (let i = 0; i < 3; i++) {
        await expect(putRecord(ctx, { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.alloc(MiB) })).resolves.toMatchObject({
          ShardId: 'shardId-000000000000',
        });
      }
    });

    it('reports EncryptionType KMS for an encrypted stream', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, encryption: { type: 'KMS', keyId: 'k' } }));
      expect((await putRecord(kds.ctx(), { StreamName: 'orders', PartitionKey: 'a', Data: Buffer.from('x') })).EncryptionType).toBe('KMS');
    });

    it('routes again when a reshard sealed the shard after the stream was read', async () => {
      const stale = await aStream(kds);
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
      const streams: StreamRepository = Object.create(kds.streams);
      let reads = 0;
      streams.resolve = async (caller, ref) => (reads++ === 0 ? stale : kds.streams.resolve(caller, ref));
      const output = await putRecord({ ...kds.ctx(), streams }, { StreamName: 'orders', PartitionKey: 'a', ExplicitHashKey: '5', Data: Buffer.from('x') });
      expect(output).toEqual({ ShardId: 'shardId-000000000001', SequenceNumber: encodeSequenceNumber(1, 0) });
    });

    it('answers ResourceNotFoundException for an unknown stream', async () => {
      expect(await failureOf(putRecord(kds.ctx(), { StreamName: 'nope', PartitionKey: 'a', Data: Buffer.from('x') }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream nope under account 123456789012 not found.'),
      );
    });
  });
});
