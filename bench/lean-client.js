'use strict';
// A minimal Kinesis JSON 1.1 client: one keep-alive HTTP/1.1 agent or one HTTP/2 session, a fixed
// SigV4-shaped Authorization header (servers under test do not verify signatures), and only the
// response fields the workloads need. It exists because the AWS SDK's own per-call CPU cost hides
// a fast server; the SDK variants in sdk-client.js show what an application sees.
const http = require('node:http');
const { Http2ClientSession } = require('./h2-session');

const TARGET_PREFIX = 'Kinesis_20131202.';
const ACCESS_KEY = 'AKIDSPATEBENCH';
const REGION = 'us-east-1';

class KinesisCallError extends Error {
  constructor(op, status, type, message) {
    super(`${op}: HTTP ${status} ${type}${message ? `: ${message}` : ''}`);
    this.status = status;
    this.type = type;
  }
}

function staticHeaders() {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-date': amzDate,
    authorization:
      `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${amzDate.slice(0, 8)}/${REGION}/kinesis/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`,
  };
}

function parseResponse(op, status, text) {
  let body;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new KinesisCallError(op, status, 'UnparseableResponse', text.slice(0, 200));
  }
  if (status === 200) return body;
  const type = String(body.__type ?? 'UnknownError').replace(/^.*#/, '');
  throw new KinesisCallError(op, status, type, body.message ?? body.Message);
}

/** Sends one JSON 1.1 call over a pool of keep-alive HTTP/1.1 connections. */
class Http1Transport {
  constructor(endpoint, { maxSockets, timeoutMs }) {
    const url = new URL(endpoint);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.timeoutMs = timeoutMs;
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.headers = staticHeaders();
  }

  send(op, body) {
    const payload = Buffer.from(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method: 'POST',
          path: '/',
          agent: this.agent,
          headers: { ...this.headers, 'x-amz-target': TARGET_PREFIX + op, 'content-length': payload.length },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            try {
              resolve(parseResponse(op, res.statusCode, Buffer.concat(chunks).toString('utf8')));
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${op}: no response within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close() {
    this.agent.destroy();
  }
}

/**
 * Sends every call as a stream of one cleartext HTTP/2 connection (prior knowledge, as the JS SDK
 * v3 does), framed by h2-session.js rather than Node's HTTP/2 layer.
 */
class Http2Transport {
  constructor(endpoint, { timeoutMs }) {
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
    this.fields = Object.entries(staticHeaders());
    this.session = undefined;
  }

  connect() {
    // A broken session failed its open streams; the next call opens a new one.
    if (this.session === undefined || this.session.closed) this.session = new Http2ClientSession(this.endpoint, this.fields);
    return this.session;
  }

  send(op, body) {
    const payload = Buffer.from(body);
    return new Promise((resolve, reject) => {
      const session = this.connect();
      const id = session.nextStreamId;
      const timer = setTimeout(() => session.cancel(id, new Error(`${op}: no response within ${this.timeoutMs} ms`)), this.timeoutMs);
      session.request(
        [
          ['x-amz-target', TARGET_PREFIX + op],
          ['content-length', String(payload.length)],
        ],
        payload,
        (error, status, answer) => {
          clearTimeout(timer);
          if (error) return reject(error);
          try {
            resolve(parseResponse(op, status, answer.toString('utf8')));
          } catch (err) {
            reject(err);
          }
        },
      );
    });
  }

  close() {
    this.session?.close();
  }
}

/** The Kinesis operations the workloads use, over one transport. Data in and out is a Buffer. */
class LeanKinesisClient {
  /** @param protocol 'h1' or 'h2' */
  constructor(endpoint, { protocol, maxSockets = 64, timeoutMs = 30_000 }) {
    this.transport =
      protocol === 'h2' ? new Http2Transport(endpoint, { timeoutMs }) : new Http1Transport(endpoint, { maxSockets, timeoutMs });
  }

  call(op, params) {
    return this.transport.send(op, JSON.stringify(params));
  }

  async putRecord(streamName, partitionKey, data) {
    const out = await this.call('PutRecord', { StreamName: streamName, PartitionKey: partitionKey, Data: data.toString('base64') });
    return { shardId: out.ShardId, sequenceNumber: out.SequenceNumber };
  }

  /** @returns one entry per input, in input order: {shardId, sequenceNumber} or {errorCode, errorMessage}. */
  async putRecords(streamName, entries) {
    const out = await this.call('PutRecords', {
      StreamName: streamName,
      Records: entries.map((e) => ({ PartitionKey: e.partitionKey, Data: e.data.toString('base64') })),
    });
    return out.Records.map((r) =>
      r.ErrorCode ? { errorCode: r.ErrorCode, errorMessage: r.ErrorMessage } : { shardId: r.ShardId, sequenceNumber: r.SequenceNumber },
    );
  }

  async getShardIterator(streamName, shardId, type) {
    const out = await this.call('GetShardIterator', { StreamName: streamName, ShardId: shardId, ShardIteratorType: type });
    return out.ShardIterator;
  }

  async getRecords(iterator, limit) {
    const out = await this.call('GetRecords', { ShardIterator: iterator, Limit: limit });
    return {
      records: out.Records.map((r) => ({
        sequenceNumber: r.SequenceNumber,
        partitionKey: r.PartitionKey,
        data: Buffer.from(r.Data, 'base64'),
      })),
      nextIterator: out.NextShardIterator,
      millisBehindLatest: out.MillisBehindLatest,
    };
  }

  async createStream(streamName, shardCount) {
    await this.call('CreateStream', { StreamName: streamName, ShardCount: shardCount });
  }

  async describeStream(streamName) {
    const out = await this.call('DescribeStream', { StreamName: streamName });
    const d = out.StreamDescription;
    return { status: d.StreamStatus, shardIds: d.Shards.map((s) => s.ShardId) };
  }

  close() {
    this.transport.close();
  }
}

module.exports = { LeanKinesisClient, KinesisCallError };
