import { ListStreamsCommand, CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { decode as decodeCbor } from 'cbor-x';
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import { kinesisClient, startAllInOne, tempDataDir, type RunningSpate } from '@spate/testing';

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, unknown>;
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(items: T[]) => items[Math.floor(next() * items.length)] };
}

const OPERATIONS = ['PutRecord', 'PutRecords', 'GetRecords', 'GetShardIterator', 'CreateStream', 'ListShards', 'DescribeStream', 'SplitShard', 'AddTagsToStream', 'ListStreams'];
const VALUES: unknown[] = [null, true, 0, -1, 1e308, 2 ** 53 + 1, '', 'x'.repeat(300), '💥', [], {}, [[[]]], { a: { b: {} } }, 'not base64 !!', '-5', 99_999_999];

function mutatedBody(r: ReturnType<typeof rng>): string {
  const base: Record<string, unknown> = {
    StreamName: 'hostile',
    PartitionKey: 'k',
    Data: 'aGVsbG8=',
    Records: [{ PartitionKey: 'k', Data: 'aGVsbG8=' }],
    ShardId: 'shardId-000000000000',
    ShardIteratorType: 'TRIM_HORIZON',
    ShardIterator: 'AAAA',
    Limit: 10,
    ShardCount: 1,
  };
  const keys = [...Object.keys(base), 'ExplicitHashKey', 'Timestamp', 'StartingSequenceNumber', 'NextToken', 'Tags', 'StreamARN'];
  for (let i = 0, n = 1 + r.int(3); i < n; i++) base[r.pick(keys)] = r.pick(VALUES);
  if (r.next() < 0.2) (base.Records as unknown[]) = Array.from({ length: r.int(700) }, () => ({ PartitionKey: r.pick(VALUES), Data: r.pick(VALUES) }));
  return JSON.stringify(base);
}

function garbage(r: ReturnType<typeof rng>): Buffer {
  const kinds = [
    () => Buffer.from(Array.from({ length: r.int(200) }, () => r.int(256))),
    () => Buffer.from('{"StreamName": "unterminated'),
    () => Buffer.from('['.repeat(5000) + ']'.repeat(5000)),
    () => Buffer.from('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)),
    () => Buffer.from('null'),
    () => Buffer.from('"just a string"'),
    () => Buffer.from([0xbf, 0x61, 0x61]), // a CBOR map that never ends
  ];
  return r.pick(kinds)();
}

/** A server may answer (413) and close before an oversized body is sent: the answer is what counts. */
function send1(agent: http.Agent, port: number, headers: Record<string, string>, body: Buffer, method = 'POST', path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answer: Answer | undefined;
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      answer = { status: res.statusCode!, body: Buffer.alloc(0), headers: res.headers };
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ ...answer!, body: Buffer.concat(chunks) }));
      res.on('error', () => resolve({ ...answer!, body: Buffer.concat(chunks) }));
    });
    req.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    req.end(body);
  });
}

function send2(session: http2.ClientHttp2Session, headers: Record<string, string>, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/', ...headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let responseHeaders: Record<string, unknown> = {};
    req.on('response', (h) => {
      status = Number(h[':status']);
      responseHeaders = h;
    });
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve({ status, body: Buffer.concat(chunks), headers: responseHeaders }));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * An AWS-style error: a JSON or CBOR map with __type, and a request id. Where the content type is
 * neither JSON nor CBOR, what AWS itself answers: an empty body gets a CBOR SerializationException,
 * a body with a target 404 `<UnknownOperationException/>`, one without 403 AccessDeniedException.
 */
