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
import { ShardMapWatcher } from './shard-map-watcher';

const SESSION_MS = 1500;
const CLUSTER_ENV = { SPATE_SESSION_TIMEOUT_MS: String(SESSION_MS), SPATE_REPLICA_LAG_MAX_MS: '3000', SPATE_REPLICATION_FACTOR: '3', SPATE_MIN_INSYNC_REPLICAS: '2' };

/**
 * Three brokers, replication factor 3, continuous PutRecords: the leader of the busiest shards is
 * killed with SIGKILL, again and again. Service must come back within a few seconds each time and
 * every acknowledged record must be readable exactly once, in order.
 */
describe('a 3-broker cluster losing leaders under load', () => {
  const data = tempDataDir();
  let redis: RedisHandle;
  let cluster: RunningCluster;
  let shardMap: ShardMapWatcher;

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, CLUSTER_ENV);
    shardMap = await ShardMapWatcher.connect(redis.url, cluster.keyPrefix);
  });

  afterAll(async () => {
    await shardMap?.close();
    await cluster?.stop('SIGKILL');
    await redis?.stop();
    data.remove();
  });

  const assignments = () => shardMap.list();
  const waitFor = (what: string, ok: (list: ShardAssignment[]) => boolean) => shardMap.waitFor(what, ok);
  const fullyReplicated = (list: ShardAssignment[]) => list.length === 4 && list.every((a) => a.leader !== undefined && a.isr.length === 3);

  it('serves again within seconds of each kill -9 of a leader and loses no acknowledged record', async () => {
    const admin = kinesisClient(cluster.endpoint);
    await createActiveStream(admin, 'failover', 4);
    await waitFor('every shard on three in-sync brokers', fullyReplicated);
    const producer = new LoadProducer(cluster.endpoint, 'failover', { writers: 4 });
    producer.start();
    try {
      await producer.waitForMore(2_000);
      const recoveries: number[] = [];
      for (let round = 0; round < 3; round++) {
        const before = await assignments();
        const counts = new Map<string, number>();
        for (const a of before) counts.set(a.leader!, (counts.get(a.leader!) ?? 0) + 1);
        const victimId = [...counts].sort((x, y) => y[1] - x[1])[0][0];
        const victim = cluster.broker(victimId);
        const killedAt = Date.now();
        await victim.kill('SIGKILL');

        // New leaders, from the in-sync replicas, with higher epochs.
        const after = await waitFor('new leaders for the dead broker\'s shards', (list) => list.every((a) => a.leader !== undefined && a.leader !== victimId));
        for (const a of after) {
          const old = before.find((b) => b.shardId === a.shardId)!;
          if (old.leader === victimId) expect(a.leaderEpoch).toBeGreaterThan(old.leaderEpoch);
        }
        await producer.waitForMore(500, 20_000);
        recoveries.push(Date.now() - killedAt);

        await victim.start(/joined the cluster/);
        await waitFor('the restarted broker back in sync everywhere', fullyReplicated);
      }
      // Dead after SESSION_MS (plus a renewal period), new leaders at once, clients served again:
      // "a few seconds" on a 2-core machine running all of it.
      for (const ms of recoveries) expect(ms).toBeLessThan(10_000);
      await producer.waitForMore(500);
    } finally {
      await producer.stop();
    }

    const read = await readEverything(admin, 'failover');
    const result = checkReadBack(producer.acknowledged, read);
    expect(result.read).toBeGreaterThanOrEqual(producer.acknowledged.length);
    expect(producer.acknowledged.length).toBeGreaterThan(3_500);
    admin.destroy();
  }, 180_000);
});
