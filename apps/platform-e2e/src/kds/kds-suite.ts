import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  GetResourcePolicyCommand,
  RegisterStreamConsumerCommand,
  RemoveTagsFromStreamCommand,
  SplitShardCommand,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UpdateMaxRecordSizeCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '@spate/testing';

export interface Deployment {
  endpoint: string;
  stop(): Promise<void>;
}

const MAX_HASH = (1n << 128n) - 1n;

async function waitActive(client: KinesisClient, StreamName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${StreamName} never became ACTIVE`);
}

async function errorOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

async function readAll(client: KinesisClient, StreamName: string, ShardId: string): Promise<{ data: string[]; seqs: string[] }> {
  let iterator = (await client.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  const data: string[] = [];
  const seqs: string[] = [];
  for (let i = 0; i < 100 && iterator; i++) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
    for (const r of page.Records ?? []) {
      data.push(Buffer.from(r.Data!).toString());
      seqs.push(r.SequenceNumber!);
    }
    if ((page.Records ?? []).length === 0 && page.MillisBehindLatest === 0) break;
    iterator = page.NextShardIterator;
  }
  return { data, seqs };
}

function tiles(shards: Shard[]): boolean {
  const ranges = shards
    .map((s) => [BigInt(s.HashKeyRange!.StartingHashKey!), BigInt(s.HashKeyRange!.EndingHashKey!)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  let next = 0n;
  for (const [start, end] of ranges) {
    if (start !== next || end < start) return false;
    next = end + 1n;
  }
  return next === MAX_HASH + 1n;
}

/**
 * The KDS behaviour every deployment must show to real AWS SDK v3 clients: the default HTTP/2
 * client and an HTTP/1.1 one, against the same server.
 */
export function describeKdsSuite(name: string, start: () => Promise<Deployment>): void {
  describe(`KDS API (${name})`, () => {
    let deployment: Deployment;
    let h2: KinesisClient;
    let h1: KinesisClient;

    beforeAll(async () => {
      deployment = await start();
      h2 = kinesisClient(deployment.endpoint);
      h1 = kinesisClient(deployment.endpoint, { http1: true });
    });

    afterAll(async () => {
      h2?.destroy();
      h1?.destroy();
      await deployment?.stop();
    });

    describe.each([
      ['HTTP/2', () => h2],
      ['HTTP/1.1', () => h1],
    ])('over %s', (protocol, client) => {
      const stream = `e2e-${protocol === 'HTTP/2' ? 'h2' : 'h1'}-${name.replace(/\W/g, '')}`;

      it('creates a stream, puts records and reads every one back in order', async () => {
        await client().send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
        await waitActive(client(), stream);
        const { StreamNames } = await client().send(new ListStreamsCommand({}));
        expect(StreamNames).toContain(stream);

        const single = await client().send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'p-0', Data: Buffer.from('record-0') }));
        expect(single.ShardId).toMatch(/^shardId-\d{12}$/);
        expect(single.SequenceNumber).toMatch(/^\d{20,}$/);

        const entries = Array.from({ length: 300 }, (_, i) => ({ PartitionKey: `p-${i + 1}`, Data: Buffer.from(`record-${i + 1}`) }));
        const batch = await client().send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
        expect(batch.FailedRecordCount).toBe(0);
        expect(batch.Records).toHaveLength(300);

        const { Shards } = await client().send(new ListShardsCommand({ StreamName: stream }));
        expect(Shards).toHaveLength(2);
        expect(tiles(Shards!)).toBe(true);

        const seen: string[] = [];
        for (const shard of Shards!) {
          const { data, seqs } = await readAll(client(), stream, shard.ShardId!);
          const ordered = [...seqs].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
          expect(seqs).toEqual(ordered);
          seen.push(...data);
          // Records of this shard came back in the order they were acknowledged.
          const acknowledged = batch.Records!.map((r, i) => ({ r, data: `record-${i + 1}` })).filter((x) => x.r.ShardId === shard.ShardId);
          expect(data.filter((d) => d !== 'record-0')).toEqual(acknowledged.map((x) => x.data));
        }
        expect(seen.sort()).toEqual(['record-0', ...entries.map((e) => Buffer.from(e.Data).toString())].sort());
      });

      it('serves every iterator type, with arrival timestamps and MillisBehindLatest', async () => {
        const ExplicitHashKey = '0';
        const first = await client().send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'any', ExplicitHashKey, Data: Buffer.from('a') }));
        const second = await client().send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'any', ExplicitHashKey, Data: Buffer.from('b') }));
        expect(first.ShardId).toBe('shardId-000000000000');
        expect(BigInt(second.SequenceNumber!)).toBeGreaterThan(BigInt(first.SequenceNumber!));

        const iterator = async (args: Record<string, unknown>) =>
          (await client().send(new GetShardIteratorCommand({ StreamName: stream, ShardId: first.ShardId!, ...(args as any) }))).ShardIterator!;
        const records = async (it: string) => (await client().send(new GetRecordsCommand({ ShardIterator: it }))).Records!.map((r) => Buffer.from(r.Data!).toString());

        expect(await records(await iterator({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: first.SequenceNumber }))).toEqual(['a', 'b']);
        expect(await records(await iterator({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: first.SequenceNumber }))).toEqual(['b']);
        const latest = await iterator({ ShardIteratorType: 'LATEST' });
        expect(await records(latest)).toEqual([]);

        const page = await client().send(new GetRecordsCommand({ ShardIterator: await iterator({ ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: first.SequenceNumber }), Limit: 1 }));
        expect(page.Records).toHaveLength(1);
        const arrival = page.Records![0].ApproximateArrivalTimestamp!;
        expect(arrival).toBeInstanceOf(Date);
        expect(Math.abs(arrival.getTime() - Date.now())).toBeLessThan(60_000);
        expect(page.MillisBehindLatest).toBeGreaterThanOrEqual(0);

        const atArrival = await iterator({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(arrival.getTime()) });
        expect((await records(atArrival))[0]).toBe('a');
        expect(await records(await iterator({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date() }))).toEqual([]);
        const future = await errorOf(iterator({ ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(Date.now() + 3_600_000) }));
        expect(future.name).toBe('InvalidArgumentException');

        await client().send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'any', ExplicitHashKey, Data: Buffer.from('c') }));
        expect(await records(latest)).toEqual(['c']);
      });

      it('answers AWS-style errors for bad input', async () => {
        const missing = await errorOf(client().send(new DescribeStreamSummaryCommand({ StreamName: `${stream}-missing` })));
        expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 400 });
        expect(missing.message).toContain(`${stream}-missing`);

        const badName = await errorOf(client().send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 1 })));
        expect(badName.name).toBe('ValidationException');
        expect(badName.message).toContain("Value 'bad name!' at 'streamName' failed to satisfy constraint");

        const garbage = await errorOf(client().send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })));
        expect(garbage.name).toBe('InvalidArgumentException');

        const emptyKey = await errorOf(client().send(new PutRecordCommand({ StreamName: stream, PartitionKey: '', Data: Buffer.from('x') })));
        expect(emptyKey.name).toBe('ValidationException');

        const tooMany = await errorOf(
          client().send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: Buffer.from('x') })) })),
        );
        expect(tooMany.name).toBe('ValidationException');

        const inUse = await errorOf(client().send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 })));
        expect(inUse.name).toBe('ResourceInUseException');
      });
    });

    it('addresses streams by ARN and keeps accounts apart', async () => {
      const alice = kinesisClient(deployment.endpoint, { accessKeyId: '111111111111' });
      const bob = kinesisClient(deployment.endpoint, { accessKeyId: '222222222222', http1: true });
      try {
        await alice.send(new CreateStreamCommand({ StreamName: 'shared-name', ShardCount: 1 }));
        await waitActive(alice, 'shared-name');
        const { StreamDescriptionSummary } = await alice.send(new DescribeStreamSummaryCommand({ StreamName: 'shared-name' }));
        const arn = StreamDescriptionSummary!.StreamARN!;
        expect(arn).toBe('arn:aws:kinesis:us-east-1:111111111111:stream/shared-name');

        const put = await alice.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: Buffer.from('by-arn') }));
        expect(put.ShardId).toBe('shardId-000000000000');
        expect((await errorOf(bob.send(new DescribeStreamSummaryCommand({ StreamName: 'shared-name' })))).name).toBe('ResourceNotFoundException');
        expect((await bob.send(new ListStreamsCommand({}))).StreamNames).not.toContain('shared-name');
        await alice.send(new DeleteStreamCommand({ StreamName: 'shared-name' }));
      } finally {
        alice.destroy();
        bob.destroy();
      }
    });

    it('splits and merges shards with correct lineage, and ends a closed shard with its children', async () => {
      const stream = `reshard-${name.replace(/\W/g, '')}`;
      await h2.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
      await waitActive(h2, stream);
      await h2.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'before', Data: Buffer.from('before-split') }));
      const parentIterator = (await h2.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;

      await h2.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (1n << 127n).toString() }));
      await waitActive(h2, stream);
      const { Shards } = await h2.send(new ListShardsCommand({ StreamName: stream }));
      expect(Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
      expect(Shards![0].SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
      expect(Shards![1].ParentShardId).toBe('shardId-000000000000');
      expect(Shards![2].ParentShardId).toBe('shardId-000000000000');
      expect(tiles(Shards!.slice(1))).toBe(true);

      const first = await h2.send(new GetRecordsCommand({ ShardIterator: parentIterator }));
      expect(first.Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual(['before-split']);
      let end = first;
      for (let i = 0; i < 5 && end.NextShardIterator; i++) end = await h2.send(new GetRecordsCommand({ ShardIterator: end.NextShardIterator }));
      expect(end.NextShardIterator).toBeUndefined();
      expect(end.ChildShards!.map((c) => c.ShardId).sort()).toEqual(['shardId-000000000001', 'shardId-000000000002']);

      await h2.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: 'shardId-000000000001', AdjacentShardToMerge: 'shardId-000000000002' }));
      await waitActive(h2, stream);
      const open = await h2.send(new ListShardsCommand({ StreamName: stream, ShardFilter: { Type: 'AT_LATEST' } }));
      expect(open.Shards!.map((s) => [s.ShardId, s.ParentShardId, s.AdjacentParentShardId])).toEqual([
        ['shardId-000000000003', 'shardId-000000000001', 'shardId-000000000002'],
      ]);
      expect(tiles(open.Shards!)).toBe(true);

      await h2.send(new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
      await waitActive(h2, stream);
      const scaled = await h2.send(new ListShardsCommand({ StreamName: stream, ShardFilter: { Type: 'AT_LATEST' } }));
      expect(scaled.Shards).toHaveLength(2);
      expect(tiles(scaled.Shards!)).toBe(true);
      const described = await h2.send(new DescribeStreamCommand({ StreamName: stream }));
      expect(described.StreamDescription!.Shards!.length).toBeGreaterThanOrEqual(6);
      await h2.send(new DeleteStreamCommand({ StreamName: stream }));
    });

    it('stores and reports tags, retention, consumers, encryption, monitoring, policies and limits', async () => {
      const stream = `settings-${name.replace(/\W/g, '')}`;
      await h1.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1, Tags: { team: 'data' } }));
      await waitActive(h1, stream);
      const arn = (await h1.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary!.StreamARN!;

      await h1.send(new AddTagsToStreamCommand({ StreamName: stream, Tags: { env: 'test' } }));
      await h1.send(new TagResourceCommand({ ResourceARN: arn, Tags: { owner: 'spate' } }));
      await h1.send(new RemoveTagsFromStreamCommand({ StreamName: stream, TagKeys: ['team'] }));
      const tags = await h1.send(new ListTagsForStreamCommand({ StreamName: stream }));
      expect(tags.Tags).toEqual([{ Key: 'env', Value: 'test' }, { Key: 'owner', Value: 'spate' }]);
      expect((await h1.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toHaveLength(2);

      await h1.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: stream, RetentionPeriodHours: 48 }));
      await waitActive(h1, stream);
      expect((await errorOf(h1.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: stream, RetentionPeriodHours: 72 })))).name).toBe('InvalidArgumentException');

      const { Consumer } = await h1.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'reader' }));
      expect(Consumer!.ConsumerARN).toMatch(new RegExp(`^${arn}/consumer/reader:\\d+$`));
      const described = await h1.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
      expect(described.ConsumerDescription!.StreamARN).toBe(arn);
      expect((await h1.send(new ListStreamConsumersCommand({ StreamARN: arn }))).Consumers!.map((c) => c.ConsumerName)).toEqual(['reader']);
      await h1.send(new DeregisterStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));

      await h1.send(new StartStreamEncryptionCommand({ StreamName: stream, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
      await waitActive(h1, stream);
      const encrypted = await h1.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      expect(encrypted.StreamDescriptionSummary).toMatchObject({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis', RetentionPeriodHours: 48 });
      const put = await h1.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: Buffer.from('x') }));
      expect(put.EncryptionType).toBe('KMS');
      await h1.send(new StopStreamEncryptionCommand({ StreamName: stream, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
      await waitActive(h1, stream);

      const monitoring = await h1.send(new EnableEnhancedMonitoringCommand({ StreamName: stream, ShardLevelMetrics: ['IncomingBytes'] }));
      expect(monitoring.DesiredShardLevelMetrics).toEqual(['IncomingBytes']);

      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'kinesis:GetRecords', Resource: arn }] });
      await h1.send(new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policy }));
      expect(JSON.parse((await h1.send(new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy!)).toEqual(JSON.parse(policy));

      const limits = await h1.send(new DescribeLimitsCommand({}));
      expect(limits.ShardLimit).toBeGreaterThanOrEqual(1000);
      expect(limits.OpenShardCount).toBeGreaterThanOrEqual(1);

      const big = Buffer.alloc(1024 * 1024 + 1, 7);
      expect((await errorOf(h1.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: big })))).name).toMatch(/ValidationException|InvalidArgumentException/);
      await h1.send(new UpdateMaxRecordSizeCommand({ StreamARN: arn, MaxRecordSizeInKiB: 2048 }));
      await waitActive(h1, stream);
      const bigPut = await h1.send(new PutRecordCommand({ StreamName: stream, PartitionKey: 'k', Data: big }));
      const back = await h1.send(
        new GetRecordsCommand({
          ShardIterator: (await h1.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: bigPut.ShardId!, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: bigPut.SequenceNumber }))).ShardIterator,
        }),
      );
      expect(Buffer.from(back.Records![0].Data!).equals(big)).toBe(true);

      await h1.send(new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
      await waitActive(h1, stream);
      expect((await h1.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary!.StreamModeDetails!.StreamMode).toBe('ON_DEMAND');

      await h1.send(new DeleteStreamCommand({ StreamName: stream }));
      expect((await errorOf(h1.send(new DescribeStreamSummaryCommand({ StreamName: stream })))).name).toBe('ResourceNotFoundException');
    });
  });
}
