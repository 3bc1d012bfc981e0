'use strict';
// The same operations as LeanKinesisClient, through the AWS SDK for JavaScript v3: what an
// application pays per call (middleware stack, SigV4 signing, serde) on top of the server's cost.
const http = require('node:http');
const {
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
  GetShardIteratorCommand,
  GetRecordsCommand,
  CreateStreamCommand,
  DescribeStreamCommand,
} = require('@aws-sdk/client-kinesis');
const { NodeHttpHandler, NodeHttp2Handler } = require('@smithy/node-http-handler');

/**
 * @param mode 'h1' (keep-alive HTTP/1.1 agent), 'h2' (one shared HTTP/2 session) or 'default'
 *   (the Kinesis client's own default: an isolated HTTP/2 session, hence a new connection, per call).
 */
function requestHandler(mode, { maxSockets, timeoutMs }) {
  if (mode === 'h1') {
    return new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
      requestTimeout: timeoutMs,
    });
  }
  if (mode === 'h2') return new NodeHttp2Handler({ disableConcurrentStreams: false, requestTimeout: timeoutMs });
  if (mode === 'default') return undefined;
  throw new Error(`unknown SDK handler mode ${mode}`);
}

class SdkKinesisClient {
  constructor(endpoint, { mode, maxSockets = 64, timeoutMs = 30_000 }) {
    this.client = new KinesisClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSPATEBENCH', secretAccessKey: 'spate-bench-secret' },
      // No retries: a failed call counts as a failure, as with the lean client.
      maxAttempts: 1,
      requestHandler: requestHandler(mode, { maxSockets, timeoutMs }),
    });
  }

  async putRecord(streamName, partitionKey, data) {
    const out = await this.client.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: partitionKey, Data: data }));
    return { shardId: out.ShardId, sequenceNumber: out.SequenceNumber };
  }

  async putRecords(streamName, entries) {
    const out = await this.client.send(
      new PutRecordsCommand({ StreamName: streamName, Records: entries.map((e) => ({ PartitionKey: e.partitionKey, Data: e.data })) }),
    );
    return out.Records.map((r) =>
      r.ErrorCode ? { errorCode: r.ErrorCode, errorMessage: r.ErrorMessage } : { shardId: r.ShardId, sequenceNumber: r.SequenceNumber },
    );
  }

  async getShardIterator(streamName, shardId, type) {
    const out = await this.client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: type }));
    return out.ShardIterator;
  }

  async getRecords(iterator, limit) {
    const out = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    return {
      records: out.Records.map((r) => ({
        sequenceNumber: r.SequenceNumber,
        partitionKey: r.PartitionKey,
        data: Buffer.from(r.Data.buffer, r.Data.byteOffset, r.Data.byteLength),
      })),
      nextIterator: out.NextShardIterator,
      millisBehindLatest: out.MillisBehindLatest,
    };
  }

  async createStream(streamName, shardCount) {
    await this.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  }

  async describeStream(streamName) {
    const out = await this.client.send(new DescribeStreamCommand({ StreamName: streamName }));
    const d = out.StreamDescription;
    return { status: d.StreamStatus, shardIds: d.Shards.map((s) => s.ShardId) };
  }

  close() {
    this.client.destroy();
  }
}

module.exports = { SdkKinesisClient };
