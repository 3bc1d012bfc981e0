import { startRedis, startSplit, tempDataDir } from '@spate/testing';
import { describeKdsSuite } from './kds-suite';

describeKdsSuite('gateway + broker over gRPC, Redis coordination', async () => {
  const redis = await startRedis();
  const data = tempDataDir();
  const cluster = await startSplit({ redisUrl: redis.url, dataDir: data.dir });
  return {
    endpoint: cluster.endpoint,
    stop: async () => {
      await cluster.stop();
      await redis.stop();
      data.remove();
    },
  };
});
