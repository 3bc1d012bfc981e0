import { GrpcShardDataPlane } from '@spate/broker';
import { freePort, runToExit, SpateProcess, startRedis, tempDataDir, type RedisHandle } from '@spate/testing';

describe('the shard broker', () => {
  it.each([
    [{ SPATE_COORDINATION: 'local' }, 'SPATE_COORDINATION=local cannot work for a shard broker'],
    [{ SPATE_COORDINATION: 'redis', SPATE_BROKER_PORT: '70000' }, 'SPATE_BROKER_PORT="70000" is invalid: must be at most 65535'],
  ])('stops with exit code 2 and a message naming the variable (%j)', (env, message) => {
    const result = runToExit('shard-broker', env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  describe('serving', () => {
    const data = tempDataDir();
    let redis: RedisHandle;
    let broker: SpateProcess;
    let client: GrpcShardDataPlane;
    let httpPort: number;

    beforeAll(async () => {
      redis = await startRedis();
      const port = await freePort();
      httpPort = await freePort();
      broker = new SpateProcess('shard-broker', {
        SPATE_COORDINATION: 'redis',
        SPATE_REDIS_URL: redis.url,
        SPATE_REDIS_KEY_PREFIX: `broker-e2e-${port}:`,
        SPATE_DATA_DIR: data.dir,
        SPATE_BROKER_PORT: String(port),
        SPATE_BROKER_HTTP_PORT: String(httpPort),
      });
      await broker.start(/Nest microservice successfully started/);
      client = new GrpcShardDataPlane(`127.0.0.1:${port}`);
    });

    afterAll(async () => {
      client?.close();
      await broker?.kill();
      await redis?.stop();
      data.remove();
    });

    it('answers /health and counts appends in /metrics', async () => {
      const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
      expect(health.status).toBe(200);
      await client.append({ streamId: 'metered', shardId: 'shardId-000000000000', records: [{ partitionKey: 'k', data: Buffer.from('123') }] });
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(text).toMatch(/^spate_broker_appended_records_total 1$/m);
      expect(text).toMatch(/^spate_broker_appended_bytes_total 3$/m);
      expect((await fetch(`http://127.0.0.1:${httpPort}/nope`)).status).toBe(404);
    });

    it('appends over gRPC and keeps what it acknowledged across a kill -9', async () => {
      const shard = { streamId: 'broker-e2e', shardId: 'shardId-000000000000' };
      const appended = await client.append({ ...shard, records: [{ partitionKey: 'k', data: Buffer.from('kept') }] });
      expect(appended.firstOffset).toBe(0);
      await broker.kill('SIGKILL');
      await broker.start(/Nest microservice successfully started/);
      const read = await client.read({ ...shard, fromOffset: 0, maxRecords: 10, maxBytes: 1 << 20 });
      expect(read.records.map((r) => Buffer.from(r.data).toString())).toEqual(['kept']);
    });
  });
});
