import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  KinesisServiceException,
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordCommand,
  SubscribeToShardCommand,
  type KinesisClientConfig,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startEdgeServer, type EdgeServer } from './edge-server';
import { decodeCbor } from './cbor-decoder';
import { EventStreamOutput } from './event-stream-output';
import { createJsonProtocolHandler, type OperationHandler } from './json-protocol.handler';
import { ServiceError } from './service-error';
import type { ServiceModel } from './service-model';

const model = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;
const SECRET = 'spate-test-secret';

/** A tiny Kinesis that echoes what the wire layer handed it. */
const operations: Record<string, OperationHandler> = {
  ListStreams: async (_input, context) => ({ StreamNames: [context.account, context.region, context.protocol], HasMoreStreams: false }),
  PutRecord: async (input: { Data: Buffer; PartitionKey: string }) => ({ ShardId: `shardId-${input.Data.length}`, SequenceNumber: input.PartitionKey }),
  GetRecords: async () => ({
    Records: [{ SequenceNumber: '7', Data: Buffer.from([0, 255, 1]), PartitionKey: 'pk', ApproximateArrivalTimestamp: new Date(1700000000123) }],
    MillisBehindLatest: 0,
  }),
  SubscribeToShard: async () =>
    new EventStreamOutput(
      Readable.from([
        {
          kind: 'event',
          eventType: 'SubscribeToShardEvent',
          payload: {
            Records: [{ SequenceNumber: '9', Data: Buffer.from('event data'), PartitionKey: 'p', ApproximateArrivalTimestamp: new Date(1700000000500) }],
            ContinuationSequenceNumber: '9',
            MillisBehindLatest: 0,
          },
        },
      ]),
    ),
  GetShardIterator: async () => Promise.reject(new ServiceError('ResourceNotFoundException', 'Stream s under account 123456789012 not found.')),
};

