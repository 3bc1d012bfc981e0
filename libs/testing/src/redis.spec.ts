import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { findExecutable } from './find-executable';
import { startRedis, startRedisFrom, type RedisSources } from './redis';
import type { RedisHandle } from './redis-handle';
import { answersPing, type RedisAddress } from './wait-for-pong';

jest.setTimeout(30_000);

const workspaceRoot = resolve(__dirname, '../../..');

function addressOf(url: string): RedisAddress {
  if (url.startsWith('unix:')) return { path: fileURLToPath(url.replace(/^unix:/, 'file:')) };
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

async function withClient<T>(url: string, use: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const address = addressOf(url);
  const client = createClient('path' in address ? { socket: { path: address.path, tls: false as const } } : { url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** A local redis-server only, whatever else this machine offers. */
function localOnly(redisUrl?: string): RedisSources {
  return { redisUrl, containerRuntimeAvailable: async () => false, redisServer: findExecutable('redis-server') };
}

/** Polls `condition` for up to 10 s. */
async function eventually(condition: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await condition()) return true;
    await sleep(50);
  }
  return false;
}

describe('startRedis', () => {
  const started: RedisHandle[] = [];
  const start = async (options: Parameters<typeof startRedis>[0]) => {
    const redis = await startRedis(options);
    started.push(redis);
    return redis;
  };
  afterAll(async () => {
    await Promise.all(started.map((redis) => redis.stop()));
  });

  it('serves Redis at its URL until stopped', async () => {
    const redis = await start({ dedicated: true });
    await withClient(redis.url, async (client) => {
      await client.set('greeting', 'hello');
      expect(await client.get('greeting')).toBe('hello');
    });
    await redis.stop();
    expect(await answersPing(addressOf(redis.url))).toBe(false);
  });

  it('keeps the data of a persistent server across a restart, and is down in between', async () => {
    const redis = await start({ persistent: true });
    await withClient(redis.url, (client) => client.set('kept', 'yes'));
    let answeredWhileDown: boolean | undefined;
    await redis.restart(async () => {
      answeredWhileDown = await answersPing(addressOf(redis.url));
    });
    expect(answeredWhileDown).toBe(false);
    expect(await withClient(redis.url, (client) => client.get('kept'))).toBe('yes');
  });

  it('restarts a non-persistent server empty, at the same address', async () => {
    const redis = await start({ dedicated: true });
    await withClient(redis.url, (client) => client.set('lost', 'yes'));
    await redis.restart();
    expect(await withClient(redis.url, (client) => client.get('lost'))).toBeNull();
  });
});

describe('startRedisFrom', () => {
  let external: RedisHandle;
  beforeAll(async () => {
    external = await startRedisFrom(localOnly(), { dedicated: true });
  });
  afterAll(async () => {
    await external.stop();
  });

  it('shares the Redis at REDIS_URL and never stops or restarts it', async () => {
    const redis = await startRedisFrom(localOnly(external.url), {});
    expect(redis.url).toBe(external.url);
    await redis.stop();
    expect(await answersPing(addressOf(external.url))).toBe(true);
    await expect(redis.restart()).rejects.toThrow(/dedicated: true/);
  });

  it('starts a server of its own for a dedicated test even when REDIS_URL is set', async () => {
    const redis = await startRedisFrom(localOnly(external.url), { dedicated: true });
    try {
      expect(redis.url).not.toBe(external.url);
      expect(redis.url).toMatch(/^unix:\/\/\/.*redis\.sock$/);
      expect(await answersPing(addressOf(redis.url))).toBe(true);
    } finally {
      await redis.stop();
    }
  });

  it('says what to install when there is no Redis at all', async () => {
    const nothing: RedisSources = { ...localOnly(), redisServer: undefined };
    await expect(startRedisFrom(nothing, {})).rejects.toThrow(/apt-get install -y redis-server.*REDIS_URL=/);
  });

  it('says why REDIS_URL does not do for a test that needs its own server', async () => {
    const onlyShared: RedisSources = { ...localOnly(external.url), redisServer: undefined };
    await expect(startRedisFrom(onlyShared, { persistent: true })).rejects.toThrow(
      /REDIS_URL cannot serve it.*apt-get install -y redis-server/,
    );
  });

  it('reports why redis-server failed to start', async () => {
    const broken: RedisSources = { ...localOnly(), redisServer: '/bin/false' };
    await expect(startRedisFrom(broken, {})).rejects.toThrow(/\/bin\/false exited \(1\) before answering PING/);
  });
});

describe('a local redis-server', () => {
  it('dies with the process that started it, even one killed with SIGKILL', async () => {
    const script = join(__dirname, 'redis-orphan.child.ts');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await Promise.race([
      new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve)),
      new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`child exited with ${code}`)))),
    ]);
    const socket = fileURLToPath(url.replace(/^unix:/, 'file:'));
    expect(await answersPing({ path: socket })).toBe(true);

    child.kill('SIGKILL');

    expect(await eventually(() => processesMentioning(socket) === '')).toBe(true);
    expect(await eventually(() => !existsSync(dirname(socket)))).toBe(true);
  });
});

/** The command lines of running processes that mention `text`, from pgrep. */
function processesMentioning(text: string): string {
  try {
    return execFileSync('pgrep', ['-a', '-f', text], { encoding: 'utf8' }).trim();
  } catch (error) {
    if ((error as { status?: number }).status === 1) return '';
    throw error;
  }
}
