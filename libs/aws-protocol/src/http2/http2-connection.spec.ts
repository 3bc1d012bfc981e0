import { connect as connectHttp2, constants } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { startEdgeServer, type EdgeServer } from '../edge-server';
import type { EdgeRequest, EdgeResponse } from '../edge-types';
import { HpackDecoder } from './hpack';
import { huffmanEncode } from './hpack-huffman';
import { CONNECTION_PREFACE, ErrorCode, FrameFlag, FrameType, frame, Setting, settingsFrame, windowUpdateFrame } from './http2-frame';

interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** A client that writes frames byte for byte and records every frame the server sends. */
class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  readonly decoder = new HpackDecoder();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 9) {
        const length = this.buffered.readUIntBE(0, 3);
        if (this.buffered.length < 9 + length) break;
        this.frames.push({
          type: this.buffered[3],
          flags: this.buffered[4],
          streamId: this.buffered.readUInt32BE(5) & 0x7fffffff,
          payload: this.buffered.subarray(9, 9 + length),
        });
        this.buffered = this.buffered.subarray(9 + length);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Sends the preface and, unless `settings` is null, a SETTINGS frame. */
  static async open(port: number, settings: Array<[Setting, number]> | null = []): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new RawClient(socket);
    socket.write(settings === null ? CONNECTION_PREFACE : Buffer.concat([CONNECTION_PREFACE, settingsFrame(settings)]));
    return client;
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Waits until a frame matches (or the connection closes, then undefined). */
  async next(match: (frame: Frame) => boolean, timeoutMs = 3000): Promise<Frame | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined || this.closed) return found;
      if (Date.now() > deadline) throw new Error('No such frame arrived');
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async goAway(): Promise<number | undefined> {
    const goAway = await this.next((f) => f.type === FrameType.GoAway);
    return goAway?.payload.readUInt32BE(4);
  }

  /** The answer on `streamId`: status, fields and body, once END_STREAM arrived. */
  async answer(streamId: number): Promise<{ fields: Array<[string, string]>; body: string }> {
    await this.next((f) => f.streamId === streamId && (f.flags & FrameFlag.EndStream) !== 0 && (f.type === FrameType.Data || f.type === FrameType.Headers));
    const mine = this.frames.filter((f) => f.streamId === streamId);
    const headers = mine.find((f) => f.type === FrameType.Headers);
    if (headers === undefined) throw new Error(`No HEADERS on stream ${streamId}`);
    const fields = this.decoder.decode(headers.payload);
    const body = Buffer.concat(mine.filter((f) => f.type === FrameType.Data).map((f) => f.payload)).toString();
    return { fields, body };
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** A request's header block: literals without indexing, names and values raw unless `huffman`. */
function requestBlock(fields: Array<[string, string]>, huffman = false): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from([0x00]), literal(name, huffman), literal(value, huffman));
  }
  return Buffer.concat(parts);
}

function literal(text: string, huffman: boolean): Buffer {
  const bytes = huffman ? huffmanEncode(text) : Buffer.from(text, 'latin1');
  if (bytes.length >= 127) throw new Error('test strings are short');
  return Buffer.concat([Buffer.from([bytes.length | (huffman ? 0x80 : 0)]), bytes]);
}

const POST_ECHO: Array<[string, string]> = [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', '/echo'],
  [':authority', 'localhost'],
];