function expectAwsError(answer: Answer, context: string, contentType: string | undefined): void {
  if (!answer.headers['x-amzn-requestid']) throw new Error(`${context}: no x-amzn-RequestId`);
  const jsonOrCbor = contentType === 'application/x-amz-json-1.1' || contentType === 'application/x-amz-cbor-1.1' || contentType === 'application/json';
  if (!jsonOrCbor && answer.body.toString().startsWith('<')) {
    const body = answer.body.toString();
    const expected = answer.status === 404 ? 'UnknownOperationException' : answer.status === 403 ? 'AccessDeniedException' : undefined;
    if (!expected || !body.includes(expected)) throw new Error(`${context}: content type ${contentType} answered ${answer.status} ${body.slice(0, 200)}`);
    return;
  }
  if (!jsonOrCbor) contentType = String(answer.headers['content-type']);
  if (contentType === 'application/x-amz-cbor-1.1') {
    const error = answer.status >= 400 && answer.status < 500 ? decodeCbor(answer.body) : undefined;
    if (typeof error?.__type !== 'string') throw new Error(`${context}: answered ${answer.status} ${answer.body.toString('hex').slice(0, 200)} to a CBOR request`);
    return;
  }
  if (answer.status < 400 || answer.status >= 500 || !/json/.test(String(answer.headers['content-type']))) {
    throw new Error(`${context}: answered ${answer.status} ${String(answer.headers['content-type'])} ${answer.body.toString().slice(0, 200)}`);
  }
  const parsed = JSON.parse(answer.body.toString());
  if (typeof parsed.__type !== 'string' || parsed.__type.length === 0) throw new Error(`${context}: no __type in ${answer.body.toString().slice(0, 200)}`);
}

describe('hostile input', () => {
  const data = tempDataDir();
  let spate: RunningSpate & { server: { pid?: number } };
  let port: number;

  beforeAll(async () => {
    spate = await startAllInOne(data.dir);
    port = Number(new URL(spate.endpoint).port);
    const client = kinesisClient(spate.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: 'hostile', ShardCount: 1 }));
    client.destroy();
  });

  afterAll(async () => {
    await spate?.stop();
    data.remove();
  });

  it('answers thousands of malformed requests with AWS-style errors and keeps serving', async () => {
    const r = rng(20131202);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const session = http2.connect(`http://127.0.0.1:${port}`);
    let answered = 0;
    try {
      for (let i = 0; i < 3000; i++) {
        const op = r.pick(OPERATIONS);
        const choice = r.int(6);
        let headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${op}` };
        let body: Buffer;
        if (choice === 0) body = garbage(r);
        else if (choice === 1) {
          headers = { ...headers, 'x-amz-target': r.pick(['', 'Kinesis_20131202.', 'Kinesis_20131202.Nope', 'Other_1.PutRecord', 'Kinesis_20131202.PutRecord.Extra', 'kinesis_20131202.putrecord']) };
          body = Buffer.from(mutatedBody(r));
        } else if (choice === 2) {
          headers = { ...headers, 'content-type': r.pick(['text/plain', 'application/xml', 'application/x-amz-cbor-1.1', '', 'application/x-amz-json-1.0']) };
          body = garbage(r);
        } else body = Buffer.from(mutatedBody(r));
        if (headers['content-type'] === '') delete headers['content-type'];
        const answer = i % 2 === 0 ? await send1(agent, port, headers, body) : await send2(session, headers, body);
        if (answer.status >= 400) expectAwsError(answer, `request ${i} (${op}, kind ${choice})`, headers['content-type']);
        else if (answer.status !== 200) throw new Error(`request ${i}: unexpected status ${answer.status}`);
        answered++;
      }

      const oversized = await send1(agent, port, { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' }, Buffer.alloc(20 * 1024 * 1024, 0x20));
      expect(oversized.status).toBe(413);

      for (const raw of ['GARBAGE\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\xff\xff\xff', 'PRI * HTT']) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(port, '127.0.0.1', () => socket.end(raw));
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.resume();
          setTimeout(() => socket.destroy(), 1000);
        });
      }
    } finally {
      agent.destroy();
      session.close();
    }
    expect(answered).toBe(3000);

    expect(process.kill(spate.server.pid!, 0)).toBe(true);
    for (const http1 of [false, true]) {
      const client = kinesisClient(spate.endpoint, { http1 });
      expect((await client.send(new ListStreamsCommand({}))).StreamNames).toContain('hostile');
      client.destroy();
    }
  });
});