describe('the JSON protocol over the edge, driven by the AWS SDK for JavaScript v3', () => {
  let open: EdgeServer;
  let signed: EdgeServer;
  const versions: Array<string | undefined> = [];
  const clients: KinesisClient[] = [];

  beforeAll(async () => {
    const options = { model, targetPrefix: 'Kinesis_20131202', operations, defaultAccount: '000000000000', defaultRegion: 'us-east-1' };
    const openHandler = createJsonProtocolHandler(options);
    open = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      handler: (request) => (versions.push(request.httpVersion), openHandler(request)),
    });
    signed = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      handler: createJsonProtocolHandler({ ...options, credentials: { '123456789012': SECRET, AKIDEXAMPLE: SECRET } }),
    });
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await Promise.all([open.close(), signed.close()]);
  });

  beforeEach(() => {
    versions.length = 0;
  });

  function client(server: EdgeServer, http1: boolean, config: Partial<KinesisClientConfig> = {}): KinesisClient {
    const created = new KinesisClient({
      endpoint: `http://127.0.0.1:${server.port}`,
      region: 'eu-west-2',
      credentials: { accessKeyId: '123456789012', secretAccessKey: SECRET },
      maxAttempts: 1,
      ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
      ...config,
    });
    clients.push(created);
    return created;
  }

  /** One raw HTTP/1.1 exchange, for what no SDK would send. */
  function rawExchange(method: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: open.port, method, path: '/', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers a hand-built CBOR request in CBOR, with tag 1 millisecond timestamps', async () => {
    // {"ShardIterator": "it"}
    const body = Buffer.from('a1 6d5368617264497465726174 6f72 626974'.replace(/ /g, ''), 'hex');
    const response = await rawExchange('POST', { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.GetRecords' }, body);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-amz-cbor-1.1');
    expect(response.body.includes(Buffer.from('c11b0000018bcfe5687b', 'hex'))).toBe(true);
    expect(decodeCbor(response.body)).toEqual({
      Records: [{ SequenceNumber: '7', Data: Buffer.from([0, 255, 1]), PartitionKey: 'pk', ApproximateArrivalTimestamp: new Date(1700000000123) }],
      MillisBehindLatest: 0,
    });
  });

  it('answers hostile and malformed requests as AWS does and keeps serving', async () => {
    const json = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' };
    const answers = await Promise.all([
      rawExchange('POST', json, '{"Limit": [1,'),
      rawExchange('POST', { ...json, 'content-type': 'application/x-amz-cbor-1.1' }, Buffer.from([0xff, 0x00])),
      rawExchange('POST', { ...json, 'content-type': 'text/plain' }, '{}'),
      rawExchange('POST', { 'content-type': 'text/plain' }, '{}'),
      rawExchange('POST', { ...json, 'x-amz-target': 'Kinesis_20131202.Nope' }, '{}'),
      rawExchange('GET', {}, ''),
      rawExchange('POST', json, Buffer.alloc(1024 * 1024 + 1, 0x20)),
    ]);
    expect(answers.map((a) => [a.status, a.body.length > 0 && a.headers['content-type'] !== 'application/x-amz-cbor-1.1' ? a.body.toString() : decodeCbor(a.body)])).toEqual([
      [400, '{"__type":"SerializationException"}'],
      [400, { __type: 'SerializationException' }],
      [404, '<UnknownOperationException/>\n'],
      [403, '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n'],
      [400, '{"__type":"UnknownOperationException"}'],
      [403, '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n'],
      [413, '{"__type":"RequestEntityTooLargeException","message":"Request body must not be larger than 1048576 bytes."}'],
    ]);
    for (const answer of answers) expect(answer.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client(open, false).send(new ListStreamsCommand({}))).StreamNames).toEqual(['123456789012', 'eu-west-2', 'json']);
    expect((await client(open, true).send(new ListStreamsCommand({}))).StreamNames).toEqual(['123456789012', 'eu-west-2', 'json']);
  });

  describe.each([
    ['HTTP/2 (the SDK default)', false, '2.0'],
    ['HTTP/1.1 (NodeHttpHandler)', true, '1.1'],
  ])('%s', (_, http1, version) => {
    it('maps the signing key and region to the account and region', async () => {
      const output = await client(open, http1).send(new ListStreamsCommand({}));
      expect(output.StreamNames).toEqual(['123456789012', 'eu-west-2', 'json']);
      expect(output.$metadata.httpStatusCode).toBe(200);
      expect(output.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(versions).toEqual([version]);
    });

    it('keeps the default account for a key that is not an account id', async () => {
      const output = await client(open, http1, { credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }).send(new ListStreamsCommand({}));
      expect(output.StreamNames).toEqual(['000000000000', 'eu-west-2', 'json']);
    });

    it('carries blobs both ways and timestamps as the SDK expects', async () => {
      const kinesis = client(open, http1);
      const put = await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'pk-1', Data: new Uint8Array(1000).fill(7) }));
      expect([put.ShardId, put.SequenceNumber]).toEqual(['shardId-1000', 'pk-1']);
      const records = await kinesis.send(new GetRecordsCommand({ ShardIterator: 'it' }));
      const [record] = records.Records ?? [];
      expect(Array.from(record?.Data ?? [])).toEqual([0, 255, 1]);
      expect(record?.ApproximateArrivalTimestamp).toEqual(new Date(1700000000123));
    });

    it('surfaces validation, service and unknown-operation errors as typed SDK exceptions', async () => {
      const kinesis = client(open, http1);
      const validation = await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: '', Data: new Uint8Array(0) })).catch((e: unknown) => e);
      expect(validation).toBeInstanceOf(KinesisServiceException);
      expect((validation as KinesisServiceException).name).toBe('ValidationException');
      expect((validation as KinesisServiceException).message).toBe(
        "1 validation error detected: Value '' at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
      expect((validation as KinesisServiceException).$metadata.httpStatusCode).toBe(400);
      const notFound = await kinesis.send(new GetShardIteratorCommand({ StreamName: 's', ShardId: 'shardId-0', ShardIteratorType: 'LATEST' })).catch((e: unknown) => e);
      expect((notFound as Error).name).toBe('ResourceNotFoundException');
      expect((notFound as Error).message).toBe('Stream s under account 123456789012 not found.');
      const unsupported = await kinesis.send(new MergeShardsCommand({ StreamName: 's', ShardToMerge: 'a', AdjacentShardToMerge: 'b' })).catch((e: unknown) => e);
      expect((unsupported as Error).name).toBe('UnknownOperationException');
    });

    it('streams SubscribeToShard events the SDK decodes', async () => {
      const output = await client(open, http1).send(
        new SubscribeToShardCommand({ ConsumerARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1', ShardId: 'shardId-0', StartingPosition: { Type: 'LATEST' } }),
      );
      const events = [];
      for await (const event of output.EventStream ?? []) events.push(event);
      const delivered = events.flatMap((event) => (event.SubscribeToShardEvent ? [event.SubscribeToShardEvent] : []));
      expect(delivered).toHaveLength(1);
      const [record] = delivered[0].Records ?? [];
      expect(Buffer.from(record?.Data ?? []).toString()).toBe('event data');
      expect(record?.ApproximateArrivalTimestamp).toEqual(new Date(1700000000500));
    });

    it('verifies SigV4 signatures when credentials are configured', async () => {
      const output = await client(signed, http1).send(new ListStreamsCommand({}));
      expect(output.StreamNames).toEqual(['123456789012', 'eu-west-2', 'json']);
      const wrongSecret = await client(signed, http1, { credentials: { accessKeyId: '123456789012', secretAccessKey: 'guess' } }).send(new ListStreamsCommand({})).catch((e: unknown) => e);
      expect((wrongSecret as Error).name).toBe('InvalidSignatureException');
      const unknownKey = await client(signed, http1, { credentials: { accessKeyId: '999999999999', secretAccessKey: SECRET } }).send(new ListStreamsCommand({})).catch((e: unknown) => e);
      expect((unknownKey as Error).name).toBe('UnrecognizedClientException');
    });
  });
});
