import { freePort } from './free-port';
import { persistenceArgs, type RedisHandle } from './redis-handle';
import { waitForPong } from './wait-for-pong';

const START_TIMEOUT_MS = 30_000;

/**
 * Redis in a `redis:7` container through testcontainers, whose reaper removes it if this process
 * dies. The host port is chosen here and bound explicitly, so it stays the same across restarts.
 */
export async function startRedisContainer(persistent: boolean): Promise<RedisHandle> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const port = await freePort('0.0.0.0');
  const container = await new GenericContainer('redis:7')
    .withExposedPorts({ container: 6379, host: port })
    .withCommand(['redis-server', ...persistenceArgs(persistent)])
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .withStartupTimeout(START_TIMEOUT_MS)
    .start();
  const host = container.getHost();
  return {
    url: `redis://${host}:${port}`,
    async stop() {
      await container.stop();
    },
    async restart(whileDown) {
      const runtime = await getContainerRuntimeClient();
      const handle = runtime.container.getById(container.getId());
      await runtime.container.stop(handle, { timeout: 10 });
      await whileDown?.();
      await runtime.container.start(handle);
      await waitForPong({ host, port }, START_TIMEOUT_MS, () => undefined);
    },
  };
}
