import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GrpcShardDataPlane } from '@spate/broker';
import { BROKER_JOINED, createActiveStream, freePort, kinesisClient, runToExit, startCluster, startRedis, tempDataDir, type RedisHandle, type RunningCluster } from '@spate/testing';

describe('the shard broker', () => {
  it.each([
    [{ SPATE_COORDINATION: 'local' }, 'SPATE_COORDINATION=local cannot work for a shard broker'],
    [{ SPATE_COORDINATION: 'redis', SPATE_BROKER_PORT: '70000' }, 'SPATE_BROKER_PORT="70000" is invalid: must be at most 65535'],
    [{ SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: 'redis://127.0.0.1:1', SPATE_REPLICATION_FACTOR: '0' }, 'SPATE_REPLICATION_FACTOR="0" is invalid'],
    [
      { SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: 'redis://127.0.0.1:1', SPATE_REPLICATION_FACTOR: '2', SPATE_MIN_INSYNC_REPLICAS: '3' },
      'SPATE_MIN_INSYNC_REPLICAS (3) must not exceed SPATE_REPLICATION_FACTOR (2)',
    ],
    [{ SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: 'redis://127.0.0.1:1', SPATE_BROKER_ID: 'no spaces' }, 'SPATE_BROKER_ID must be'],
  ])('stops with exit code 2 and a message naming the variable (%j)', (env, message) => {
    const result = runToExit('shard-broker', env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  describe('serving', () => {
    const data = tempDataDir();
    let redis: RedisHandle;
    let cluster: RunningCluster;
    let httpPort: number;

    beforeAll(async () => {
      redis = await startRedis();
      httpPort = await freePort();
      cluster = await startCluster(
        { redisUrl: redis.url, dataDir: data.dir, brokers: 0 },
        { SPATE_SESSION_TIMEOUT_MS: '1000' },
      );
      await cluster.addBroker({ SPATE_BROKER_HTTP_PORT: String(httpPort) });
    });

    afterAll(async () => {
      await cluster?.stop();
      await redis?.stop();
      data.remove();
    });

    it('answers /health and counts appends in /metrics', async () => {
      const client = kinesisClient(cluster.endpoint);
      await createActiveStream(client, 'metered', 1);
      const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
      expect(health.status).toBe(200);
      await client.send(new PutRecordCommand({ StreamName: 'metered', PartitionKey: 'k', Data: Buffer.from('123') }));
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      expect(text).toMatch(/^spate_broker_appended_records_total 1$/m);
      expect(text).toMatch(/^spate_broker_appended_bytes_total 3$/m);
      expect((await fetch(`http://127.0.0.1:${httpPort}/nope`)).status).toBe(404);
      client.destroy();
    });

    it('refuses, without writing, appends to shards it does not lead (ABORTED)', async () => {
      const url = cluster.brokers[0].env.SPATE_BROKER_PORT;
      const direct = new GrpcShardDataPlane(`127.0.0.1:${url}`);
      try {
        await expect(direct.append({ streamId: 'no-such-stream', shardId: 'shardId-000000000000', records: [{ partitionKey: 'k', data: Buffer.from('x') }] })).rejects.toMatchObject({
          code: 10,
        });
      } finally {
        direct.close();
      }
    });

    it('keeps what it acknowledged across a kill -9, and leads its shards again after restart', async () => {
      const client = kinesisClient(cluster.endpoint);
      await createActiveStream(client, 'kept', 1);
      const put = await client.send(new PutRecordCommand({ StreamName: 'kept', PartitionKey: 'k', Data: Buffer.from('kept') }));
      await cluster.brokers[0].kill('SIGKILL');
      await cluster.brokers[0].start(BROKER_JOINED);
      const iterator = await client.send(new GetShardIteratorCommand({ StreamName: 'kept', ShardId: put.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
      const read = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
      expect(read.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([[put.SequenceNumber, 'kept']]);
      client.destroy();
    });
  });
});
