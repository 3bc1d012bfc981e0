import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient, startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';

/** With SPATE_ENFORCE_THROUGHPUT, a shard takes 1 MiB/s in and 5 reads/s out, as on AWS. */
describe('throughput limits', () => {
  const data = tempDataDir();
  let spate: RunningSpate;

  beforeAll(async () => {
    spate = await startAllInOne(data.dir, { SPATE_ENFORCE_THROUGHPUT: 'true' });
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  it('fails the entries past a shard write limit and throttles reads past 5 calls a second', async () => {
    const client = kinesisClient(spate.endpoint, { http1: true });
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'limited', ShardCount: 1 }));
      const record = Buffer.alloc(4096, 1);
      const batch = await client.send(
        new PutRecordsCommand({ StreamName: 'limited', Records: Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: record })) }),
      );
      // 2 MiB offered to a 1 MiB/s shard: roughly the second half is refused, entry by entry.
      expect(batch.FailedRecordCount).toBeGreaterThan(100);
      expect(batch.FailedRecordCount).toBeLessThan(400);
      const failed = batch.Records!.find((r) => r.ErrorCode);
      expect(failed).toMatchObject({ ErrorCode: 'ProvisionedThroughputExceededException' });
      expect(failed!.ErrorMessage).toContain('Rate exceeded for shard shardId-000000000000 in stream limited');
      expect(batch.Records!.filter((r) => r.SequenceNumber).length + batch.FailedRecordCount!).toBe(500);

      // Half a MiB takes half a second to earn back; the batch just spent the whole budget.
      await expect(client.send(new PutRecordCommand({ StreamName: 'limited', PartitionKey: 'k', Data: Buffer.alloc(512 * 1024, 2) }))).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
      });

      const iterator = (await client.send(new GetShardIteratorCommand({ StreamName: 'limited', ShardId: 'shardId-000000000000', ShardIteratorType: 'LATEST' }))).ShardIterator;
      const reads = await Promise.allSettled(Array.from({ length: 8 }, () => client.send(new GetRecordsCommand({ ShardIterator: iterator }))));
      const throttled = reads.filter((r) => r.status === 'rejected');
      expect(throttled.length).toBeGreaterThanOrEqual(3);
      expect((throttled[0] as PromiseRejectedResult).reason.name).toBe('ProvisionedThroughputExceededException');

      await new Promise((r) => setTimeout(r, 2_100));
      const later = await client.send(new PutRecordCommand({ StreamName: 'limited', PartitionKey: 'k', Data: record }));
      expect(later.SequenceNumber).toBeDefined();
    } finally {
      client.destroy();
    }
  });
});
