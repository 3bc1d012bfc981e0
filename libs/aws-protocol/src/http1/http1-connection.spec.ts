import { request as httpRequest, Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startEdgeServer, type EdgeServer } from '../edge-server';
import type { EdgeRequest, EdgeResponse } from '../edge-types';

let lastClosed = false;

/** Everything the server sends on one connection until it closes it (or 3 s pass); `lastClosed` says which. */
async function exchange(port: number, ...parts: string[]): Promise<string> {
  const socket: Socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  for (const part of parts) {
    socket.write(part);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (let waited = 0; waited < 3000 && !closed; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  lastClosed = closed;
  socket.destroy();
  return Buffer.concat(received).toString('latin1');
}

const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

describe('Http1Connection', () => {
  let server: EdgeServer;
  const requests: EdgeRequest[] = [];
  const faults: Error[] = [];

  beforeAll(async () => {
    server = await startEdgeServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024,
      onError: (error) => faults.push(error),
      handler: async (request): Promise<EdgeResponse> => {
        requests.push(request);
        return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`${request.method} ${request.path} ${request.body.toString()}|`) };
      },
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    requests.length = 0;
  });

  it('answers pipelined requests in order, each with its length, date and keep-alive', async () => {
    const text = await exchange(
      server.port,
      'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nonePOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwoGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statuses(text)).toEqual([200, 200, 200]);
    expect(text.indexOf('POST /a one|')).toBeLessThan(text.indexOf('POST /b two|'));
    expect(text.indexOf('POST /b two|')).toBeLessThan(text.indexOf('GET /c |'));
    expect(text).toMatch(/date: \w{3}, .* GMT\r\ncontent-length: 12\r\nkeep-alive: timeout=\d+\r\n\r\nPOST \/a one\|/);
    expect(text).toMatch(/connection: close\r\n\r\nGET \/c \|$/);
  });

  it('reads a chunked body with extensions and trailers, and ignores empty lines before a request', async () => {
    const text = await exchange(
      server.port,
      '\r\nPOST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      '3;name=value\r\nabc\r\n',
      'A\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n',
      'GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statuses(text)).toEqual([200, 200]);
    expect(text).toContain('POST /chunked abc0123456789|');
  });

  it('keeps an HTTP/1.0 connection only when asked to, and answers HEAD without a body', async () => {
    const text = await exchange(server.port, 'POST /old HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhiHEAD /h HTTP/1.0\r\n\r\n');
    expect(statuses(text)).toEqual([200, 200]);
    expect(text).toMatch(/connection: keep-alive\r\n\r\nPOST \/old hi\|HTTP\/1\.1 200 OK\r\n/);
    expect(text).toMatch(/content-length: 9\r\n[^]*connection: close\r\n\r\n$/);
  });

  it.each([
    ['a Content-Length with a Transfer-Encoding', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['two Content-Lengths', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
    ['a Content-Length list', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc'],
    ['a negative Content-Length', 400, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    ['a Transfer-Encoding other than chunked', 400, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['a chunked body on HTTP/1.0', 400, 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a folded header line', 400, 'POST / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\nContent-Length: 0\r\n\r\n'],
    ['a space before the colon', 400, 'POST / HTTP/1.1\r\nHost : x\r\n\r\n'],
    ['a bare LF inside the head', 400, 'POST / HTTP/1.1\r\nHost: x\nX-A: 1\r\n\r\n'],
    ['a control character in a value', 400, 'POST / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n'],
    ['no Host on HTTP/1.1', 400, 'POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n'],
    ['a request line with spaces in the target', 400, 'POST /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['an unknown HTTP version', 505, 'POST / HTTP/2.0\r\nHost: x\r\n\r\n'],
    ['a chunk size that is not hex', 400, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data without its CRLF', 400, 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n'],
    ['a head larger than 16 KiB', 431, `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`],
  ])('answers %s with %d and closes the connection, serving no request', async (_name, status, raw) => {
    const text = await exchange(server.port, raw, 'GET /after HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(statuses(text)).toEqual([status]);
    expect(text).toMatch(/connection: close/);
    expect(lastClosed).toBe(true);
    expect(requests).toEqual([]);
  });

  it('survives a thousand connections of mangled requests: no fault of its own, and it serves on', async () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const valid = 'POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nPOST /y HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc';
    for (let connection = 0; connection < 1000; connection++) {
      const bytes = Buffer.from(valid, 'latin1');
      // Flip, drop or repeat a few bytes of a valid exchange.
      const edits = random(4) + 1;
      let mangled = bytes;
      for (let e = 0; e < edits; e++) {
        const at = random(mangled.length);
        const kind = random(3);
        if (kind === 0) mangled[at] = random(256);
        else if (kind === 1) mangled = Buffer.concat([mangled.subarray(0, at), mangled.subarray(at + 1)]);
        else mangled = Buffer.concat([mangled.subarray(0, at), mangled.subarray(at, at + random(8)), mangled.subarray(at)]);
      }
      const socket = connect(server.port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('data', () => undefined);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.end(mangled);
      if (connection % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = await exchange(server.port, 'POST /after HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    expect(text).toMatch(/POST \/after ok\|$/);
    expect(faults).toEqual([]);
  }, 60_000);

  it("serves Node's own HTTP client on kept-alive connections, bodies in many packets", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const call = (body: string) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest({ port: server.port, host: '127.0.0.1', method: 'POST', path: '/node', agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(`${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        });
        req.on('error', reject);
        // No content-length: Node sends the body chunked.
        for (const piece of body.match(/.{1,3}/g) ?? []) req.write(piece);
        req.end();
      });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call(`body number ${i}`)));
    answers.forEach((answer, i) => expect(answer).toBe(`200 POST /node body number ${i}|`));
    agent.destroy();
  });
});
