import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient, startAllInOne, tempDataDir } from '@spate/testing';

interface Acknowledged {
  shardId: string;
  sequenceNumber: string;
  data: string;
}

/** Every record the server acknowledged before a kill -9 is read back after restart, once, in order. */
describe('durability of the all-in-one server', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  it('keeps every acknowledged record, in order, across kill -9 under load', async () => {
    const first = await startAllInOne(data.dir);
    const producer = kinesisClient(first.endpoint, { http1: true });
    await producer.send(new CreateStreamCommand({ StreamName: 'durable', ShardCount: 4 }));

    const acknowledged: Acknowledged[] = [];
    let attempted = 0;
    let stop = false;
    const worker = async (id: number) => {
      for (let batch = 0; !stop && batch < 10_000; batch++) {
        const payloads = Array.from({ length: 50 }, (_, i) => `w${id}-b${batch}-r${i}-${'x'.repeat(200)}`);
        attempted += payloads.length;
        try {
          const result = await producer.send(
            new PutRecordsCommand({ StreamName: 'durable', Records: payloads.map((p, i) => ({ PartitionKey: `${id}-${i}`, Data: Buffer.from(p) })) }),
          );
          result.Records!.forEach((r, i) => {
            if (r.SequenceNumber) acknowledged.push({ shardId: r.ShardId!, sequenceNumber: r.SequenceNumber, data: payloads[i] });
          });
        } catch {
          return; // the server is gone: nothing of this batch was acknowledged
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, id) => worker(id));
    while (acknowledged.length < 5_000) await new Promise((r) => setTimeout(r, 20));
    await first.server.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    producer.destroy();
    expect(acknowledged.length).toBeGreaterThanOrEqual(5_000);
    expect(attempted).toBeGreaterThan(acknowledged.length - 1);

    const second = await startAllInOne(data.dir);
    const reader = kinesisClient(second.endpoint);
    try {
      const summary = await reader.send(new DescribeStreamSummaryCommand({ StreamName: 'durable' }));
      expect(summary.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 4 });
      const { Shards } = await reader.send(new ListShardsCommand({ StreamName: 'durable' }));
      for (const shard of Shards!) {
        const expected = acknowledged
          .filter((a) => a.shardId === shard.ShardId)
          .sort((a, b) => (BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1));
        const read = new Map<string, string>();
        const order: string[] = [];
        let iterator = (await reader.send(new GetShardIteratorCommand({ StreamName: 'durable', ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
        while (iterator) {
          const page = await reader.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          for (const r of page.Records!) {
            expect(read.has(r.SequenceNumber!)).toBe(false);
            read.set(r.SequenceNumber!, Buffer.from(r.Data!).toString());
            order.push(r.SequenceNumber!);
          }
          if (page.Records!.length === 0) break;
          iterator = page.NextShardIterator;
        }
        const sorted = [...order].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
        expect(order).toEqual(sorted);
        for (const a of expected) expect(read.get(a.sequenceNumber)).toBe(a.data);
      }
    } finally {
      reader.destroy();
      await second.stop();
    }
  });
});
