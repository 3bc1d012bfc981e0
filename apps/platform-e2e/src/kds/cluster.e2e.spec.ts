import { startCluster, startRedis, tempDataDir } from '@spate/testing';
import { describeKdsSuite } from './kds-suite';

describeKdsSuite('gateway + three brokers with replication factor 3', async () => {
  const redis = await startRedis();
  const data = tempDataDir();
  const cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, { SPATE_REPLICATION_FACTOR: '3', SPATE_MIN_INSYNC_REPLICAS: '2' });
  return {
    endpoint: cluster.endpoint,
    stop: async () => {
      await cluster.stop();
      await redis.stop();
      data.remove();
    },
  };
});
