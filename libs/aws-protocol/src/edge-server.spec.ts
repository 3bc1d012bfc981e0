import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as http2Connect, constants, type ClientHttp2Session } from 'node:http2';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startEdgeServer, type EdgeServer } from './edge-server';
import type { EdgeRequest, EdgeResponse } from './edge-types';

const MAX_BODY = 64 * 1024;
/** More than loopback socket buffers hold, so the server's write waits on the client for a while. */
const RECYCLED_ANSWER_BYTES = 16 * 1024 * 1024;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const EMPTY_SETTINGS_FRAME = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one HTTP/1.1 response (content-length or close delimited) from a socket. */
function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const tryParse = (ended: boolean) => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return ended ? reject(new Error(`incomplete response: ${data.toString()}`)) : undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString().split('\r\n');
      if (statusLine.startsWith('HTTP/1.1 100 ')) {
        data = data.subarray(end + 4);
        return tryParse(ended);
      }
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
      const body = data.subarray(end + 4);
      const complete = length !== undefined ? body.length >= length : headers['transfer-encoding'] === 'chunked' ? body.toString().endsWith('0\r\n\r\n') : ended;
      if (!complete) return;
      cleanup();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString() });
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      tryParse(false);
    };
    const onEnd = () => tryParse(true);
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', reject);
  });
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

