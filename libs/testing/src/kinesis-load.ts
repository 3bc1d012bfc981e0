import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from './kinesis-clients';

export interface Acknowledged {
  shardId: string;
  sequenceNumber: string;
  data: string;
}

/**
 * Writers sending PutRecords in a loop, each payload once and never retried (the SDK's own retries
 * are off), recording what the cluster acknowledged. A failed call or entry only means "not
 * acknowledged": its records may or may not appear later, but never twice.
 */
export class LoadProducer {
  readonly acknowledged: Acknowledged[] = [];
  readonly failures = new Map<string, number>();
  private stopped = false;
  private readonly client: KinesisClient;
  private workers: Promise<void>[] = [];
  private lastAckAt = Date.now();

  constructor(
    endpoint: string,
    private readonly streamName: string,
    private readonly options: { writers?: number; batch?: number; pauseMs?: number } = {},
  ) {
    this.client = kinesisClient(endpoint, { http1: true });
  }

  start(): void {
    this.workers = Array.from({ length: this.options.writers ?? 4 }, (_, id) => this.worker(id));
  }

  /** Milliseconds since the last acknowledged record. */
  get silenceMs(): number {
    return Date.now() - this.lastAckAt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.workers);
    this.client.destroy();
  }

  /** Waits until `count` more records are acknowledged than now; fails after `timeoutMs`. */
  async waitForMore(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.acknowledged.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.acknowledged.length < target) {
      if (Date.now() > deadline) throw new Error(`only ${this.acknowledged.length}/${target} acknowledged after ${timeoutMs} ms; failures ${JSON.stringify([...this.failures])}`);
      await sleep(20);
    }
  }

  private async worker(id: number): Promise<void> {
    for (let batch = 0; !this.stopped; batch++) {
      const payloads = Array.from({ length: this.options.batch ?? 25 }, (_, i) => `w${id}-b${batch}-r${i}-${'x'.repeat(100)}`);
      try {
        const result = await this.client.send(
          new PutRecordsCommand({ StreamName: this.streamName, Records: payloads.map((p, i) => ({ PartitionKey: `${id}-${batch}-${i}`, Data: Buffer.from(p) })) }),
        );
        result.Records!.forEach((r, i) => {
          if (r.SequenceNumber) {
            this.acknowledged.push({ shardId: r.ShardId!, sequenceNumber: r.SequenceNumber, data: payloads[i] });
            this.lastAckAt = Date.now();
          } else this.count(r.ErrorCode ?? 'entry failed');
        });
      } catch (error) {
        this.count((error as Error).name);
        await sleep(50);
      }
      if (this.options.pauseMs) await sleep(this.options.pauseMs);
    }
  }

  private count(what: string): void {
    this.failures.set(what, (this.failures.get(what) ?? 0) + 1);
  }
}

export async function createActiveStream(client: KinesisClient, streamName: string, shardCount: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (summary.StreamDescriptionSummary!.StreamStatus === 'ACTIVE') return;
    await sleep(50);
  }
}

/** Every record of every shard, from TRIM_HORIZON to the end, in the order GetRecords gives them. */
export async function readEverything(client: KinesisClient, streamName: string): Promise<Map<string, { sequenceNumber: string; data: string }[]>> {
  const shards = new Map<string, { sequenceNumber: string; data: string }[]>();
  const { Shards } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  for (const shard of Shards!) {
    const records: { sequenceNumber: string; data: string }[] = [];
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records!) records.push({ sequenceNumber: r.SequenceNumber!, data: Buffer.from(r.Data!).toString() });
      if (page.Records!.length === 0) break;
      iterator = page.NextShardIterator;
    }
    shards.set(shard.ShardId!, records);
  }
  return shards;
}

/**
 * The cluster's promise: every acknowledged record is read back exactly once, with its data, at
 * its sequence number; every shard reads in ascending sequence order; and no payload appears twice
 * (the producer never sent one twice, so a second copy would be the cluster's doing).
 */
export function checkReadBack(acknowledged: readonly Acknowledged[], read: Map<string, { sequenceNumber: string; data: string }[]>): { read: number; unacknowledgedFound: number } {
  const problems: string[] = [];
  const seenData = new Set<string>();
  const bySequence = new Map<string, { shardId: string; data: string }>();
  let total = 0;
  for (const [shardId, records] of read) {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      total++;
      if (i > 0 && BigInt(records[i - 1].sequenceNumber) >= BigInt(r.sequenceNumber)) problems.push(`${shardId}: ${r.sequenceNumber} after ${records[i - 1].sequenceNumber}`);
      if (seenData.has(r.data)) problems.push(`${shardId}: payload ${r.data.slice(0, 24)} read twice`);
      seenData.add(r.data);
      bySequence.set(r.sequenceNumber, { shardId, data: r.data });
    }
  }
  for (const a of acknowledged) {
    const found = bySequence.get(a.sequenceNumber);
    if (!found) problems.push(`acknowledged ${a.shardId}/${a.sequenceNumber} (${a.data.slice(0, 24)}) not read`);
    else if (found.data !== a.data || found.shardId !== a.shardId) problems.push(`acknowledged ${a.sequenceNumber} read with other data or in another shard`);
  }
  if (problems.length) throw new Error(`${problems.length} problems, first ones:\n${problems.slice(0, 15).join('\n')}`);
  return { read: total, unacknowledgedFound: total - acknowledged.length };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
