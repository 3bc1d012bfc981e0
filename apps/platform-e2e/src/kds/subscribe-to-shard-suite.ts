import {
  DescribeStreamConsumerCommand,
  ListShardsCommand,
  PutRecordCommand,
  RegisterStreamConsumerCommand,
  SplitShardCommand,
  SubscribeToShardCommand,
  type KinesisClient,
  type StartingPosition,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { createActiveStream, kinesisClient, sleep } from '@spate/testing';

export interface SubscriptionDeployment {
  endpoint: string;
  /** SPATE_SUBSCRIPTION_LIFETIME_MS the deployment was started with. */
  lifetimeMs: number;
  stop(): Promise<void>;
}

type ShardEvent = NonNullable<SubscribeToShardEventStream['SubscribeToShardEvent']>;

/** The events of a subscription as they arrive, with the moment each arrived. */
export class Subscription {
  readonly events: { at: number; event: ShardEvent }[] = [];
  error?: unknown;
  ended = false;
  private readonly done: Promise<void>;

  constructor(stream: AsyncIterable<SubscribeToShardEventStream>) {
    this.done = (async () => {
      try {
        for await (const item of stream) {
          if (item.SubscribeToShardEvent) this.events.push({ at: performance.now(), event: item.SubscribeToShardEvent });
        }
      } catch (error) {
        this.error = error;
      } finally {
        this.ended = true;
      }
    })();
  }

  get records() {
    return this.events.flatMap((e) => e.event.Records ?? []);
  }

  /** Waits until `count` records have arrived. */
  async waitForRecords(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      if (this.ended) throw new Error(`the subscription ended after ${this.records.length}/${count} records: ${String(this.error)}`);
      if (Date.now() > deadline) throw new Error(`only ${this.records.length}/${count} records after ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  async finished(): Promise<void> {
    await this.done;
  }
}

export async function subscribe(client: KinesisClient, consumerArn: string, shardId: string, position: StartingPosition, abort?: AbortController): Promise<Subscription> {
  const output = await client.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }), {
    abortSignal: abort?.signal as never,
  });
  return new Subscription(output.EventStream!);
}

export async function activeConsumer(client: KinesisClient, streamArn: string, name: string): Promise<string> {
  const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: name }));
  for (;;) {
    const { ConsumerDescription } = await client.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer!.ConsumerARN }));
    if (ConsumerDescription!.ConsumerStatus === 'ACTIVE') return Consumer!.ConsumerARN!;
    await sleep(20);
  }
}

/** SubscribeToShard with the SDK's default client (HTTP/2, event-stream decoding), against one deployment. */
export function describeSubscribeToShardSuite(name: string, start: () => Promise<SubscriptionDeployment>): void {
  describe(`SubscribeToShard (${name})`, () => {
    let deployment: SubscriptionDeployment;
    let client: KinesisClient;
    let streamArn: string;
    let consumerArn: string;
    const shardId = 'shardId-000000000000';

    beforeAll(async () => {
      deployment = await start();
      client = kinesisClient(deployment.endpoint);
      await createActiveStream(client, 'fanout', 1);
      streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/fanout`;
      consumerArn = await activeConsumer(client, streamArn, 'app');
    });

    afterAll(async () => {
      client?.destroy();
      await deployment?.stop();
    });

    const put = async (text: string) => {
      const sentAt = performance.now();
      const out = await client.send(new PutRecordCommand({ StreamName: 'fanout', PartitionKey: 'k', Data: Buffer.from(text) }));
      return { ...out, sentAt };
    };

    it('pushes records as they are appended, within milliseconds', async () => {
      const abort = new AbortController();
      const sub = await subscribe(client, consumerArn, shardId, { Type: 'LATEST' }, abort);
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const sent = await put(`pushed-${i}`);
        await sub.waitForRecords(i + 1);
        latencies.push(sub.events[sub.events.length - 1].at - sent.sentAt);
      }
      expect(sub.records.map((r) => Buffer.from(r.Data!).toString())).toEqual(Array.from({ length: 20 }, (_, i) => `pushed-${i}`));
      const last = sub.events[sub.events.length - 1].event;
      expect(last.ContinuationSequenceNumber).toBe(sub.records[19].SequenceNumber);
      expect(last.MillisBehindLatest).toBe(0);
      expect(sub.records[0].ApproximateArrivalTimestamp).toBeInstanceOf(Date);
      latencies.sort((a, b) => a - b);
      // Pushed, not polled: the median put-to-receive is a few milliseconds on this machine.
      expect(latencies[10]).toBeLessThan(100);
      abort.abort();
      await sub.finished();
    });

    it('starts at every kind of starting position', async () => {
      const before = new Date(Date.now() - 1);
      const a = await put('position-a');
      const b = await put('position-b');
      await sleep(5);
      const c = await put('position-c');
      const read = async (position: StartingPosition, count: number) => {
        const abort = new AbortController();
        const sub = await subscribe(client, consumerArn, shardId, position, abort);
        await sub.waitForRecords(count);
        const texts = sub.records.map((r) => Buffer.from(r.Data!).toString()).filter((t) => t.startsWith('position-'));
        abort.abort();
        await sub.finished();
        await sleep(50);
        return texts;
      };
      expect(await read({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: a.SequenceNumber }, 3)).toEqual(['position-a', 'position-b', 'position-c']);
      expect(await read({ Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: a.SequenceNumber }, 2)).toEqual(['position-b', 'position-c']);
      expect(await read({ Type: 'AT_TIMESTAMP', Timestamp: before }, 3)).toEqual(['position-a', 'position-b', 'position-c']);
      expect((await read({ Type: 'TRIM_HORIZON' }, 23)).slice(-3)).toEqual(['position-a', 'position-b', 'position-c']);
      void b;
      void c;
    });

    it('refuses a second subscription of the same consumer to the same shard', async () => {
      const abort = new AbortController();
      const first = await subscribe(client, consumerArn, shardId, { Type: 'LATEST' }, abort);
      await expect(subscribe(client, consumerArn, shardId, { Type: 'LATEST' })).rejects.toMatchObject({ name: 'ResourceInUseException' });
      abort.abort();
      await first.finished();
      // Released when the client goes away.
      await sleep(100);
      const again = new AbortController();
      const second = await subscribe(client, consumerArn, shardId, { Type: 'LATEST' }, again);
      again.abort();
      await second.finished();
    });

    it('ends the stream after its lifetime, with heartbeat events that carry the position', async () => {
      await sleep(100);
      const startedAt = Date.now();
      const sub = await subscribe(client, consumerArn, shardId, { Type: 'LATEST' });
      await sub.finished();
      const lasted = Date.now() - startedAt;
      expect(sub.error).toBeUndefined();
      expect(lasted).toBeGreaterThanOrEqual(deployment.lifetimeMs - 100);
      expect(lasted).toBeLessThan(deployment.lifetimeMs + 5_000);
      // The first event comes at once, records or not, and says where to continue.
      expect(sub.events.length).toBeGreaterThanOrEqual(1);
      expect(sub.events[0].event.ContinuationSequenceNumber).toMatch(/^\d+$/);
    });

    it('ends a closed shard with an event listing its children', async () => {
      await sleep(100);
      const last = await put('before-split');
      await client.send(new SplitShardCommand({ StreamName: 'fanout', ShardToSplit: shardId, NewStartingHashKey: (2n ** 127n).toString() }));
      for (;;) {
        const { Shards } = await client.send(new ListShardsCommand({ StreamName: 'fanout' }));
        if (Shards!.length === 3) break;
        await sleep(20);
      }
      const sub = await subscribe(client, consumerArn, shardId, { Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: last.SequenceNumber });
      await sub.finished();
      expect(sub.error).toBeUndefined();
      expect(sub.records.map((r) => Buffer.from(r.Data!).toString())).toEqual(['before-split']);
      const final = sub.events[sub.events.length - 1].event;
      expect(final.ChildShards!.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002']);
    });
  });
}
