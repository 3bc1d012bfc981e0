import { startAllInOne, startCluster, startRedis, tempDataDir } from '@spate/testing';
import { describeSubscribeToShardSuite } from './subscribe-to-shard-suite';

const LIFETIME_MS = 3000;

describeSubscribeToShardSuite('all-in-one', async () => {
  const data = tempDataDir();
  const spate = await startAllInOne(data.dir, { SPATE_SUBSCRIPTION_LIFETIME_MS: String(LIFETIME_MS) });
  return {
    endpoint: spate.endpoint,
    lifetimeMs: LIFETIME_MS,
    stop: async () => {
      await spate.stop();
      data.remove();
    },
  };
});

describeSubscribeToShardSuite('gateway + three brokers', async () => {
  const redis = await startRedis();
  const data = tempDataDir();
  const cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, { SPATE_SUBSCRIPTION_LIFETIME_MS: String(LIFETIME_MS) });
  return {
    endpoint: cluster.endpoint,
    lifetimeMs: LIFETIME_MS,
    stop: async () => {
      await cluster.stop();
      await redis.stop();
      data.remove();
    },
  };
});
