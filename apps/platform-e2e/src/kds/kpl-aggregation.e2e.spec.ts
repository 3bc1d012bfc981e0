import { createRequire } from 'node:module';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createActiveStream, kinesisClient, startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';
import { activeConsumer, subscribe } from './subscribe-to-shard-suite';

interface UserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber: number;
  data: string;
}

// The package's typings import the v2 SDK and Lambda types, which this workspace does not have.
const agg = createRequire(__filename)('aws-kinesis-agg') as {
  aggregate(
    records: { partitionKey: string; data: Buffer }[],
    onEncoded: (encoded: { partitionKey: string; data: Buffer; explicitHashKey?: string }, done: (error?: Error) => void) => void,
    afterAll: () => void,
    onError: (error: Error) => void,
  ): void;
  deaggregateSync(record: { partitionKey: string; sequenceNumber: string; data: string }, computeChecksums: boolean, done: (error: Error | null, records?: UserRecord[]) => void): void;
};

function aggregate(records: { partitionKey: string; data: Buffer }[]): Promise<{ partitionKey: string; data: Buffer; explicitHashKey?: string }[]> {
  return new Promise((resolve, reject) => {
    const encoded: { partitionKey: string; data: Buffer; explicitHashKey?: string }[] = [];
    agg.aggregate(records, (record, done) => (encoded.push(record), done()), () => resolve(encoded), reject);
  });
}

function deaggregate(record: { partitionKey: string; sequenceNumber: string; data: Buffer }): UserRecord[] {
  let out: UserRecord[] = [];
  agg.deaggregateSync({ partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber, data: record.data.toString('base64') }, true, (error, records) => {
    if (error) throw error;
    out = records ?? [];
  });
  return out;
}

/**
 * KPL-aggregated records (the KPL's protobuf format with its magic number and MD5 trailer) pass
 * through unchanged: written with aws-kinesis-agg's aggregator, read back with GetRecords and with
 * SubscribeToShard, and de-aggregated with its checksum checked.
 */
describe('KPL-aggregated records', () => {
  const data = tempDataDir();
  let spate: RunningSpate;

  beforeAll(async () => {
    spate = await startAllInOne(data.dir);
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  it('come back byte for byte and de-aggregate into the user records', async () => {
    const client = kinesisClient(spate.endpoint);
    await createActiveStream(client, 'kpl', 1);
    const users = Array.from({ length: 300 }, (_, i) => ({ partitionKey: `user-${i % 7}`, data: Buffer.from(`user record ${i} ${'z'.repeat(i % 50)}`) }));
    const aggregated = await aggregate(users);
    expect(aggregated.length).toBeGreaterThanOrEqual(1);
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: 'kpl',
        Records: aggregated.map((r) => ({ PartitionKey: r.partitionKey, ExplicitHashKey: r.explicitHashKey, Data: r.data })),
      }),
    );
    expect(put.FailedRecordCount).toBe(0);

    const iterator = await client.send(new GetShardIteratorCommand({ StreamName: 'kpl', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
    expect(page.Records!.map((r) => Buffer.from(r.Data!))).toEqual(aggregated.map((r) => r.data));
    const viaGetRecords = page.Records!.flatMap((r) => deaggregate({ partitionKey: r.PartitionKey!, sequenceNumber: r.SequenceNumber!, data: Buffer.from(r.Data!) }));
    expect(viaGetRecords.map((u) => [u.partitionKey, Buffer.from(u.data, 'base64').toString()])).toEqual(users.map((u) => [u.partitionKey, u.data.toString()]));
    expect(viaGetRecords.map((u) => u.subSequenceNumber).slice(0, 3)).toEqual([0, 1, 2]);

    const consumer = await activeConsumer(client, 'arn:aws:kinesis:us-east-1:000000000000:stream/kpl', 'deaggregator');
    const abort = new AbortController();
    const sub = await subscribe(client, consumer, 'shardId-000000000000', { Type: 'TRIM_HORIZON' }, abort);
    await sub.waitForRecords(aggregated.length);
    const viaSubscription = sub.records.flatMap((r) => deaggregate({ partitionKey: r.PartitionKey!, sequenceNumber: r.SequenceNumber!, data: Buffer.from(r.Data!) }));
    expect(viaSubscription.map((u) => Buffer.from(u.data, 'base64').toString())).toEqual(users.map((u) => u.data.toString()));
    abort.abort();
    await sub.finished();
    client.destroy();
  });
});
