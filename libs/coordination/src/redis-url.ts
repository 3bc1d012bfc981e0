/** Where to reach Redis, as node-redis takes it. */
export type RedisEndpoint = { url: string } | { path: string };

/**
 * node-redis 5 parses only `redis://` and `rediss://` URLs; a unix socket must be given as a path.
 * This also accepts `unix:///path/redis.sock` and `redis+unix:///path/redis.sock`.
 */
export function parseRedisUrl(url: string): RedisEndpoint {
  const parsed = new URL(url);
  switch (parsed.protocol) {
    case 'redis:':
    case 'rediss:':
      return { url };
    case 'unix:':
    case 'redis+unix:':
      if (parsed.host !== '' || !parsed.pathname.startsWith('/')) {
        throw new TypeError(`${url}: a unix socket URL is unix:///absolute/path`);
      }
      return { path: decodeURIComponent(parsed.pathname) };
    default:
      throw new TypeError(`${url}: Redis URLs start with redis://, rediss://, unix:// or redis+unix://`);
  }
}
