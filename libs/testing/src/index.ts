export { startRedis } from './redis';
export type { RedisHandle, StartRedisOptions } from './redis-handle';
export { kinesisClient, type ClientOptions } from './kinesis-clients';
export { freePort } from './free-port';
export { SpateProcess, runToExit, startAllInOne, startSplit, tempDataDir, type RunningSpate, type SpateApp } from './spate-processes';
