import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { BROKER_JOINED, createActiveStream, kinesisClient, sleep, startCluster, startRedis, tempDataDir, type RedisHandle, type RunningCluster } from '@spate/testing';
import { activeConsumer, subscribe, type Subscription } from '../kds/subscribe-to-shard-suite';
import { ShardMapWatcher } from './shard-map-watcher';

const SESSION_MS = 1500;

/**
 * A subscription through the gateway while the shard's leader is killed: the gateway's tail of
 * the shard moves to the new leader and the client's subscription goes on as if nothing happened,
 * missing nothing that was acknowledged. (The reader would resubscribe from its last
 * ContinuationSequenceNumber if its stream ended; it must not need to.)
 */
describe('a subscription across the death of its shard\'s leader', () => {
  const data = tempDataDir();
  let redis: RedisHandle;
  let cluster: RunningCluster;

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, { SPATE_SESSION_TIMEOUT_MS: String(SESSION_MS) });
  });

  afterAll(async () => {
    await cluster?.stop('SIGKILL');
    await redis?.stop();
    data.remove();
  });

  it('delivers every acknowledged record, in order, on the same subscription', async () => {
    const client = kinesisClient(cluster.endpoint);
    const producerClient = kinesisClient(cluster.endpoint, { maxAttempts: 5 });
    await createActiveStream(client, 'efo-failover', 1);
    const consumerArn = await activeConsumer(client, 'arn:aws:kinesis:us-east-1:000000000000:stream/efo-failover', 'reader');
    const shardMap = await ShardMapWatcher.connect(redis.url, cluster.keyPrefix);
    const [assignment] = await shardMap.waitFor('the shard on three in-sync brokers', (list) => list.length === 1 && list[0].isr.length === 3);
    await shardMap.close();

    const received: { sequenceNumber: string; data: string }[] = [];
    let continuation: string | undefined;
    let stop = false;
    let subscriptions = 0;
    const reader = (async () => {
      while (!stop) {
        let sub: Subscription;
        try {
          const abort = new AbortController();
          sub = await subscribe(client, consumerArn, 'shardId-000000000000', continuation ? { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: continuation } : { Type: 'TRIM_HORIZON' }, abort);
          subscriptions++;
          let seen = 0;
          while (!sub.ended && !stop) {
            for (const { event } of sub.events.slice(seen)) {
              for (const r of event.Records ?? []) received.push({ sequenceNumber: r.SequenceNumber!, data: Buffer.from(r.Data!).toString() });
              continuation = event.ContinuationSequenceNumber;
            }
            seen = sub.events.length;
            await sleep(10);
          }
          for (const { event } of sub.events.slice(seen)) {
            for (const r of event.Records ?? []) received.push({ sequenceNumber: r.SequenceNumber!, data: Buffer.from(r.Data!).toString() });
            continuation = event.ContinuationSequenceNumber;
          }
          abort.abort();
        } catch {
          await sleep(200);
        }
      }
    })();

    const acknowledged: { sequenceNumber: string; data: string }[] = [];
    const produce = async (count: number, from: number) => {
      for (let i = from; i < from + count; i++) {
        const text = `record-${i}`;
        try {
          const out = await producerClient.send(new PutRecordCommand({ StreamName: 'efo-failover', PartitionKey: 'k', Data: Buffer.from(text) }));
          acknowledged.push({ sequenceNumber: out.SequenceNumber!, data: text });
        } catch {
          // not acknowledged
        }
        await sleep(5);
      }
    };
    await produce(100, 0);
    const leader = cluster.broker(assignment.leader!);
    await leader.kill('SIGKILL');
    await produce(200, 100);
    await leader.start(BROKER_JOINED);
    await produce(100, 300);

    const deadline = Date.now() + 20_000;
    const receivedSet = () => new Set(received.map((r) => r.sequenceNumber));
    while (acknowledged.some((a) => !receivedSet().has(a.sequenceNumber)) && Date.now() < deadline) await sleep(50);
    stop = true;
    await reader;

    const got = receivedSet();
    expect(acknowledged.filter((a) => !got.has(a.sequenceNumber))).toEqual([]);
    for (let i = 1; i < received.length; i++) expect(BigInt(received[i].sequenceNumber) > BigInt(received[i - 1].sequenceNumber)).toBe(true);
    const byData = new Map(received.map((r) => [r.sequenceNumber, r.data]));
    for (const a of acknowledged) expect(byData.get(a.sequenceNumber)).toBe(a.data);
    expect(acknowledged.length).toBeGreaterThan(350);
    expect(subscriptions).toBe(1);
    client.destroy();
    producerClient.destroy();
  }, 120_000);
});