const closed = (socket: Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

function post(path: string, body: string, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

function h2Request(session: ClientHttp2Session, headers: Record<string, string>, body?: Buffer): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/', ...headers });
    const chunks: Buffer[] = [];
    let responseHeaders: Record<string, unknown> = {};
    stream.on('response', (h) => (responseHeaders = h));
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve({ headers: responseHeaders, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    stream.end(body);
  });
}

describe('startEdgeServer', () => {
  let server: EdgeServer;
  const received: EdgeRequest[] = [];
  const errors: Error[] = [];
  const endless: Readable[] = [];
  /** How many answers of /recycled-answer were given back; giving one back overwrites it, as reuse would. */
  let recycledAnswers = 0;

  beforeAll(async () => {
    server = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: MAX_BODY,
      onError: (error) => errors.push(error),
      handler: async (request): Promise<EdgeResponse> => {
        received.push(request);
        if (request.path === '/throw') throw new Error('handler bug');
        if (request.path === '/stream') return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Readable.from(['a', 'b', 'c']) };
        if (request.path === '/endless') {
          const body = new Readable({ read: () => undefined });
          body.push('first event');
          endless.push(body);
          return { statusCode: 200, headers: {}, body };
        }
        if (request.path === '/recycle') {
          const answer = `recycled ${String.fromCharCode(request.body[0])} ${request.body.length}`;
          request.recycleBody?.();
          return { statusCode: 200, headers: {}, body: Buffer.from(answer) };
        }
        if (request.path === '/recycled-answer') {
          const body = Buffer.alloc(RECYCLED_ANSWER_BYTES, 'a');
          const recycleBody = () => {
            recycledAnswers++;
            body.fill('z');
          };
          return { statusCode: 200, headers: {}, body, recycleBody };
        }
        if (request.path === '/slow') {
          await new Promise((resolve) => setTimeout(resolve, 100));
          return { statusCode: 200, headers: {}, body: Buffer.from('late') };
        }
        if (request.path === '/empty') return { statusCode: 200, headers: { 'x-empty': 'yes' }, body: Buffer.alloc(0) };
        if (request.path === '/bad-header') return { statusCode: 200, headers: { 'x-bad': 'line\nbreak' }, body: Buffer.alloc(0) };
        if (request.path === '/broken-stream') {
          const body = new Readable({ read: () => undefined });
          body.push('partial');
          setImmediate(() => body.destroy(new Error('source failed')));
          return { statusCode: 200, headers: {}, body };
        }
        return {
          statusCode: 200,
          headers: { 'content-type': 'text/plain', 'x-amzn-RequestId': 'rid' },
          body: Buffer.from(`${request.method} ${request.path} ${request.body.length} ${request.headers.host}`),
        };
      },
    });
  });

  afterAll(() => server.close(), 15_000);
  beforeEach(() => {
    received.length = 0;
    errors.length = 0;
    recycledAnswers = 0;
  });

  async function recycledOnce(): Promise<void> {
    for (let i = 0; i < 100 && recycledAnswers === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recycledAnswers).toBe(1);
  }

  /** Whatever the previous test did, a fresh HTTP/1.1 client and a fresh HTTP/2 client are still served. */
  async function expectStillServing(): Promise<void> {
    const socket = await connected(server.port);
    socket.write(post('/alive', '{}'));
    expect((await readResponse(socket)).body).toBe('POST /alive 2 localhost');
    socket.destroy();
    const session = http2Connect(`http://127.0.0.1:${server.port}`);
    expect((await h2Request(session, { 'content-type': 'application/x-amz-json-1.1' }, Buffer.from('{}'))).body.toString()).toBe(`POST / 2 127.0.0.1:${server.port}`);
    session.close();
  }

  describe('HTTP/1.1', () => {
    it('serves several requests on one kept-alive connection', async () => {
      const socket = await connected(server.port);
      socket.write(post('/one', 'abc'));
      const first = await readResponse(socket);
      socket.write(post('/two?x=1', 'hello'));
      const second = await readResponse(socket);
      expect([first.status, first.body, first.headers['content-length'], first.headers['x-amzn-requestid']]).toEqual([200, 'POST /one 3 localhost', '21', 'rid']);
      expect(second.body).toBe('POST /two?x=1 5 localhost');
      expect(socket.destroyed).toBe(false);
      expect(received.map((r) => r.httpVersion)).toEqual(['1.1', '1.1']);
      expect(received.map((r) => r.headers['content-type'])).toEqual(['application/x-amz-json-1.1', 'application/x-amz-json-1.1']);
      socket.destroy();
    });

    it('receives a body spread over many packets intact', async () => {
      const socket = await connected(server.port);
      const body = 'x'.repeat(MAX_BODY);
      const raw = post('/big', body);
      for (let i = 0; i < raw.length; i += 8192) socket.write(raw.slice(i, i + 8192));
      expect((await readResponse(socket)).body).toBe(`POST /big ${MAX_BODY} localhost`);
      expect(received[0].body.equals(Buffer.from(body))).toBe(true);
      socket.destroy();
    });

    it('gives a recyclable answer back only once all of it went to the connection', async () => {
      const socket = await connected(server.port);
      socket.pause();
      socket.write(post('/recycled-answer', '{}'));
      // The client reads nothing for a while: most of the answer waits in the server's write.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(recycledAnswers).toBe(0);
      socket.resume();
      const answer = await readResponse(socket);
      expect(answer.body).toBe('a'.repeat(RECYCLED_ANSWER_BYTES));
      await recycledOnce();
      socket.destroy();
    });

    it('reads the next body of that size into a buffer its handler recycled', async () => {
      const socket = await connected(server.port);
      for (const fill of ['a', 'b']) {
        socket.write(post('/recycle', fill.repeat(MAX_BODY)));
        expect((await readResponse(socket)).body).toBe(`recycled ${fill} ${MAX_BODY}`);
      }
      expect(received[1].body.buffer).toBe(received[0].body.buffer);
      socket.destroy();
    });

    it('streams a Readable body with chunked encoding', async () => {
      const socket = await connected(server.port);
      socket.write(post('/stream', '{}'));
      const response = await readResponse(socket);
      expect(response.headers['transfer-encoding']).toBe('chunked');
      expect(response.body).toBe('1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n');
      socket.destroy();
    });

    it('answers a declared oversized body 413 at once, drops the body the client still sends, and serves the next request', async () => {
      const socket = await connected(server.port);
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n`);
      const response = await readResponse(socket);
      expect(response.status).toBe(413);
      expect(response.headers.connection).not.toBe('close');
      expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(response.body)).toEqual({ __type: 'RequestEntityTooLargeException', message: `Request body must not be larger than ${MAX_BODY} bytes.` });
      // The client, which wrote its headers before the answer came, goes on sending its body.
      socket.write('z'.repeat(MAX_BODY + 1));
      socket.write(post('/after', '{}'));
      expect((await readResponse(socket)).body).toBe('POST /after 2 localhost');
      expect(received.map((r) => r.path)).toEqual(['/after']);
      socket.destroy();
    });

    it('closes the connection without reading a body declared far too large to be worth dropping', async () => {
      const socket = await connected(server.port);
      socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 * MAX_BODY}\r\n\r\n`);
      const response = await readResponse(socket);
      expect(response.status).toBe(413);
      expect(response.headers.connection).toBe('close');
      await closed(socket);
      expect(received).toEqual([]);
      await expectStillServing();
    });

    it('stops collecting a chunked body once it passes the limit, and drops the rest', async () => {
      const socket = await connected(server.port);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-cbor-1.1\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'y'.repeat(16 * 1024);
      for (let i = 0; i < 5; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const response = await readResponse(socket);
      expect(response.status).toBe(413);
      expect(response.headers['content-type']).toBe('application/x-amz-cbor-1.1');
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
      socket.write(post('/after', '{}'));
      expect((await readResponse(socket)).body).toBe('POST /after 2 localhost');
      expect(received.map((r) => r.path)).toEqual(['/after']);
      socket.destroy();
    });

    it('cuts off a refused chunked body that goes on past what it will drop', async () => {
      const socket = await connected(server.port);
      socket.on('error', () => undefined);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = 'y'.repeat(64 * 1024);
      const response = readResponse(socket);
      for (let i = 0; i < 8 && !socket.destroyed; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      expect((await response).status).toBe(413);
      await closed(socket);
      expect(received).toEqual([]);
      await expectStillServing();
    });

    it('answers Expect: 100-continue with 413 for an oversized body, with 100 otherwise', async () => {
      const refused = await connected(server.port);
      refused.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_BODY + 1}\r\nExpect: 100-continue\r\n\r\n`);
      let sawContinue = false;
      refused.on('data', (chunk: Buffer) => (sawContinue ||= chunk.toString().startsWith('HTTP/1.1 100')));
      expect((await readResponse(refused)).status).toBe(413);
      expect(sawContinue).toBe(false);
      refused.destroy();

      const accepted = await connected(server.port);
      accepted.write('POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n');
      const interim = await new Promise<string>((resolve) => accepted.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      expect(interim).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
      accepted.write('{}');
      expect((await readResponse(accepted)).body).toBe('POST /c 2 x');
      accepted.destroy();
    });

    it('answers malformed HTTP with 400 and closes that socket only', async () => {
      const socket = await connected(server.port);
      socket.write('GARBAGE / NOT-HTTP\r\n\u0000\u0001\r\n\r\n');
      const response = await readResponse(socket);
      expect(response.status).toBe(400);
      await closed(socket);
      await expectStillServing();
    });

    it('waits for enough bytes to tell a request that starts like the HTTP/2 preface from it', async () => {
      const socket = await connected(server.port);
      socket.write('P');
      await new Promise((resolve) => setTimeout(resolve, 20));
      socket.write(post('/p', '{}').slice(1));
      expect((await readResponse(socket)).body).toBe('POST /p 2 localhost');
      socket.destroy();
    });

    it('forgets a client that disconnects mid-body', async () => {
      const socket = await connected(server.port);
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"partial":');
      await new Promise((resolve) => setImmediate(resolve));
      socket.destroy();
      await expectStillServing();
      expect(received.map((r) => r.path)).toEqual(['/alive', '/']);
      expect(errors).toEqual([]);
    });

    it('cuts only the exchange whose response cannot be written, reporting a bad header', async () => {
      const badHeader = await connected(server.port);
      badHeader.write(post('/bad-header', '{}'));
      await closed(badHeader);
      expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(['ERR_INVALID_CHAR']);
      const brokenStream = await connected(server.port);
      const received: Buffer[] = [];
      brokenStream.on('data', (chunk: Buffer) => received.push(chunk));
      brokenStream.write(post('/broken-stream', '{}'));
      await closed(brokenStream);
      expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n7\r\npartial\r\n$/);
      await expectStillServing();
    });

    it('answers a handler failure with 500 InternalFailure and reports it', async () => {
      const socket = await connected(server.port);
      socket.write(post('/throw', '{}'));
      const response = await readResponse(socket);
      expect([response.status, response.body]).toEqual([500, '{"__type":"InternalFailure"}']);
      expect(errors.map((e) => e.message)).toEqual(['handler bug']);
      socket.destroy();
    });
  });

  describe('HTTP/2 with prior knowledge', () => {
    it('lets a client send a large body without waiting for a window update every 64 KiB', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      await new Promise((resolve) => session.once('remoteSettings', resolve));
      expect(session.remoteSettings.initialWindowSize).toBe(1024 * 1024);
      // The session's own window, shared by its streams, is opened wider still.
      const bodies = await Promise.all([0, 1, 2, 3].map(() => h2Request(session, { ':path': '/window' }, Buffer.alloc(MAX_BODY))));
      expect(bodies.map((b) => b.body.toString())).toEqual(Array(4).fill(`POST /window ${MAX_BODY} 127.0.0.1:${server.port}`));
      expect(session.state.remoteWindowSize).toBeGreaterThan(4 * 1024 * 1024);
      session.close();
    });

    it('gives a recyclable answer back only once the client could read all of it', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const answer = await h2Request(session, { ':path': '/recycled-answer' });
      expect(answer.body.length).toBe(RECYCLED_ANSWER_BYTES);
      expect(answer.body.every((byte) => byte === 0x61)).toBe(true);
      await recycledOnce();
      session.close();
    });

    it('serves several streams on one session, giving :authority as host', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const [a, b] = await Promise.all([
        h2Request(session, { ':path': '/a', 'content-type': 'application/x-amz-json-1.1' }, Buffer.from('{}')),
        h2Request(session, { ':path': '/b?q' }, Buffer.alloc(3)),
      ]);
      expect(a.body.toString()).toBe(`POST /a 2 127.0.0.1:${server.port}`);
      expect(b.body.toString()).toBe(`POST /b?q 3 127.0.0.1:${server.port}`);
      expect(a.headers[':status']).toBe(200);
      expect(received.map((r) => r.httpVersion)).toEqual(['2.0', '2.0']);
      expect(a.headers['x-amzn-requestid']).toBe('rid');
      expect(a.headers['content-length']).toBe(String(a.body.length));
      session.close();
    });

    it('ends a stream whose answer has no body, and one whose request had none', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const empty = await h2Request(session, { ':path': '/empty' });
      expect(empty.headers['x-empty']).toBe('yes');
      expect(empty.headers['content-length']).toBe('0');
      expect(empty.body.length).toBe(0);
      const bodiless = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':method': 'GET', ':path': '/get' }, { endStream: true });
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      });
      expect(bodiless).toBe(`GET /get 0 127.0.0.1:${server.port}`);
      session.close();
    });

    it('answers Expect: 100-continue with 100 before the body, and with 413 for an oversized one', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const stream = session.request({ ':method': 'POST', ':path': '/continued', expect: '100-continue', 'content-length': '3' });
      await new Promise((resolve) => stream.once('continue', resolve));
      stream.end('abc');
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
        stream.on('end', () => resolve(text));
      });
      expect(answer).toBe(`POST /continued 3 127.0.0.1:${server.port}`);
      // The oversized body is never sent: the answer comes first, and the stream is reset.
      const refused = session.request({ ':method': 'POST', ':path': '/', expect: '100-continue', 'content-length': String(MAX_BODY + 1) });
      refused.on('error', () => undefined);
      const [status, text] = await new Promise<[unknown, string]>((resolve) => {
        let headers: Record<string, unknown> = {};
        let body = '';
        refused.on('response', (h) => (headers = h));
        refused.on('data', (chunk: Buffer) => (body += chunk.toString()));
        refused.on('close', () => resolve([headers[':status'], body]));
      });
      expect(status).toBe(413);
      expect(JSON.parse(text).__type).toBe('RequestEntityTooLargeException');
      expect(received.map((r) => r.path)).toEqual(['/continued']);
      session.close();
    });

    it('accepts a preface split across packets', async () => {
      const socket = await connected(server.port);
      for (const piece of [PREFACE.subarray(0, 3), PREFACE.subarray(3, 15), PREFACE.subarray(15)]) {
        socket.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      socket.write(EMPTY_SETTINGS_FRAME);
      const frame = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
      expect(frame[3]).toBe(0x4);
      socket.destroy();
    });

    it('refuses an oversized body with 413 and resets only that stream', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const response = await h2Request(session, { 'content-type': 'application/x-amz-json-1.1' }, Buffer.alloc(MAX_BODY + 1));
      expect(response.headers[':status']).toBe(413);
      expect(JSON.parse(response.body.toString()).__type).toBe('RequestEntityTooLargeException');
      expect((await h2Request(session, {}, Buffer.from('ok'))).body.toString()).toBe(`POST / 2 127.0.0.1:${server.port}`);
      expect(received.map((r) => r.body.toString())).toEqual(['ok']);
      session.close();
    });

    it('answers a protocol error with GOAWAY, and the session is closed once idle', async () => {
      const strict = await startEdgeServer({ host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY, idleTimeoutMs: 200, handler: async () => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0) }) });
      const socket = await connected(strict.port);
      const frames: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => frames.push(chunk));
      // A DATA frame on stream 0 is a connection error of type PROTOCOL_ERROR (RFC 9113 §6.1).
      socket.write(Buffer.concat([PREFACE, EMPTY_SETTINGS_FRAME, Buffer.from([0, 0, 4, 0x0, 0, 0, 0, 0, 0, 1, 2, 3, 4])]));
      await closed(socket);
      const all = Buffer.concat(frames);
      const goaway = all.indexOf(Buffer.from([0x7, 0x0, 0, 0, 0, 0]));
      expect(goaway).toBeGreaterThan(0);
      expect(all.readUInt32BE(goaway + 10)).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
      await strict.close();
      await expectStillServing();
    });

    it('stops a streamed response when the client cancels it', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const stream = session.request({ ':method': 'POST', ':path': '/endless' });
      stream.end();
      const first = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
      expect(first.toString()).toBe('first event');
      const producerClosed = new Promise((resolve) => endless[0].once('close', resolve));
      stream.close(constants.NGHTTP2_CANCEL);
      await producerClosed;
      expect(endless[0].destroyed).toBe(true);
      session.close();
      endless.length = 0;
    });

    it('forgets a client that resets its stream while its answer is being made', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const stream = session.request({ ':method': 'POST', ':path': '/slow' });
      stream.on('error', () => undefined);
      stream.end('{}');
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      stream.close(constants.NGHTTP2_CANCEL);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(errors).toEqual([]);
      session.close();
      await expectStillServing();
    });

    it('forgets a client that resets its stream or drops the connection mid-body', async () => {
      const session = http2Connect(`http://127.0.0.1:${server.port}`);
      const stream = session.request({ ':method': 'POST', ':path': '/', 'content-length': '100' });
      stream.on('error', () => undefined);
      stream.write(Buffer.alloc(10));
      await new Promise((resolve) => setTimeout(resolve, 20));
      stream.close(constants.NGHTTP2_CANCEL);
      session.destroy();
      await expectStillServing();
      expect(received.map((r) => r.path)).toEqual(['/alive', '/']);
      expect(errors).toEqual([]);
    });
  });

  describe('TLS', () => {
    let directory: string;
    let secure: EdgeServer;

    beforeAll(async () => {
      directory = mkdtempSync(join(tmpdir(), 'edge-tls-'));
      const key = join(directory, 'key.pem');
      const cert = join(directory, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], {
        stdio: 'ignore',
      });
      secure = await startEdgeServer({
        host: '127.0.0.1',
        port: 0,
        maxBodyBytes: MAX_BODY,
        tls: { port: 0, key: readFileSync(key), cert: readFileSync(cert) },
        handler: async (request) => ({ statusCode: 200, headers: {}, body: Buffer.from(`${request.path} ${request.body.length}`) }),
      });
    });

    afterAll(async () => {
      await secure.close();
      rmSync(directory, { recursive: true, force: true });
    });

    it('speaks HTTP/1.1 and HTTP/2 on the TLS port, chosen by ALPN', async () => {
      const h1 = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: secure.tlsPort, method: 'POST', path: '/tls1', rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve(`${res.httpVersion} ${body}`));
        });
        req.on('error', reject);
        req.end('abc');
      });
      expect(h1).toBe('1.1 /tls1 3');
      const session = http2Connect(`https://127.0.0.1:${secure.tlsPort}`, { rejectUnauthorized: false });
      expect((await h2Request(session, { ':path': '/tls2' }, Buffer.from('ab'))).body.toString()).toBe('/tls2 2');
      expect(session.alpnProtocol).toBe('h2');
      session.close();
    });
  });

  it('drops a connection that never sends a byte once the idle timeout passes', async () => {
    const impatient = await startEdgeServer({ host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY, idleTimeoutMs: 100, handler: async () => ({ statusCode: 200, headers: {}, body: Buffer.alloc(0) }) });
    const silent = await connected(impatient.port);
    await closed(silent);
    await impatient.close();
  });

  it('closes with kept-alive connections, sessions and silent sockets open, then refuses connections', async () => {
    const extra = await startEdgeServer({ host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY, handler: async () => ({ statusCode: 200, headers: {}, body: Buffer.from('ok') }) });
    const socket = await connected(extra.port);
    socket.write(post('/', '{}'));
    await readResponse(socket);
    const session = http2Connect(`http://127.0.0.1:${extra.port}`);
    session.on('error', () => undefined);
    await h2Request(session, {}, Buffer.from('{}'));
    const silent = await connected(extra.port);
    await extra.close();
    await Promise.all([closed(socket), closed(silent)]);
    await expect(connected(extra.port)).rejects.toThrow(/ECONNREFUSED/);
    session.destroy();
  });
});