describe('Http2Connection', () => {
  let server: EdgeServer;
  const requests: EdgeRequest[] = [];
  const streams: PassThrough[] = [];
  const faults: Error[] = [];

  beforeAll(async () => {
    server = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      onError: (error) => faults.push(error),
      handler: async (request): Promise<EdgeResponse> => {
        requests.push(request);
        if (request.path === '/stream') {
          const body = new PassThrough();
          streams.push(body);
          return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body };
        }
        const size = Number(request.headers['x-answer-bytes'] ?? 0);
        const body = size > 0 ? Buffer.alloc(size, 0x61) : Buffer.from(`${request.method} ${request.path} ${request.body.toString()}`);
        return { statusCode: 200, headers: { 'Content-Type': 'text/plain', Connection: 'keep-alive' }, body };
      },
    });
  });

  afterAll(() => server.close());
  beforeEach(() => {
    requests.length = 0;
  });

  it('answers a request whose fields are Huffman-coded, with a body in two DATA frames, and acknowledges SETTINGS', async () => {
    const client = await RawClient.open(server.port);
    client.send(
      frame(FrameType.Headers, FrameFlag.EndHeaders, 1, requestBlock([...POST_ECHO, ['x-amz-target', 'Kinesis_20131202.ListStreams']], true)),
      frame(FrameType.Data, 0, 1, Buffer.from('he')),
      frame(FrameType.Data, FrameFlag.EndStream, 1, Buffer.from('llo')),
    );
    const { fields, body } = await client.answer(1);
    expect(body).toBe('POST /echo hello');
    // Names lower-cased, and no connection-specific field.
    expect(fields).toEqual([
      [':status', '200'],
      ['date', expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)],
      ['content-type', 'text/plain'],
      ['content-length', '16'],
    ]);
    expect(requests[0].headers).toEqual({ ':authority': 'localhost', host: 'localhost', 'x-amz-target': 'Kinesis_20131202.ListStreams' });
    expect(client.frames.some((f) => f.type === FrameType.Settings && f.flags === FrameFlag.Ack)).toBe(true);
    client.close();
  });

  it('reads frames split anywhere across packets', async () => {
    const client = await RawClient.open(server.port);
    client.socket.setNoDelay(true);
    const bytes = Buffer.concat([
      frame(FrameType.Headers, FrameFlag.EndHeaders, 1, requestBlock([...POST_ECHO, ['content-length', '40']])),
      frame(FrameType.Data, 0, 1, Buffer.from('0123456789'.repeat(3))),
      frame(FrameType.Data, FrameFlag.EndStream, 1, Buffer.from('abcdefghij')),
    ]);
    for (let at = 0; at < bytes.length; at += 7) {
      client.socket.write(bytes.subarray(at, at + 7));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await client.answer(1)).body).toBe(`POST /echo ${'0123456789'.repeat(3)}abcdefghij`);
    client.close();
  });

  it('answers PING with the same payload, and gathers a header block from CONTINUATION frames', async () => {
    const client = await RawClient.open(server.port);
    const block = requestBlock(POST_ECHO);
    client.send(
      frame(FrameType.Ping, 0, 0, Buffer.from('12345678')),
      // END_STREAM belongs on HEADERS; CONTINUATION carries only END_HEADERS.
      frame(FrameType.Headers, FrameFlag.EndStream, 1, block.subarray(0, 5)),
      frame(FrameType.Continuation, 0, 1, block.subarray(5, 20)),
      frame(FrameType.Continuation, FrameFlag.EndHeaders, 1, block.subarray(20)),
    );
    const pong = await client.next((f) => f.type === FrameType.Ping);
    expect(pong).toMatchObject({ flags: FrameFlag.Ack, payload: Buffer.from('12345678') });
    expect((await client.answer(1)).body).toBe('POST /echo ');
    client.close();
  });

  it('sends an answer no faster than the client opens its windows', async () => {
    const client = await RawClient.open(server.port, [[Setting.InitialWindowSize, 1000]]);
    client.send(frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 1, requestBlock([...POST_ECHO, ['x-answer-bytes', '2500']])));
    await client.next((f) => f.type === FrameType.Data);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const sent = () => client.frames.filter((f) => f.type === FrameType.Data).reduce((sum, f) => sum + f.payload.length, 0);
    expect(sent()).toBe(1000);
    client.send(windowUpdateFrame(1, 1000));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent()).toBe(2000);
    client.send(windowUpdateFrame(1, 5000));
    const { body } = await client.answer(1);
    expect(body).toBe('a'.repeat(2500));
    client.close();
  });

  it('sends a streamed answer as it is written and stops its producer when the client resets the stream', async () => {
    const client = await RawClient.open(server.port);
    client.send(frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 1, requestBlock([...POST_ECHO.slice(0, 2), [':path', '/stream']])));
    await client.next((f) => f.type === FrameType.Headers && f.streamId === 1);
    const producer = streams[streams.length - 1];
    producer.write('event one');
    const data = await client.next((f) => f.type === FrameType.Data && f.streamId === 1);
    expect(data?.payload.toString()).toBe('event one');
    const closed = new Promise((resolve) => producer.once('close', resolve));
    client.send(frame(FrameType.RstStream, 0, 1, Buffer.from([0, 0, 0, ErrorCode.Cancel])));
    await closed;
    expect(producer.destroyed).toBe(true);
    client.close();
  });

  it('resets a malformed request (no :path, upper-case name, body shorter than its content-length) and serves the next', async () => {
    const client = await RawClient.open(server.port);
    client.send(
      frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 1, requestBlock(POST_ECHO.filter(([name]) => name !== ':path'))),
      frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 3, requestBlock([...POST_ECHO, ['X-Upper', 'a']])),
      frame(FrameType.Headers, FrameFlag.EndHeaders, 5, requestBlock([...POST_ECHO, ['content-length', '10']])),
      frame(FrameType.Data, FrameFlag.EndStream, 5, Buffer.from('short')),
      frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 7, requestBlock(POST_ECHO)),
    );
    expect((await client.answer(7)).body).toBe('POST /echo ');
    for (const id of [1, 3, 5]) {
      const reset = client.frames.find((f) => f.type === FrameType.RstStream && f.streamId === id);
      expect(reset?.payload.readUInt32BE(0)).toBe(ErrorCode.ProtocolError);
    }
    expect(requests.map((r) => r.path)).toEqual(['/echo']);
    client.close();
  });

  it.each([
    ['a first frame that is not SETTINGS', [frame(FrameType.Ping, 0, 0, Buffer.alloc(8))], ErrorCode.ProtocolError, true],
    ['a frame larger than 16 KiB', [frame(FrameType.Data, 0, 1, Buffer.alloc(16_385))], ErrorCode.FrameSizeError, false],
    ['a header block HPACK cannot decode', [frame(FrameType.Headers, FrameFlag.EndHeaders, 1, Buffer.from([0xff]))], ErrorCode.CompressionError, false],
    ['an even stream id', [frame(FrameType.Headers, FrameFlag.EndHeaders, 2, requestBlock(POST_ECHO))], ErrorCode.ProtocolError, false],
    ['DATA on a stream never opened', [frame(FrameType.Data, 0, 9, Buffer.from('x'))], ErrorCode.ProtocolError, false],
    ['a PUSH_PROMISE', [frame(FrameType.PushPromise, 0, 1, Buffer.alloc(4))], ErrorCode.ProtocolError, false],
    ['a SETTINGS frame of the wrong size', [frame(FrameType.Settings, 0, 0, Buffer.alloc(5))], ErrorCode.FrameSizeError, false],
    ['a WINDOW_UPDATE that overflows the window', [windowUpdateFrame(0, 2 ** 31 - 1)], ErrorCode.FlowControlError, false],
    [
      'a HEADERS frame interrupted by another frame',
      [frame(FrameType.Headers, 0, 1, requestBlock(POST_ECHO).subarray(0, 4)), frame(FrameType.Ping, 0, 0, Buffer.alloc(8))],
      ErrorCode.ProtocolError,
      false,
    ],
    [
      'streams opened and reset faster than a thousand a second',
      // Three thousand at once: the budget's refill while the server works through them stays far short.
      Array.from({ length: 3000 }, (_, i) => [
        frame(FrameType.Headers, FrameFlag.EndHeaders, 2 * i + 1, requestBlock(POST_ECHO)),
        frame(FrameType.RstStream, 0, 2 * i + 1, Buffer.from([0, 0, 0, ErrorCode.Cancel])),
      ]).flat(),
      ErrorCode.EnhanceYourCalm,
      false,
    ],
    [
      'an endless stream of CONTINUATION frames',
      [frame(FrameType.Headers, 0, 1, Buffer.alloc(0)), ...Array.from({ length: 6 }, () => frame(FrameType.Continuation, 0, 1, Buffer.alloc(16_000)))],
      ErrorCode.EnhanceYourCalm,
      false,
    ],
  ])('answers %s with GOAWAY and closes the connection; the server serves on', async (_name, frames, code, withoutSettings) => {
    const client = await RawClient.open(server.port, withoutSettings ? null : []);
    client.send(...frames);
    expect(await client.goAway()).toBe(code);
    await client.next(() => false).catch(() => undefined);
    expect(client.closed).toBe(true);
    const again = await RawClient.open(server.port);
    again.send(frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 1, requestBlock(POST_ECHO)));
    expect((await again.answer(1)).body).toBe('POST /echo ');
    again.close();
  });

  it('survives a thousand connections of random frames: no fault of its own, and it serves on', async () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const block = requestBlock(POST_ECHO);
    const randomFrame = () => {
      const type = random(11);
      const streamId = random(4) === 0 ? 0 : random(8) + 1;
      const flags = random(256);
      const size = [0, 1, 4, 5, 6, 8, 9, random(64), random(20_000)][random(9)];
      const payload = type === FrameType.Headers && random(2) === 0 ? block : Buffer.from(Array.from({ length: size }, () => random(256)));
      return frame(type, flags, streamId, payload);
    };
    for (let connection = 0; connection < 1000; connection++) {
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      const frames = [settingsFrame([]), ...Array.from({ length: random(6) + 1 }, randomFrame)];
      socket.end(Buffer.concat([CONNECTION_PREFACE, ...frames]));
      if (connection % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const client = await RawClient.open(server.port);
    client.send(frame(FrameType.Headers, FrameFlag.EndHeaders | FrameFlag.EndStream, 1, requestBlock(POST_ECHO)));
    expect((await client.answer(1)).body).toBe('POST /echo ');
    client.close();
    expect(faults).toEqual([]);
  }, 60_000);

  it("serves Node's own HTTP/2 client: many concurrent streams, bodies larger than a window, a cancelled one", async () => {
    const session = connectHttp2(`http://127.0.0.1:${server.port}`);
    const call = (body: string, extra: Record<string, string> = {}) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/echo', ...extra });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (headers) => (status = Number(headers[':status'])));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }));
        stream.on('error', reject);
        stream.end(body);
      });
    const large = 'x'.repeat(300_000);
    const answers = await Promise.all([...Array.from({ length: 50 }, (_, i) => call(`call ${i}`)), call(large), call('', { 'x-answer-bytes': '3000000' })]);
    answers.slice(0, 50).forEach((answer, i) => expect(answer).toEqual({ status: 200, text: `POST /echo call ${i}` }));
    expect(answers[50].text).toBe(`POST /echo ${large}`);
    expect(answers[51].text.length).toBe(3_000_000);
    const cancelled = session.request({ ':method': 'POST', ':path': '/echo', 'x-answer-bytes': '5000000' });
    cancelled.on('error', () => undefined);
    cancelled.end();
    await new Promise((resolve) => cancelled.once('data', resolve));
    cancelled.close(constants.NGHTTP2_CANCEL);
    expect(await call('after')).toEqual({ status: 200, text: 'POST /echo after' });
    session.close();
  });
});
