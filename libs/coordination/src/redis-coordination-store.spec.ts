import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, type RedisHandle } from '@spate/testing';
import { createClient } from 'redis';
import { coordinationStoreContract } from './coordination-store.contract';
import type { CoordinationStore } from './coordination-store';
import { RedisCoordinationStore } from './redis-coordination-store';
import { parseRedisUrl } from './redis-url';

jest.setTimeout(30_000);

/** A plain client, to look at what the store wrote and to act on the server behind its back. */
async function rawClient(url: string) {
  const endpoint = parseRedisUrl(url);
  const client = createClient('url' in endpoint ? { url } : { socket: { path: endpoint.path, tls: false } });
  await client.connect();
  return client;
}

/** Retries `attempt` until it stops throwing, for up to 10 s. */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 200) throw error;
      await sleep(50);
    }
  }
}

let redis: RedisHandle;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const uniquePrefix = () => `test-${randomUUID()}:`;

coordinationStoreContract('redis, two clients', async () => {
  const keyPrefix = uniquePrefix();
  return { client: () => RedisCoordinationStore.connect({ url: redis.url, keyPrefix }) };
});

describe('RedisCoordinationStore', () => {
  const opened: CoordinationStore[] = [];
  const connect = async (options: { keyPrefix: string; url?: string; commandTimeoutMs?: number }) => {
    const store = await RedisCoordinationStore.connect({ url: redis.url, ...options });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('keeps the documented key layout', async () => {
    const keyPrefix = uniquePrefix();
    const store = await connect({ keyPrefix });
    await store.compareAndSet('streams/s1', 'meta', 0);
    await store.increment('counters/shards');
    await store.acquireLease('controller', 'broker-1', 60_000);

    const raw = await rawClient(redis.url);
    try {
      expect(await raw.hGetAll(`${keyPrefix}kv:streams/s1`)).toEqual({ value: 'meta', version: '1' });
      expect(await raw.zRange(`${keyPrefix}index`, 0, -1)).toEqual(['counters/shards', 'streams/s1']);
      expect(await raw.get(`${keyPrefix}lease:controller`)).toBe('1:broker-1');
      expect(await raw.pTTL(`${keyPrefix}lease:controller`)).toBeGreaterThan(0);
      expect(await raw.get(`${keyPrefix}lease-epoch:controller`)).toBe('1');
      await store.subscribe('news', () => undefined);
      expect(await raw.pubSubNumSub(`${keyPrefix}channel:news`)).toEqual({ [`${keyPrefix}channel:news`]: 1 });
    } finally {
      raw.destroy();
    }
  });

  it('keeps stores with different prefixes apart', async () => {
    const one = await connect({ keyPrefix: uniquePrefix() });
    const two = await connect({ keyPrefix: uniquePrefix() });
    await one.compareAndSet('k', 'one', 0);
    await one.acquireLease('lease', 'one', 60_000);
    expect(await two.get('k')).toBeUndefined();
    expect(await two.list('')).toEqual([]);
    expect(await two.acquireLease('lease', 'two', 60_000)).toMatchObject({ epoch: 1 });

    const heardByTwo: string[] = [];
    await two.subscribe('events', (message) => heardByTwo.push(message));
    await one.publish('events', 'for one');
    await two.publish('events', 'for two');
    await eventually(async () => {
      if (heardByTwo.length === 0) throw new Error('nothing heard yet');
    });
    // 'for one' went out first, so it would have arrived first.
    expect(heardByTwo).toEqual(['for two']);
  });

  it('fails fast when nothing listens at the URL', async () => {
    await expect(RedisCoordinationStore.connect({ url: 'unix:///nonexistent/redis.sock' })).rejects.toThrow(/ENOENT/);
  });
});

describe('RedisCoordinationStore when Redis misbehaves', () => {
  let own: RedisHandle;
  beforeAll(async () => {
    own = await startRedis({ persistent: true });
  });
  afterAll(async () => {
    await own?.stop();
  });

  it('rejects calls while Redis is down and works again once it is back, subscriptions included', async () => {
    const keyPrefix = uniquePrefix();
    const store = await RedisCoordinationStore.connect({ url: own.url, keyPrefix, commandTimeoutMs: 1000 });
    const listener = await RedisCoordinationStore.connect({ url: own.url, keyPrefix, commandTimeoutMs: 1000 });
    try {
      await store.compareAndSet('k', 'before', 0);
      const heard: string[] = [];
      await listener.subscribe('events', (message) => heard.push(message));

      await own.restart(async () => {
        await expect(store.get('k')).rejects.toThrow();
        await expect(store.compareAndSet('k', 'during', 1)).rejects.toThrow();
        await expect(store.publish('events', 'during')).rejects.toThrow();
      });

      expect(await eventually(() => store.get('k'))).toEqual({ value: 'before', version: 1 });
      expect(await store.compareAndSet('k', 'after', 1)).toBe(2);
      await eventually(async () => {
        await store.publish('events', 'after');
        if (!heard.includes('after')) throw new Error('not heard yet');
      });
      expect(heard.every((message) => message === 'after')).toBe(true);
    } finally {
      await Promise.all([store.close(), listener.close()]);
    }
  });

  it('rejects a call that Redis does not answer in time', async () => {
    const keyPrefix = uniquePrefix();
    const store = await RedisCoordinationStore.connect({ url: own.url, keyPrefix, commandTimeoutMs: 100 });
    const raw = await rawClient(own.url);
    try {
      await store.compareAndSet('k', 'v', 0);
      await raw.sendCommand(['CLIENT', 'PAUSE', '500', 'ALL']);
      await expect(store.get('k')).rejects.toThrow('Redis did not answer get within 100 ms');
      await raw.sendCommand(['CLIENT', 'UNPAUSE']);
      expect(await eventually(() => store.get('k'))).toEqual({ value: 'v', version: 1 });
    } finally {
      raw.destroy();
      await store.close();
    }
  });
});
