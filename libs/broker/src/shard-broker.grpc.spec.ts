import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { ShardSealedError } from '@spate/kds';
import { freePort } from '@spate/testing';
import { brokerGrpcOptions } from './broker-grpc-options';
import { BrokerMetrics } from './broker-metrics';
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

  describe('Tail', () => {
    const tailed = { ...shard, shardId: 'shardId-000000000002' };
    const readRecords = async () => (await broker.get(BrokerMetrics).readRecords.get()).values[0]?.value ?? 0;
    const openTails = async () => (await broker.get(BrokerMetrics).openTails.get()).values[0]?.value ?? 0;

    it('sends what is there, then pushes each append as it is made', async () => {
      await client.append({ ...tailed, records: [{ partitionKey: 'a', data: Buffer.from('1') }] });
      const stop = new AbortController();
      const tail = client.tail({ ...tailed, fromOffset: 0, maxRecords: 100, maxBytes: 1 << 20, keepAliveMs: 60_000 }, stop.signal)[Symbol.asyncIterator]();
      const first = await tail.next();
      expect(first.done === false && first.value.records.map((r) => [r.offset, r.partitionKey])).toEqual([[0, 'a']]);
      const next = tail.next();
      await client.append({ ...tailed, records: [{ partitionKey: 'b', data: Buffer.from('2') }, { partitionKey: 'c', data: Buffer.from('3') }] });
      const pushed = await next;
      expect(pushed.done === false && pushed.value.records.map((r) => Buffer.from(r.data).toString())).toEqual(['2', '3']);
      expect(pushed.done === false && pushed.value.nextOffset).toBe(3);
      expect(await openTails()).toBe(1);
      stop.abort();
      expect(await tail.next()).toEqual({ done: true, value: undefined });
      // The caller going away stops the broker's tail at once, waiting or not.
      for (let i = 0; i < 100 && (await openTails()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await openTails()).toBe(0);
    });

    it('sends the bounds alone after the keep-alive without records', async () => {
      const stop = new AbortController();
      const tail = client.tail({ ...tailed, fromOffset: 3, maxRecords: 100, maxBytes: 1 << 20, keepAliveMs: 100 }, stop.signal)[Symbol.asyncIterator]();
      const keepAlive = await tail.next();
      expect(keepAlive.done === false && [keepAlive.value.records.length, keepAlive.value.nextOffset]).toEqual([0, 3]);
      stop.abort();
    });

    it('reads no further ahead than the reader takes, and delivers everything once it does', async () => {
      const slow = { ...shard, shardId: 'shardId-000000000003' };
      const record = (i: number) => ({ partitionKey: `k${i}`, data: Buffer.alloc(60 * 1024, i % 256) });
      for (let i = 0; i < 200; i += 20) await client.append({ ...slow, records: Array.from({ length: 20 }, (_, j) => record(i + j)) });
      const before = await readRecords();
      const stop = new AbortController();
      const tail = client.tail({ ...slow, fromOffset: 0, maxRecords: 100, maxBytes: 64 * 1024, keepAliveMs: 60_000 }, stop.signal)[Symbol.asyncIterator]();
      const offsets: number[] = [];
      const first = await tail.next();
      if (!first.done) offsets.push(...first.value.records.map((r) => r.offset));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // One record per message: the broker has read what the client buffers (16 messages) and what
      // HTTP/2 flow control lets through, not the whole shard.
      expect((await readRecords()) - before).toBeLessThan(100);
      while (offsets.length < 200) {
        const next = await tail.next();
        if (!next.done) offsets.push(...next.value.records.map((r) => r.offset));
      }
      expect(offsets).toEqual(Array.from({ length: 200 }, (_, i) => i));
      stop.abort();
    });
  });

  it('drops a stream', async () => {
    await client.dropStream('grpc-stream');
    expect(await client.bounds(shard)).toMatchObject({ nextOffset: 0 });
  });
});
