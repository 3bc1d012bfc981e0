import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeCbor } from './cbor-decoder';
import type { EdgeRequest, EdgeResponse } from './edge-types';
import { EventStreamOutput } from './event-stream-output';
import { createJsonProtocolHandler, type OperationHandler, type RequestContext } from './json-protocol.handler';
import { ServiceError } from './service-error';
import { ON_ENCODED } from './wire-encodable';
import type { ServiceModel } from './service-model';

const model = JSON.parse(readFileSync(join(__dirname, '../../kds/src/model/kinesis-2013-12-02.json'), 'utf8')) as ServiceModel;
const JSON_TYPE = 'application/x-amz-json-1.1';
const CBOR_TYPE = 'application/x-amz-cbor-1.1';

function handlerWith(operations: Record<string, OperationHandler>, extra: { credentials?: Record<string, string>; onError?: (e: Error, r: { requestId: string }) => void } = {}) {
  return createJsonProtocolHandler({ model, targetPrefix: 'Kinesis_20131202', operations, defaultAccount: '000000000000', defaultRegion: 'us-east-1', ...extra });
}

function request(operation: string | undefined, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): EdgeRequest {
  return {
    method,
    path: '/',
    headers: { 'content-type': JSON_TYPE, ...(operation ? { 'x-amz-target': `Kinesis_20131202.${operation}` } : {}), ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  };
}

const bodyOf = (response: EdgeResponse) => response.body as Buffer;
const jsonOf = (response: EdgeResponse) => JSON.parse(bodyOf(response).toString());

const echo: OperationHandler = async (input, context) => ({ input, context });

describe('createJsonProtocolHandler', () => {
  describe('functionality', () => {
    it('lets the edge reuse a body read directly, before the operation runs, and keeps one read the generic way', async () => {
      const recycledBefore: boolean[] = [];
      let recycled = false;
      const handler = handlerWith({ PutRecord: async () => (recycledBefore.push(recycled), { ShardId: 'shardId-000000000000', SequenceNumber: '1' }) });
      const plain = { ...request('PutRecord', '{"StreamName":"s","PartitionKey":"p","Data":"aGk="}'), recycleBody: () => (recycled = true) };
      expect((await handler(plain)).statusCode).toBe(200);
      recycled = false;
      const escaped = { ...request('PutRecord', '{"StreamName":"s","PartitionKey":"\\u0070","Data":"aGk="}'), recycleBody: () => (recycled = true) };
      expect((await handler(escaped)).statusCode).toBe(200);
      expect([...recycledBefore, recycled]).toEqual([true, false, false]);
    });

    it('tells an output that lent its bytes once they are in the body, in JSON and CBOR, and writes nothing of that hook', async () => {
      for (const contentType of [JSON_TYPE, CBOR_TYPE]) {
        const lent = Buffer.from('lent bytes');
        const output: Record<string | symbol, unknown> = { ShardId: 'shardId-000000000000', SequenceNumber: lent };
        // Overwriting the lent bytes, as their next user would, changes nothing already encoded.
        output[ON_ENCODED] = () => lent.fill(0);
        const response = await handlerWith({ ListStreams: async () => output })(
          request('ListStreams', contentType === JSON_TYPE ? '{}' : Buffer.from('a0', 'hex'), { 'content-type': contentType }),
        );
        expect(lent.every((byte) => byte === 0)).toBe(true);
        const decoded = contentType === JSON_TYPE ? jsonOf(response) : (decodeCbor(bodyOf(response)) as Record<string, unknown>);
        const sequence = decoded.SequenceNumber;
        expect(Buffer.isBuffer(sequence) ? sequence.toString() : Buffer.from(sequence as string, 'base64').toString()).toBe('lent bytes');
        expect(Object.keys(decoded)).toEqual(['ShardId', 'SequenceNumber']);
      }
    });

    it('calls the operation with the shaped input and the caller, and answers 200 in JSON with AWS ids', async () => {
      const seen: Array<[unknown, RequestContext]> = [];
      const handler = handlerWith({ PutRecord: async (input, context) => (seen.push([input, context]), { ShardId: 'shardId-000000000000', SequenceNumber: '1' }) });
      const response = await handler(request('PutRecord', '{"StreamName":"s","PartitionKey":"p","Data":"aGk=","Junk":1}'));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(JSON_TYPE);
      expect(response.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(response.headers['x-amz-id-2']).toMatch(/^[A-Za-z0-9+/]{96}$/);
      expect(jsonOf(response)).toEqual({ ShardId: 'shardId-000000000000', SequenceNumber: '1' });
      expect(seen).toEqual([
        [
          { StreamName: 's', PartitionKey: 'p', Data: Buffer.from('hi') },
          { requestId: response.headers['x-amzn-RequestId'], account: '000000000000', region: 'us-east-1', protocol: 'json', operation: 'PutRecord' },
        ],
      ]);
    });

    it('writes output blobs and timestamps the JSON way', async () => {
      const handler = handlerWith({ GetRecords: async () => ({ Records: [{ Data: Buffer.from('x'), ApproximateArrivalTimestamp: new Date(1500), PartitionKey: 'p', SequenceNumber: '1' }] }) });
      const response = await handler(request('GetRecords', '{"ShardIterator":"i"}'));
      expect(bodyOf(response).toString()).toBe('{"Records":[{"Data":"eA==","ApproximateArrivalTimestamp":1.5,"PartitionKey":"p","SequenceNumber":"1"}]}');
    });

    it('answers an operation without output with an empty body', async () => {
      const response = await handlerWith({ CreateStream: async () => undefined })(request('CreateStream', '{"StreamName":"s","ShardCount":1}'));
      expect([response.statusCode, bodyOf(response).length]).toEqual([200, 0]);
    });

    it('speaks CBOR to a CBOR request: byte strings in, tag 1 milliseconds out', async () => {
      const handler = handlerWith({
        PutRecord: async (input: { Data: Buffer }, context) => ({ ShardId: context.protocol, SequenceNumber: input.Data.toString('hex'), At: new Date(1700000000123) }),
      });
      // {"StreamName": "s", "PartitionKey": "p", "Data": h'0102'}, as an indefinite-length map like Jackson writes
      const body = Buffer.from('bf 6a53747265616d4e616d65 6173 6c506172746974696f6e4b6579 6170 6444617461 420102 ff'.replace(/ /g, ''), 'hex');
      const response = await handler(request('PutRecord', body, { 'content-type': CBOR_TYPE }));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(CBOR_TYPE);
      expect(bodyOf(response).toString('hex')).toBe(
        'a3' + '67' + Buffer.from('ShardId').toString('hex') + '64' + Buffer.from('cbor').toString('hex') +
          '6e' + Buffer.from('SequenceNumber').toString('hex') + '64' + Buffer.from('0102').toString('hex') +
          '62' + Buffer.from('At').toString('hex') + 'c11b0000018bcfe5687b',
      );
    });

    it('reads CBOR timestamps as milliseconds, tagged or not', async () => {
      const handler = handlerWith({ GetShardIterator: echo });
      // {"ShardId": "s", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1(1700000000123)}
      const body = Buffer.from(
        'a3 6753686172644964 6173 7153686172644974657261746f7254797065 6c41545f54494d455354414d50 6954696d657374616d70 c11b0000018bcfe5687b'.replace(/ /g, ''),
        'hex',
      );
      const decoded = decodeCbor(bodyOf(await handler(request('GetShardIterator', body, { 'content-type': CBOR_TYPE })))) as { input: { Timestamp: Date } };
      expect(decoded.input.Timestamp).toEqual(new Date(1700000000123));
    });

    it('answers plain application/json as JSON 1.1, in application/json', async () => {
      const response = await handlerWith({ ListStreams: async () => ({ StreamNames: [] }) })(request('ListStreams', '{}', { 'content-type': 'application/json; charset=utf-8' }));
      expect([response.statusCode, response.headers['content-type'], bodyOf(response).toString()]).toEqual([200, 'application/json', '{"StreamNames":[]}']);
    });

    it('streams an event-stream output: initial-response first, then each item framed in the request\'s encoding', async () => {
      const events = Readable.from([
        { kind: 'event', eventType: 'SubscribeToShardEvent', payload: { ContinuationSequenceNumber: '1', Data: Buffer.from([1, 2]), At: new Date(1500) } },
        { kind: 'exception', exceptionType: 'ResourceInUseException', message: 'busy' },
      ]);
      const subscribe = '{"ConsumerARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1","ShardId":"s","StartingPosition":{"Type":"LATEST"}}';
      const response = await handlerWith({ SubscribeToShard: async () => new EventStreamOutput(events) })(request('SubscribeToShard', subscribe));
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/vnd.amazon.eventstream');
      const chunks: Buffer[] = [];
      for await (const chunk of response.body as Readable) chunks.push(chunk as Buffer);
      const frames = splitFrames(Buffer.concat(chunks)).map(decodeFrame);
      expect(frames).toEqual([
        { headers: { ':message-type': 'event', ':event-type': 'initial-response', ':content-type': 'application/json' }, payload: '{}' },
        {
          headers: { ':message-type': 'event', ':event-type': 'SubscribeToShardEvent', ':content-type': 'application/json' },
          payload: '{"ContinuationSequenceNumber":"1","Data":"AQI=","At":1.5}',
        },
        { headers: { ':message-type': 'exception', ':exception-type': 'ResourceInUseException', ':content-type': 'application/json' }, payload: '{"message":"busy"}' },
      ]);
    });

    it('answers a CORS preflight and exposes AWS headers to browsers', async () => {
      const handler = handlerWith({ ListStreams: async () => ({}) });
      const preflight = await handler(
        request(undefined, '', { origin: 'http://app', 'access-control-request-headers': 'x-amz-target', 'access-control-request-method': 'POST' }, 'OPTIONS'),
      );
      expect(preflight.statusCode).toBe(200);
      expect(preflight.headers).toMatchObject({
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Headers': 'x-amz-target',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Max-Age': '172800',
      });
      const actual = await handler(request('ListStreams', '{}', { origin: 'http://app' }));
      expect(actual.headers['Access-Control-Allow-Origin']).toBe('*');
      expect(actual.headers['Access-Control-Expose-Headers']).toContain('x-amzn-RequestId');
    });
  });

  describe('errors', () => {
    const handler = handlerWith({ ListStreams: echo });

    it('refuses methods other than POST with an XML AccessDeniedException', async () => {
      const response = await handler(request('ListStreams', '', {}, 'GET'));
      expect(response.statusCode).toBe(403);
      expect(bodyOf(response).toString()).toBe(
        '<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n',
      );
    });

    it('answers an empty body before anything else: SerializationException for a known target, in JSON when asked', async () => {
      const response = await handler(request('ListStreams', ''));
      expect([response.statusCode, response.headers['content-type'], jsonOf(response)]).toEqual([400, JSON_TYPE, { __type: 'SerializationException' }]);
    });

    it('answers an empty body with an unknown target and no content type in CBOR, as AWS does', async () => {
      const response = await handler(request(undefined, '', { 'content-type': '' }));
      expect([response.statusCode, response.headers['content-type']]).toEqual([400, CBOR_TYPE]);
      expect(decodeCbor(bodyOf(response))).toEqual({ __type: 'UnknownOperationException' });
    });

    it('answers an unknown content type 404 in XML when there is a target, 403 otherwise', async () => {
      const withTarget = await handler(request('ListStreams', '{}', { 'content-type': 'text/plain' }));
      expect([withTarget.statusCode, bodyOf(withTarget).toString()]).toEqual([404, '<UnknownOperationException/>\n']);
      const withoutTarget = await handler(request(undefined, '{}', { 'content-type': 'text/plain' }));
      expect(withoutTarget.statusCode).toBe(403);
      expect(bodyOf(withoutTarget).toString()).toContain('<AccessDeniedException>');
    });

    it.each([
      ['malformed JSON', '{"a":'],
      ['a top-level array', '[]'],
      ['a top-level string', '"x"'],
      ['null', 'null'],
    ])('answers %s with a bare SerializationException', async (_, body) => {
      const response = await handler(request('ListStreams', body));
      expect([response.statusCode, jsonOf(response)]).toEqual([400, { __type: 'SerializationException' }]);
    });

    it('answers malformed CBOR with a SerializationException in CBOR', async () => {
      const response = await handler(request('ListStreams', Buffer.from([0xbf, 0x61]), { 'content-type': CBOR_TYPE }));
      expect(response.statusCode).toBe(400);
      expect(decodeCbor(bodyOf(response))).toEqual({ __type: 'SerializationException' });
    });

    it.each([
      ['no target', undefined],
      ['an unknown operation', 'Kinesis_20131202.FlyAway'],
      ['another service', 'Firehose_20150804.ListStreams'],
      ['no operation', 'Kinesis_20131202.'],
      ['an inherited property name', 'Kinesis_20131202.constructor'],
    ])('answers %s with a bare UnknownOperationException', async (_, target) => {
      const response = await handler(request(undefined, '{}', target ? { 'x-amz-target': target } : {}));
      expect([response.statusCode, jsonOf(response)]).toEqual([400, { __type: 'UnknownOperationException' }]);
    });

    it('answers a modelled operation without an implementation with UnknownOperationException and a message', async () => {
      const response = await handler(request('MergeShards', '{}'));
      expect([response.statusCode, jsonOf(response)]).toEqual([400, { __type: 'UnknownOperationException', message: 'The operation MergeShards is not supported by this server.' }]);
    });

    it('answers a type error with SerializationException spelled Message, as AWS does', async () => {
      const response = await handler(request('ListStreams', '{"Limit":"10"}'));
      expect([response.statusCode, jsonOf(response)]).toEqual([
        400,
        { __type: 'SerializationException', Message: 'class java.lang.String can not be converted to an Integer' },
      ]);
    });

    it('answers a constraint violation with ValidationException', async () => {
      const response = await handler(request('ListStreams', '{"Limit":0}'));
      expect([response.statusCode, jsonOf(response)]).toEqual([
        400,
        { __type: 'ValidationException', message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1" },
      ]);
    });

    it("answers an operation's ServiceError with its type, message and status", async () => {
      const response = await handlerWith({ ListStreams: async () => Promise.reject(new ServiceError('LimitExceededException', 'Rate exceeded', 400)) })(request('ListStreams', '{}'));
      expect([response.statusCode, jsonOf(response)]).toEqual([400, { __type: 'LimitExceededException', message: 'Rate exceeded' }]);
      const cbor = await handlerWith({ ListStreams: async () => Promise.reject(new ServiceError('Boom', 'x', 503)) })(request('ListStreams', Buffer.from([0xa0]), { 'content-type': CBOR_TYPE }));
      expect(cbor.statusCode).toBe(503);
      expect(decodeCbor(bodyOf(cbor))).toEqual({ __type: 'Boom', message: 'x' });
    });

    it('answers any other failure with a bare 500 InternalFailure and reports it', async () => {
      const reports: Array<[Error, { requestId: string; operation?: string }]> = [];
      const failing = handlerWith({ ListStreams: async () => Promise.reject(new Error('secret internals at /srv/db')) }, { onError: (e, r) => reports.push([e, r]) });
      const response = await failing(request('ListStreams', '{}'));
      expect([response.statusCode, bodyOf(response).toString()]).toEqual([500, '{"__type":"InternalFailure"}']);
      expect(reports).toEqual([[new Error('secret internals at /srv/db'), { requestId: response.headers['x-amzn-RequestId'], operation: 'ListStreams' }]]);
    });

    it('requires a signature when credentials are configured', async () => {
      const response = await handlerWith({ ListStreams: echo }, { credentials: { AKID: 'secret' } })(request('ListStreams', '{}'));
      expect([response.statusCode, jsonOf(response)]).toEqual([400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' }]);
    });
  });
});

/** The frames of an event-stream byte stream (each starts with its total length). */
function splitFrames(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += bytes.readUInt32BE(at)) frames.push(bytes.subarray(at, at + bytes.readUInt32BE(at)));
  return frames;
}

/** Headers and payload (as text) of one event-stream frame; CRCs are checked by event-stream.spec.ts. */
function decodeFrame(frame: Buffer): { headers: Record<string, string>; payload: string } {
  const total = frame.readUInt32BE(0);
  const headersLength = frame.readUInt32BE(4);
  const headers: Record<string, string> = {};
  let at = 12;
  while (at < 12 + headersLength) {
    const nameLength = frame[at];
    const name = frame.toString('utf8', at + 1, at + 1 + nameLength);
    at += 1 + nameLength + 1;
    const valueLength = frame.readUInt16BE(at);
    headers[name] = frame.toString('utf8', at + 2, at + 2 + valueLength);
    at += 2 + valueLength;
  }
  return { headers, payload: frame.toString('utf8', 12 + headersLength, total - 4) };
}
