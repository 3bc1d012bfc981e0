import { createClient } from 'redis';
import { redisScripts } from './redis-scripts';
import { parseRedisUrl } from './redis-url';

/** How often a lost connection is retried: quickly at first, then every second. */
function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** retries, 1000);
}

const FIRST_CONNECT_ATTEMPTS = 3;

/**
 * A connected client with the store's scripts. Calls made while the connection is down fail at
 * once instead of queueing; the client reconnects by itself for as long as it lives. The first
 * connection is tried a few times and then gives up, so a wrong URL fails fast.
 */
export async function connectRedisClient(url: string, connectTimeoutMs: number) {
  let connected = false;
  const endpoint = parseRedisUrl(url);
  const socket = {
    connectTimeout: connectTimeoutMs,
    // `false` makes `connect()` reject with the last connection error.
    reconnectStrategy: (retries: number) =>
      connected || retries < FIRST_CONNECT_ATTEMPTS ? reconnectDelayMs(retries) : (false as const),
  };
  const client = createClient({
    ...('url' in endpoint
      ? { url: endpoint.url, socket }
      : { socket: { ...socket, path: endpoint.path, tls: false as const } }),
    disableOfflineQueue: true,
    scripts: redisScripts,
  });
  // Connection errors also reject the calls they affect; reconnecting is automatic.
  client.on('error', () => undefined);
  client.on('ready', () => {
    connected = true;
  });
  await client.connect();
  return client;
}

export type RedisClient = Awaited<ReturnType<typeof connectRedisClient>>;
