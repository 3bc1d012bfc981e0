import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateStreamCommand, DeleteStreamCommand, GetRecordsCommand, GetShardIteratorCommand, DescribeStreamSummaryCommand, ListStreamsCommand, PutRecordCommand, waitUntilStreamExists, waitUntilStreamNotExists } from '@aws-sdk/client-kinesis';
import { kinesisClient, runToExit, startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';

describe('the all-in-one server', () => {
  describe('start-up with a bad configuration', () => {
    it.each([
      [{ SPATE_PORT: 'not-a-port' }, 'SPATE_PORT="not-a-port" is invalid: expected a whole number'],
      [{ SPATE_FSYNC: 'sometimes' }, 'SPATE_FSYNC="sometimes" is invalid: must be one of always, group, os'],
      [{ SPATE_DEFAULT_ACCOUNT: '12' }, 'SPATE_DEFAULT_ACCOUNT="12" is invalid: must match'],
      [{ SPATE_SEGMENT_BYTES: '4096' }, 'SPATE_SEGMENT_BYTES="4096" is invalid: must be at least 1048576'],
      [{ SPATE_COORDINATION: 'redis', SPATE_REDIS_URL: '' }, 'SPATE_REDIS_URL is required when SPATE_COORDINATION=redis'],
    ])('stops with exit code 2 and a message naming the variable (%j)', (env, message) => {
      const result = runToExit('spate', env);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(message);
    });

    it('names every bad variable at once', () => {
      const result = runToExit('spate', { SPATE_PORT: '-1', SPATE_ENFORCE_THROUGHPUT: 'maybe' });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('SPATE_PORT="-1" is invalid: must be at least 0');
      expect(result.stderr).toContain('SPATE_ENFORCE_THROUGHPUT="maybe" is invalid: expected true or false');
    });
  });

  describe('operations', () => {
    const data = tempDataDir();
    let spate: RunningSpate;

    beforeAll(async () => {
      spate = await startAllInOne(data.dir);
    });

    afterAll(async () => {
      await spate?.stop();
      data.remove();
    });

    it('answers /health', async () => {
      const response = await fetch(`${spate.endpoint}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('exposes Prometheus metrics named after the CloudWatch ones', async () => {
      const client = kinesisClient(spate.endpoint, { http1: true });
      await client.send(new CreateStreamCommand({ StreamName: 'metered', ShardCount: 1 }));
      await client.send(new PutRecordCommand({ StreamName: 'metered', PartitionKey: 'k', Data: Buffer.from('12345') }));
      const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: 'metered', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
      expect((await client.send(new GetRecordsCommand({ ShardIterator }))).Records).toHaveLength(1);
      client.destroy();
      const text = await (await fetch(`${spate.endpoint}/metrics`)).text();
      expect(text).toMatch(/spate_kinesis_incoming_records_total\{stream="metered"\} 1\b/);
      expect(text).toMatch(/spate_kinesis_incoming_bytes_total\{stream="metered"\} 5\b/);
      expect(text).toMatch(/spate_requests_total\{service="kinesis",operation="PutRecord"\} 1\b/);
      expect(text).toMatch(/^spate_kinesis_get_records_records_total 1$/m);
      expect(text).toMatch(/^spate_kinesis_get_records_bytes_total 5$/m);
    });

    it('logs structured JSON, one object per line', () => {
      const lines = spate.processes[0].logs.trim().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    });
  });

  describe('when storage fails', () => {
    const brokenData = tempDataDir();
    let broken: RunningSpate;

    beforeAll(async () => {
      broken = await startAllInOne(brokenData.dir);
    });

    afterAll(async () => {
      await broken?.stop();
      brokenData.remove();
    });

    it('answers InternalFailure when storage fails, logs it with the request id, and keeps serving', async () => {
      const client = kinesisClient(broken.endpoint);
      try {
        await client.send(new CreateStreamCommand({ StreamName: 'broken-disk', ShardCount: 1 }));
        // A file where the shard log directories go: the next log cannot be created.
        writeFileSync(path.join(brokenData.dir, 'shards'), 'not a directory');
        const failure = await client.send(new PutRecordCommand({ StreamName: 'broken-disk', PartitionKey: 'k', Data: Buffer.from('x') })).catch((e) => e);
        expect(failure.name).toBe('InternalFailure');
        expect(failure.$metadata.httpStatusCode).toBe(500);
        const requestId = failure.$metadata.requestId;
        expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
        const logged = broken.processes[0].logs.split('\n').filter((line) => line.includes(requestId)).map((line) => JSON.parse(line));
        expect(logged).toEqual([
          expect.objectContaining({ level: 'error', context: 'Edge', message: expect.objectContaining({ message: 'request failed', requestId, operation: 'PutRecord' }) }),
        ]);
        expect(logged[0].message.error).toContain('ENOTDIR');
        expect((await client.send(new ListStreamsCommand({}))).StreamNames).toContain('broken-disk');
      } finally {
        client.destroy();
      }
    });
  });

  describe('with status delays', () => {
    const delayedData = tempDataDir();
    let delayed: RunningSpate;

    beforeAll(async () => {
      delayed = await startAllInOne(delayedData.dir, { SPATE_CREATE_STREAM_DELAY_MS: '400', SPATE_DELETE_STREAM_DELAY_MS: '400' });
    });

    afterAll(async () => {
      await delayed?.stop();
      delayedData.remove();
    });

    it('keeps a new stream CREATING and a deleted one DELETING for the configured time, as the SDK waiters expect', async () => {
      const client = kinesisClient(delayed.endpoint);
      try {
        await client.send(new CreateStreamCommand({ StreamName: 'slow', ShardCount: 1 }));
        const status = async () => (await client.send(new DescribeStreamSummaryCommand({ StreamName: 'slow' }))).StreamDescriptionSummary!.StreamStatus;
        expect(await status()).toBe('CREATING');
        const put = await client.send(new PutRecordCommand({ StreamName: 'slow', PartitionKey: 'k', Data: Buffer.from('x') })).catch((e) => e);
        expect(put.name).toBe('ResourceNotFoundException');
        await waitUntilStreamExists({ client, maxWaitTime: 10, minDelay: 1 }, { StreamName: 'slow' });
        expect(await status()).toBe('ACTIVE');

        await client.send(new DeleteStreamCommand({ StreamName: 'slow' }));
        expect(await status()).toBe('DELETING');
        await waitUntilStreamNotExists({ client, maxWaitTime: 10, minDelay: 1 }, { StreamName: 'slow' });
        expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual([]);
      } finally {
        client.destroy();
      }
    });
  });
});
