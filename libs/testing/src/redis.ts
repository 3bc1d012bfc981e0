import { containerRuntimeAvailable } from './container-runtime';
import { findExecutable } from './find-executable';
import { LocalRedisServer } from './local-redis-server';
import { startRedisContainer } from './redis-container';
import type { RedisHandle, StartRedisOptions } from './redis-handle';

/** What `startRedis` may use, found in the environment (replaceable in its own tests). */
export interface RedisSources {
  /** A Redis that someone else runs and tests may share. */
  redisUrl: string | undefined;
  containerRuntimeAvailable(): Promise<boolean>;
  /** Path of a `redis-server` binary. */
  redisServer: string | undefined;
}

/**
 * A Redis for tests: REDIS_URL when set (unless the test needs its own server); else a container
 * when a container runtime answers; else a local `redis-server` on a private unix socket; else an
 * error that says what to install. Stop it in `afterAll`; if a test run dies first, local servers
 * are killed when the process exits and containers are reaped by testcontainers.
 */
export function startRedis(options: StartRedisOptions = {}): Promise<RedisHandle> {
  return startRedisFrom(
    {
      redisUrl: process.env['REDIS_URL'] || undefined,
      containerRuntimeAvailable,
      redisServer: findExecutable('redis-server'),
    },
    options,
  );
}

export async function startRedisFrom(sources: RedisSources, options: StartRedisOptions): Promise<RedisHandle> {
  const persistent = options.persistent ?? false;
  const dedicated = persistent || (options.dedicated ?? false);
  if (sources.redisUrl && !dedicated) return sharedRedis(sources.redisUrl);
  if (await sources.containerRuntimeAvailable()) return startRedisContainer(persistent);
  if (sources.redisServer) return LocalRedisServer.start(sources.redisServer, persistent);
  throw new Error(
    [
      sources.redisUrl
        ? 'This test needs a Redis of its own (it restarts Redis or needs it persistent), so REDIS_URL cannot serve it,'
        : 'No Redis for tests: REDIS_URL is not set,',
      'no container runtime answers (testcontainers), and no redis-server is on PATH.',
      'Install Redis (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis),',
      sources.redisUrl ? 'or start Docker.' : 'start Docker, or set REDIS_URL=redis://host:6379 to use a running Redis.',
    ].join(' '),
  );
}

/** A Redis run by someone else: the harness never stops or restarts it. */
function sharedRedis(url: string): RedisHandle {
  return {
    url,
    stop: async () => undefined,
    restart: async () => {
      throw new Error(`Cannot restart the Redis at REDIS_URL (${url}): start it with startRedis({ dedicated: true })`);
    },
  };
}
