import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { ShardSealedError } from '@spate/kds';
import { freePort } from '@spate/testing';
import { brokerGrpcOptions } from './broker-grpc-options';
import { GrpcShardDataPlane } from './grpc-shard-data-plane';
import { ShardBrokerServerModule } from './shard-broker-server.module';

/** The broker's gRPC service and its client, end to end over a real port. */
describe('shard broker over gRPC', () => {
  let dir: string;
  let broker: INestMicroservice;
  let client: GrpcShardDataPlane;
  const shard = { streamId: 'grpc-stream', shardId: 'shardId-000000000000' };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'spate-broker-'));
    const port = await freePort();
    const url = `127.0.0.1:${port}`;
    broker = await NestFactory.createMicroservice(
      ShardBrokerServerModule.forRoot({
        storage: { dataDir: dir, fsync: 'group', segmentMaxBytes: 1 << 20, retentionCheckIntervalMs: 60_000 },
        listen: { grpcHost: '127.0.0.1', grpcPort: port, httpPort: 0 },
        coordination: { kind: 'local' },
      }),
      { ...brokerGrpcOptions(url), logger: false },
    );
    await broker.listen();
    client = new GrpcShardDataPlane(url);
  });

  afterAll(async () => {
    client?.close();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends and reads back bytes, keys and arrival times', async () => {
    const data = Buffer.from([0, 1, 2, 255]);
    const appended = await client.append({ ...shard, records: [{ partitionKey: 'pk', data }, { partitionKey: 'pk2', explicitHashKey: '42', data: Buffer.alloc(0) }] });
    expect(appended.firstOffset).toBe(0);
    const read = await client.read({ ...shard, fromOffset: 0, maxRecords: 10, maxBytes: 1 << 20 });
    expect(read.records).toHaveLength(2);
    expect(Buffer.from(read.records[0].data)).toEqual(data);
    expect(read.records[0]).toMatchObject({ offset: 0, partitionKey: 'pk', arrivalMs: appended.arrivalMs });
    expect(read.records[0].explicitHashKey).toBeUndefined();
    expect(read.records[1]).toMatchObject({ offset: 1, partitionKey: 'pk2', explicitHashKey: '42' });
    expect(read).toMatchObject({ startOffset: 0, nextOffset: 2, lastArrivalMs: appended.arrivalMs });
    expect(await client.offsetAtTimestamp(shard, appended.arrivalMs)).toBe(0);
    expect(await client.bounds({ ...shard, shardId: 'shardId-000000000009' })).toEqual({ startOffset: 0, nextOffset: 0, lastArrivalMs: undefined });
  });

  it('answers a sealed shard with ShardSealedError on the client side', async () => {
    const sealed = { ...shard, shardId: 'shardId-000000000001' };
    await client.append({ ...sealed, records: [{ partitionKey: 'k', data: Buffer.from('x') }] });
    expect(await client.seal(sealed)).toMatchObject({ nextOffset: 1 });
    await expect(client.append({ ...sealed, records: [{ partitionKey: 'k', data: Buffer.from('y') }] })).rejects.toBeInstanceOf(ShardSealedError);
  });

  it('drops a stream', async () => {
    await client.dropStream('grpc-stream');
    expect(await client.bounds(shard)).toMatchObject({ nextOffset: 0 });
  });
});
