import {
  checkReadBack,
  createActiveStream,
  kinesisClient,
  LoadProducer,
  readEverything,
  sleep,
  startCluster,
  startRedis,
  tempDataDir,
  type RedisHandle,
  type RunningCluster,
} from '@spate/testing';

const SESSION_MS = 3000;

/**
 * Redis goes away under load. Brokers keep serving the shards they lead while their membership
 * leases are valid by their own clocks (appends need no Redis), and once Redis is back (with its
 * append-only file) the cluster carries on by itself. Nothing acknowledged is lost.
 */
describe('a cluster whose Redis restarts under load', () => {
  const data = tempDataDir();
  let redis: RedisHandle;
  let cluster: RunningCluster;

  beforeAll(async () => {
    redis = await startRedis({ persistent: true });
    cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, { SPATE_SESSION_TIMEOUT_MS: String(SESSION_MS) });
  });

  afterAll(async () => {
    await cluster?.stop('SIGKILL');
    await redis?.stop();
    data.remove();
  });

  it('keeps serving through a short outage, recovers by itself, and loses nothing', async () => {
    const admin = kinesisClient(cluster.endpoint);
    await createActiveStream(admin, 'outage', 4);
    const producer = new LoadProducer(cluster.endpoint, 'outage', { writers: 4 });
    producer.start();
    try {
      await producer.waitForMore(1_000);
      let duringOutage = 0;
      await redis.restart(async () => {
        const before = producer.acknowledged.length;
        await sleep(SESSION_MS / 3);
        duringOutage = producer.acknowledged.length - before;
      });
      // Leaders went on acknowledging while Redis was down.
      expect(duringOutage).toBeGreaterThan(0);
      await producer.waitForMore(1_000, 30_000);

      // A longer outage: leases run out, brokers stop leading; all comes back with Redis.
      await redis.restart(() => sleep(SESSION_MS * 1.5));
      await producer.waitForMore(1_000, 40_000);
    } finally {
      await producer.stop();
    }
    checkReadBack(producer.acknowledged, await readEverything(admin, 'outage'));
    admin.destroy();
  }, 180_000);
});
