import { json11Codec, ON_ENCODED } from '@spate/aws-protocol';
import { formatAwsDate } from '../aws-date';
import type { ReadRecordsRequest, ShardDataPlane } from '../ports/shard-data-plane';
import { encodeSequenceNumber } from '../sequence-number';
import { encodeShardIterator } from '../shard-iterator';
import { aStream, currentStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { ThroughputLimiter } from '../throughput-limiter';
import { createStream } from './create-stream.action';
import { getRecords } from './get-records.action';
import { getShardIterator } from './get-shard-iterator.action';
import { mergeShards } from './merge-shards.action';
import { putRecords } from './put-records.action';
import { splitShard } from './split-shard.action';

const MiB = 1024 * 1024;

describe('GetRecords', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const put = async (texts: string[], hashKey = '0') =>
    putRecords(kds.ctx(), {
      StreamName: 'orders',
      Records: texts.map((text) => ({ PartitionKey: `pk-${text}`, ExplicitHashKey: hashKey, Data: Buffer.from(text) })),
    });
  const iterator = async (shardId = 'shardId-000000000000', type: 'TRIM_HORIZON' | 'LATEST' = 'TRIM_HORIZON') =>
    (await getShardIterator(kds.ctx(), { StreamName: 'orders', ShardId: shardId, ShardIteratorType: type })).ShardIterator as string;
  const texts = (records: Iterable<{ Data: Buffer }>) => [...records].map((r) => r.Data.toString());

  describe('functionality', () => {
    it('returns the records with their sequence numbers, keys and arrival times', async () => {
      await aStream(kds);
      const arrival = kds.nowMs;
      await put(['a', 'b']);
      const output = await getRecords(kds.ctx(), { ShardIterator: await iterator() });
      expect(output.Records.toArray()).toEqual([
        { SequenceNumber: encodeSequenceNumber(0, 0), ApproximateArrivalTimestamp: new Date(arrival), Data: Buffer.from('a'), PartitionKey: 'pk-a' },
        { SequenceNumber: encodeSequenceNumber(0, 1), ApproximateArrivalTimestamp: new Date(arrival), Data: Buffer.from('b'), PartitionKey: 'pk-b' },
      ]);
      expect(output.MillisBehindLatest).toBe(0);
      expect(output.ChildShards).toBeUndefined();
    });

    it('reads into lent buffers and gives them back once the answer is encoded, for the next answer to reuse', async () => {
      await aStream(kds);
      await put(['first', 'second']);
      // A plane that, like the log store, copies what it reads into the buffers the read lends and
      // returns views of them.
      const lentSources: Buffer[] = [];
      const inner = kds.ctx().data;
      const lending: ShardDataPlane = Object.assign(Object.create(inner) as ShardDataPlane, {
        read: async (request: ReadRecordsRequest) => {
          const result = await inner.read({ ...request, readBuffers: undefined });
          const bytes = result.records.reduce((n, r) => n + Buffer.byteLength(r.partitionKey) + r.data.length, 0);
          const source = request.readBuffers?.take(Math.max(bytes, 256 * 1024)) ?? Buffer.alloc(bytes);
          lentSources.push(source);
          let at = 0;
          const records = result.records.map((r) => {
            const keyStart = at;
            at += source.write(r.partitionKey, at, 'utf8');
            const dataStart = at;
            at += r.data.copy(source, at);
            return { ...r, data: source.subarray(dataStart, at), source, keyStart, keyEnd: dataStart, dataStart, dataEnd: at };
          });
          return { ...result, records };
        },
      });
      const ctx = { ...kds.ctx(), data: lending };
      const first = await getRecords(ctx, { ShardIterator: await iterator() });
      const firstBody = json11Codec.encode(first);
      first[ON_ENCODED]?.();
      const second = await getRecords(ctx, { ShardIterator: await iterator() });
      expect(lentSources[1]).toBe(lentSources[0]);
      // The first answer's bytes were written before its buffer went on to the second read.
      lentSources[1].fill(0);
      expect(JSON.parse(firstBody.toString()).Records.map((r: { Data: string }) => Buffer.from(r.Data, 'base64').toString())).toEqual(['first', 'second']);
      expect(second[ON_ENCODED]).toBeDefined();
    });

    it('continues after the last record returned, and waits at the tip for new ones', async () => {
      await aStream(kds);
      await put(['a', 'b', 'c']);
      const first = await getRecords(kds.ctx(), { ShardIterator: await iterator(), Limit: 2 });
      expect(texts(first.Records)).toEqual(['a', 'b']);
      const second = await getRecords(kds.ctx(), { ShardIterator: first.NextShardIterator as string });
      expect(texts(second.Records)).toEqual(['c']);
      const empty = await getRecords(kds.ctx(), { ShardIterator: second.NextShardIterator as string });
      expect(empty.Records.toArray()).toEqual([]);
      await put(['d']);
      expect(texts((await getRecords(kds.ctx(), { ShardIterator: empty.NextShardIterator as string })).Records)).toEqual(['d']);
    });

    it('reads at most 10,000 records unless Limit says fewer', async () => {
      await aStream(kds);
      const read = jest.spyOn(kds.data, 'read');
      await getRecords(kds.ctx(), { ShardIterator: await iterator() });
      await getRecords(kds.ctx(), { ShardIterator: await iterator(), Limit: 7 });
      expect(read.mock.calls.map(([request]) => [request.maxRecords, request.maxBytes])).toEqual([
        [10_000, 10 * MiB],
        [7, 10 * MiB],
      ]);
    });

    it('returns at most 10 MiB of data per call', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, maxRecordSizeKiB: 10240 }));
      for (let i = 0; i < 3; i++) await put([String(i).repeat(4 * MiB)]);
      const first = await getRecords(kds.ctx(), { ShardIterator: await iterator() });
      expect(first.Records.toArray().map((r) => r.Data.length)).toEqual([4 * MiB, 4 * MiB]);
      const second = await getRecords(kds.ctx(), { ShardIterator: first.NextShardIterator as string });
      expect(second.Records.toArray().map((r) => r.Data[0])).toEqual(['2'.charCodeAt(0)]);
    });

    it('reports how far behind the newest record the reader is, 0 once caught up', async () => {
      await aStream(kds);
      await put(['a']);
      kds.advance(5000);
      await put(['b']);
      kds.advance(2000);
      const behind = await getRecords(kds.ctx(), { ShardIterator: await iterator(), Limit: 1 });
      expect(behind.MillisBehindLatest).toBe(7000);
      const caughtUp = await getRecords(kds.ctx(), { ShardIterator: behind.NextShardIterator as string });
      expect(caughtUp.MillisBehindLatest).toBe(0);
    });

    it('marks records of a KMS-encrypted stream', async () => {
      await aStream(kds);
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({ ...m, encryption: { type: 'KMS', keyId: 'k' } }));
      await put(['a']);
      expect((await getRecords(kds.ctx(), { ShardIterator: await iterator() })).Records.toArray()[0].EncryptionType).toBe('KMS');
    });

    it('ends a split parent with its children and no NextShardIterator', async () => {
      await aStream(kds);
      await put(['a', 'b']);
      const it0 = await iterator();
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() });
      const meta = await currentStream(kds);
      const output = await getRecords(kds.ctx(), { ShardIterator: it0 });
      expect(texts(output.Records)).toEqual(['a', 'b']);
      expect(output.NextShardIterator).toBeUndefined();
      expect(output.MillisBehindLatest).toBe(0);
      expect(output.ChildShards).toEqual([
        {
          ShardId: 'shardId-000000000001',
          ParentShards: ['shardId-000000000000'],
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: meta.shards[1].hashKeyEnd },
        },
        {
          ShardId: 'shardId-000000000002',
          ParentShards: ['shardId-000000000000'],
          HashKeyRange: { StartingHashKey: (2n ** 127n).toString(), EndingHashKey: meta.shards[2].hashKeyEnd },
        },
      ]);
      const latest = await getRecords(kds.ctx(), { ShardIterator: await iterator('shardId-000000000000', 'LATEST') });
      expect({ ...latest, Records: latest.Records.toArray() }).toEqual({ Records: [], ChildShards: output.ChildShards, MillisBehindLatest: 0 });
    });

    it('keeps reading a closed parent up to its end before reporting the end', async () => {
      await aStream(kds);
      await put(['a', 'b', 'c']);
      await splitShard(kds.ctx(), { StreamName: 'orders', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: '1000' });
      const first = await getRecords(kds.ctx(), { ShardIterator: await iterator(), Limit: 2 });
      expect(texts(first.Records)).toEqual(['a', 'b']);
      expect(first.ChildShards).toBeUndefined();
      const last = await getRecords(kds.ctx(), { ShardIterator: first.NextShardIterator as string });
      expect(texts(last.Records)).toEqual(['c']);
      expect(last.NextShardIterator).toBeUndefined();
      expect(last.ChildShards?.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    });

    it('never returns records past the ending offset of a closed shard', async () => {
      const meta = await aStream(kds);
      await put(['a']);
      kds.advance(10);
      await put(['b', 'c']);
      const it0 = await iterator();
      // As if 'c' had reached the log after the shard was closed at 'b'.
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (m) => ({
        ...m,
        shards: [{ ...m.shards[0], closedMs: kds.nowMs, endingOffset: 1 }],
      }));
      const output = await getRecords(kds.ctx(), { ShardIterator: it0 });
      expect(texts(output.Records)).toEqual(['a', 'b']);
      expect(output.NextShardIterator).toBeUndefined();
      expect(output.ChildShards).toEqual([]);
      // Also when retention has trimmed records before the iterator's position.
      await kds.data.trim({ streamId: meta.streamId, shardId: 'shardId-000000000000' }, kds.nowMs);
      expect(texts((await getRecords(kds.ctx(), { ShardIterator: it0 })).Records)).toEqual(['b']);
    });

    it('lists both parents of a merged child at the end of either parent', async () => {
      await aStream(kds, 2);
      await mergeShards(kds.ctx(), { StreamName: 'orders', ShardToMerge: 'shardId-000000000000', AdjacentShardToMerge: 'shardId-000000000001' });
      const output = await getRecords(kds.ctx(), { ShardIterator: await iterator('shardId-000000000001') });
      expect(output.ChildShards).toEqual([
        {
          ShardId: 'shardId-000000000002',
          ParentShards: ['shardId-000000000000', 'shardId-000000000001'],
          HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
        },
      ]);
    });

    it('refuses an iterator older than five minutes', async () => {
      await aStream(kds);
      const issued = kds.nowMs;
      const it0 = await iterator();
      kds.advance(300_000);
      expect((await getRecords(kds.ctx(), { ShardIterator: it0 })).Records.toArray()).toEqual([]);
      kds.advance(1);
      expect(await failureOf(getRecords(kds.ctx(), { ShardIterator: it0 }))).toEqual(
        kinesisFailure(
          'ExpiredIteratorException',
          `Iterator expired. The iterator was created at time ${formatAwsDate(issued)} while right now it is ` +
            `${formatAwsDate(issued + 300_001)} which is further in the future than the tolerated delay of 300000 milliseconds.`,
        ),
      );
    });

    it('keeps an empty poller going with iterators that expire five minutes after the last poll', async () => {
      await aStream(kds);
      let it = await iterator();
      // Ten minutes of empty polls, four a second: every NextShardIterator stays usable.
      for (let i = 0; i < 2400; i++) {
        const out = await getRecords(kds.ctx(), { ShardIterator: it });
        expect(out.Records.toArray()).toEqual([]);
        it = out.NextShardIterator as string;
        kds.advance(250);
      }
      const lastPoll = kds.nowMs - 250;
      await put(['late']);
      expect(texts((await getRecords(kds.ctx(), { ShardIterator: it })).Records)).toEqual(['late']);
      // Handed back within the second it was issued, the iterator still counts from its issue.
      kds.advance(lastPoll + 300_001 - kds.nowMs + 1000);
      expect(await failureOf(getRecords(kds.ctx(), { ShardIterator: it }))).toMatchObject({ type: 'ExpiredIteratorException' });
    });

    it('refuses a tampered iterator', async () => {
      await aStream(kds);
      const bytes = Buffer.from(await iterator(), 'base64');
      bytes[bytes.length - 40] ^= 1;
      expect(await failureOf(getRecords(kds.ctx(), { ShardIterator: bytes.toString('base64') }))).toEqual(
        kinesisFailure('InvalidArgumentException', 'Invalid ShardIterator.'),
      );
    });

    it('answers ResourceNotFoundException for an iterator of a deleted or re-created stream', async () => {
      await aStream(kds);
      const it0 = await iterator();
      await kds.streams.remove({ ...TEST_CALLER, name: 'orders' });
      const gone = kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000000 in stream orders under account 123456789012 does not exist');
      expect(await failureOf(getRecords(kds.ctx(), { ShardIterator: it0 }))).toEqual(gone);
      await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
      expect(await failureOf(getRecords(kds.ctx(), { ShardIterator: it0 }))).toEqual(gone);
    });

    it('answers ResourceNotFoundException for an iterator used from another account', async () => {
      const meta = await aStream(kds);
      const token = encodeShardIterator(kds.settings.iteratorSecret, {
        streamId: meta.streamId,
        streamName: 'orders',
        shardId: 'shardId-000000000000',
        offset: 0,
        issuedAtMs: kds.nowMs,
      });
      const other = { account: '210987654321', region: 'us-east-1' };
      expect(await failureOf(getRecords(kds.ctx(other), { ShardIterator: token }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000000 in stream orders under account 210987654321 does not exist'),
      );
    });

    it('allows five calls per second per shard when limits are enforced', async () => {
      await aStream(kds);
      kds.settings.enforceThroughputLimits = true;
      const ctx = { ...kds.ctx(), throughput: new ThroughputLimiter() };
      const it0 = await iterator();
      for (let i = 0; i < 5; i++) await getRecords(ctx, { ShardIterator: it0 });
      expect(await failureOf(getRecords(ctx, { ShardIterator: it0 }))).toEqual(
        kinesisFailure('ProvisionedThroughputExceededException', 'Rate exceeded for shard shardId-000000000000 in stream orders under account 123456789012.'),
      );
      kds.advance(200);
      expect((await getRecords(ctx, { ShardIterator: it0 })).Records.toArray()).toEqual([]);
    });
  });
});
