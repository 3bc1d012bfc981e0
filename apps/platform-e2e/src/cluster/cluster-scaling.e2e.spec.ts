import type { ShardAssignment } from '@spate/cluster';
import {
  checkReadBack,
  createActiveStream,
  kinesisClient,
  LoadProducer,
  readEverything,
  startCluster,
  startRedis,
  tempDataDir,
  type RedisHandle,
  type RunningCluster,
} from '@spate/testing';
import { activeConsumer, subscribe } from '../kds/subscribe-to-shard-suite';
import { ShardMapWatcher } from './shard-map-watcher';

/**
 * Scale out from one broker to three and back to one, under continuous PutRecords: copies move to
 * the new brokers and leaderships with them; leaving brokers (SIGTERM) hand their shards over
 * first. Nothing acknowledged is lost and nothing is stored twice, and a SubscribeToShard open
 * all along follows its shard from leader to leader without ending.
 */
describe('scaling a cluster out and in under load', () => {
  const data = tempDataDir();
  let redis: RedisHandle;
  let cluster: RunningCluster;
  let shardMap: ShardMapWatcher;

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster(
      { redisUrl: redis.url, dataDir: data.dir, brokers: 1 },
      { SPATE_SESSION_TIMEOUT_MS: '1500', SPATE_DRAIN_TIMEOUT_MS: '20000' },
    );
    shardMap = await ShardMapWatcher.connect(redis.url, cluster.keyPrefix);
  });

  afterAll(async () => {
    await shardMap?.close();
    await cluster?.stop('SIGKILL');
    await redis?.stop();
    data.remove();
  });

  const waitFor = (what: string, ok: (list: ShardAssignment[]) => boolean) => shardMap.waitFor(what, ok, 40_000);
  const leaders = (list: ShardAssignment[]) => new Set(list.map((a) => a.leader));

  it('moves shards to new brokers and back without losing or duplicating a record', async () => {
    const admin = kinesisClient(cluster.endpoint);
    await createActiveStream(admin, 'scaling', 6);
    await waitFor('six shards on the one broker', (list) => list.length === 6);
    const consumerArn = await activeConsumer(admin, 'arn:aws:kinesis:us-east-1:000000000000:stream/scaling', 'follower');
    const abort = new AbortController();
    const subscription = await subscribe(admin, consumerArn, 'shardId-000000000000', { Type: 'TRIM_HORIZON' }, abort);
    const producer = new LoadProducer(cluster.endpoint, 'scaling', { writers: 4 });
    producer.start();
    try {
      await producer.waitForMore(1_000);
      const failuresBefore = [...producer.failures.values()].reduce((a, b) => a + b, 0);

      await cluster.addBroker();
      await cluster.addBroker();
      const out = await waitFor(
        'every shard on three in-sync brokers, leaderships spread',
        (list) => list.every((a) => a.isr.length === 3) && leaders(list).size === 3,
      );
      expect([...leaders(out)].sort()).toEqual(['broker-0', 'broker-1', 'broker-2']);
      await producer.waitForMore(1_000);

      // Scale in: each leaving broker hands over before it exits.
      for (const leaving of [2, 1]) {
        await cluster.brokers[leaving].kill('SIGTERM');
        expect(cluster.brokers[leaving].logs).toMatch(/joined the cluster/);
        await producer.waitForMore(500);
      }
      await waitFor('every shard on broker-0 alone', (list) => list.every((a) => a.leader === 'broker-0' && a.replicas.join() === 'broker-0'));
      await producer.waitForMore(500);
      // Routine moves are handed over (the leader commits what it took, then names its
      // successor): clients see delays, and at most a few retryable errors when a machine this
      // busy makes a handover run late. Failing in-flight appends on every move would show here
      // as dozens.
      const failures = [...producer.failures.values()].reduce((a, b) => a + b, 0) - failuresBefore;
      expect(failures).toBeLessThanOrEqual(10);
      expect([...producer.failures.keys()].filter((kind) => kind !== 'InternalFailure')).toEqual([]);
    } finally {
      await producer.stop();
    }
    const result = checkReadBack(producer.acknowledged, await readEverything(admin, 'scaling'));
    expect(result.read).toBeGreaterThanOrEqual(producer.acknowledged.length);

    const onShard = producer.acknowledged.filter((a) => a.shardId === 'shardId-000000000000');
    await subscription.waitForRecords(onShard.length, 20_000);
    const pushed = subscription.records;
    const pushedData = new Map(pushed.map((r) => [r.SequenceNumber!, Buffer.from(r.Data!).toString()]));
    expect(onShard.filter((a) => pushedData.get(a.sequenceNumber) !== a.data)).toEqual([]);
    for (let i = 1; i < pushed.length; i++) expect(BigInt(pushed[i].SequenceNumber!) > BigInt(pushed[i - 1].SequenceNumber!)).toBe(true);
    expect(subscription.ended).toBe(false);
    abort.abort();
    admin.destroy();
  }, 180_000);
});
