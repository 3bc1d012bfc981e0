import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis, type RedisHandle } from '@spate/testing';
import { createCoordinationStore } from './create-coordination-store';
import { LocalCoordinationStore } from './local-coordination-store';
import { RedisCoordinationStore } from './redis-coordination-store';

describe('createCoordinationStore', () => {
  let directory: string;
  let redis: RedisHandle;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'spate-coordination-'));
    redis = await startRedis();
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    await redis?.stop();
  });

  it('opens a local store on the given file', async () => {
    const file = join(directory, 'coordination.journal');
    const store = await createCoordinationStore({ kind: 'local', file });
    expect(store).toBeInstanceOf(LocalCoordinationStore);
    await store.compareAndSet('k', 'v', 0);
    await store.close();
    const reopened = await createCoordinationStore({ kind: 'local', file });
    expect(await reopened.get('k')).toEqual({ value: 'v', version: 1 });
    await reopened.close();
  });

  it('connects a Redis store under the given prefix', async () => {
    const one = await createCoordinationStore({ kind: 'redis', url: redis.url, keyPrefix: 'factory-one:' });
    const two = await createCoordinationStore({ kind: 'redis', url: redis.url, keyPrefix: 'factory-two:' });
    expect(one).toBeInstanceOf(RedisCoordinationStore);
    await one.compareAndSet('k', 'v', 0);
    expect(await two.get('k')).toBeUndefined();
    await Promise.all([one.close(), two.close()]);
  });
});
