export { startRedis } from './redis';
export type { RedisHandle, StartRedisOptions } from './redis-handle';
export { kinesisClient, type ClientOptions } from './kinesis-clients';
export { freePort } from './free-port';
export {
  BROKER_JOINED,
  SpateProcess,
  runToExit,
  startAllInOne,
  startCluster,
  startSplit,
  tlsEndpoint,
  tempDataDir,
  type RunningCluster,
  type RunningSpate,
  type SpateApp,
} from './spate-processes';
export { checkReadBack, createActiveStream, LoadProducer, readEverything, sleep, type Acknowledged } from './kinesis-load';
