import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { status } from '@grpc/grpc-js';
import { GrpcShardDataPlane } from '@spate/broker';
import {
  BROKER_JOINED,
  createActiveStream,
  kinesisClient,
  sleep,
  startCluster,
  startRedis,
  tempDataDir,
  type RedisHandle,
  type RunningCluster,
} from '@spate/testing';
import { ShardMapWatcher } from './shard-map-watcher';

const SESSION_MS = 1500;

/**
 * A leader frozen with SIGSTOP loses its shards to a new leader at a higher epoch. When it
 * resumes it still believes it leads, and a gateway with a stale map may still call it: it must
 * refuse, and nothing it could have done may become readable.
 */
describe('fencing a paused leader', () => {
  const data = tempDataDir();
  let redis: RedisHandle;
  let cluster: RunningCluster;
  let shardMap: ShardMapWatcher;

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ redisUrl: redis.url, dataDir: data.dir, brokers: 3 }, { SPATE_SESSION_TIMEOUT_MS: String(SESSION_MS) });
    shardMap = await ShardMapWatcher.connect(redis.url, cluster.keyPrefix);
  });

  afterAll(async () => {
    for (const broker of cluster?.brokers ?? []) if (broker.pid) process.kill(broker.pid, 'SIGCONT');
    await shardMap?.close();
    await cluster?.stop('SIGKILL');
    await redis?.stop();
    data.remove();
  });

  it('refuses appends from the old leader once a newer epoch exists, and none of its writes are readable', async () => {
    const client = kinesisClient(cluster.endpoint);
    await createActiveStream(client, 'fenced', 1);
    const placed = async () => (await shardMap.list())[0];
    let before = await placed();
    while (!before || before.isr.length < 3) {
      await sleep(50);
      before = await placed();
    }
    const first = await client.send(new PutRecordCommand({ StreamName: 'fenced', PartitionKey: 'a', Data: Buffer.from('before the pause') }));

    const oldLeader = cluster.broker(before.leader!);
    const direct = new GrpcShardDataPlane(`127.0.0.1:${oldLeader.env.SPATE_BROKER_PORT}`);
    process.kill(oldLeader.pid!, 'SIGSTOP');
    let after = await placed();
    while (after!.leader === before.leader) {
      await sleep(100);
      after = await placed();
    }
    expect(after!.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    // As an application would: the SDK's retries cover a call cut short by the move.
    const retrying = kinesisClient(cluster.endpoint, { maxAttempts: 5 });
    const second = await retrying.send(new PutRecordCommand({ StreamName: 'fenced', PartitionKey: 'b', Data: Buffer.from('under the new leader') }));
    retrying.destroy();

    // The old leader resumes and is asked, at its old epoch, to append: it must refuse without writing.
    process.kill(oldLeader.pid!, 'SIGCONT');
    const shard = { streamId: before.streamId, shardId: before.shardId };
    await expect(direct.append({ ...shard, leaderEpoch: before.leaderEpoch, records: [{ partitionKey: 'c', data: Buffer.from('from the deposed leader') }] })).rejects.toMatchObject({
      code: status.ABORTED,
    });
    // It rejoins as a follower of the new leader, and keeps refusing.
    await sleep(SESSION_MS * 2);
    await expect(direct.append({ ...shard, leaderEpoch: before.leaderEpoch, records: [{ partitionKey: 'd', data: Buffer.from('still deposed') }] })).rejects.toMatchObject({
      code: status.ABORTED,
    });
    direct.close();

    const iterator = await client.send(new GetShardIteratorCommand({ StreamName: 'fenced', ShardId: before.shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const read = await client.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
    expect(read.Records!.map((r) => [r.SequenceNumber, Buffer.from(r.Data!).toString()])).toEqual([
      [first.SequenceNumber, 'before the pause'],
      [second.SequenceNumber, 'under the new leader'],
    ]);
    // The resumed broker is a full member again: in sync for the shard.
    let back = await placed();
    while (!back!.isr.includes(before.leader!)) {
      await sleep(100);
      back = await placed();
    }
    expect(oldLeader.logs).toMatch(BROKER_JOINED);
    client.destroy();
  }, 90_000);
});
