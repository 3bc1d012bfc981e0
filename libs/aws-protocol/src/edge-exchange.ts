import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { asError } from './as-error';
import { BodyPool } from './body-pool';
import { errorResponse, responseIdHeaders } from './aws-response';
import { codecForMediaType, JSON_1_1_CONTENT_TYPE, mediaTypeOf } from './content-type';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge-types';
import { json11Codec } from './json-1-1.codec';
import { httpDate } from './http-date';
import type { Http1Exchange } from './http1/http1-connection';
import { ErrorCode } from './http2/http2-frame';
import type { Http2ServerStream } from './http2/http2-connection';
import type { BodySink } from './body-relay';
import { ServiceError } from './service-error';

export interface ExchangeOptions {
  handler: EdgeHandler;
  maxBodyBytes: number;
  onError?: (error: Error) => void;
  /** True once the server is shutting down: HTTP/1.1 responses then close their connection. */
  closing: () => boolean;
}

/**
 * What one exchange needs from the HTTP version that carries it: the request's head, its body as
 * a stream, and how to write an answer or refuse a body too large to read.
 */
interface Carrier {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | undefined>;
  readonly httpVersion: string;
  /**
   * The request body, or undefined as soon as it passes `limit` (the rest is left unread). Rejects
   * if the client goes away first.
   */
  read(limit: number, declared: number): Promise<ReadBody | undefined>;
  send(response: EdgeResponse, closeConnection: boolean): void;
  /** Answers 413 to a body larger than the limit; `unsent` when the client has not sent it yet (100-continue). */
  refuse(response: EdgeResponse, unsent: boolean, options: ExchangeOptions): void;
  /** Cuts the exchange short, after a response that could not be written. */
  destroy(): void;
}

/** Serves one HTTP/1.1 request (cleartext or TLS). */
export function serveHttp1(exchange: Http1Exchange, options: ExchangeOptions): void {
  const expectsContinue = exchange.version === '1.1' && exchange.headers.expect?.toLowerCase() === '100-continue';
  serveCarried(http1Carrier(exchange), options, expectsContinue ? () => exchange.sendContinue() : undefined);
}

/** Serves one HTTP/2 stream (h2c or TLS). */
export function serveHttp2(stream: Http2ServerStream, options: ExchangeOptions): void {
  const carrier = http2Carrier(stream);
  const expectsContinue = carrier.headers.expect?.toLowerCase() === '100-continue';
  serveCarried(carrier, options, expectsContinue ? () => stream.inform(100) : undefined);
}

/**
 * With `sendContinue`, the client waits for `100 Continue` before sending its body: an oversized
 * one is refused before it is sent (on HTTP/1.1 the connection is then closed).
 */
function serveCarried(carrier: Carrier, options: ExchangeOptions, sendContinue: (() => void) | undefined): void {
  if (sendContinue !== undefined) {
    if (declaredLength(carrier.headers) > options.maxBodyBytes) return contain(carrier, options, () => rejectOversized(carrier, options, true));
    sendContinue();
  }
  contain(carrier, options, () => serveExchange(carrier, options));
}

/** A response the handler got wrong (say, a header value with a newline) costs that exchange only. */
function contain(carrier: Carrier, options: ExchangeOptions, serve: () => Promise<void> | void): void {
  const failed = (error: unknown) => {
    options.onError?.(asError(error));
    carrier.destroy();
  };
  try {
    const served = serve();
    if (served !== undefined) served.catch(failed);
  } catch (error) {
    failed(error);
  }
}

/**
 * Serves one request whichever HTTP version carries it: collects the body up to `maxBodyBytes`,
 * calls the handler and writes its response. A body declared or found to be too large is answered
 * 413 at once: HTTP/2 resets just that stream with NO_ERROR after the response (RFC 9113 §8.1);
 * HTTP/1.1 reads and drops the rest of the body within bounds (see the carrier's `refuse`). A client that
 * goes away mid-request is forgotten; a handler that throws gets a 500 InternalFailure.
 */
async function serveExchange(carrier: Carrier, options: ExchangeOptions): Promise<void> {
  const { headers } = carrier;
  const declared = declaredLength(headers);
  if (declared > options.maxBodyBytes) return rejectOversized(carrier, options, false);
  let read: ReadBody | undefined;
  try {
    read = await carrier.read(options.maxBodyBytes, declared);
  } catch {
    return;
  }
  if (read === undefined) return rejectOversized(carrier, options, false);
  const { body, pooled } = read;
  let recycled = false;
  const request: EdgeRequest = {
    method: carrier.method,
    path: carrier.path,
    headers,
    body,
    httpVersion: carrier.httpVersion,
    recycleBody: () => {
      if (pooled === undefined || recycled) return;
      recycled = true;
      bodies.give(pooled);
    },
  };
  let response: EdgeResponse;
  try {
    response = await options.handler(request);
  } catch (error) {
    options.onError?.(asError(error));
    response = protocolError(headers, new ServiceError('InternalFailure', '', 500));
  }
  carrier.send(response, options.closing());
}

function declaredLength(headers: Record<string, string | undefined>): number {
  return Number(headers['content-length'] ?? 0);
}

function http1Carrier(exchange: Http1Exchange): Carrier {
  return {
    method: exchange.method,
    path: exchange.target,
    headers: exchange.headers,
    httpVersion: exchange.version,
    read: (limit, declared) => collectBody(exchange, limit, declared, () => exchange.discard(Infinity)),
    send: (response, closeConnection) => sendHttp1(exchange, response, closeConnection),
    refuse: (response, unsent, options) => {
      // A refused body is read and dropped within bounds, so that a client still sending it reads
      // the 413 rather than a reset (a socket closed with unread data makes the kernel answer RST,
      // which throws away what the client had not read yet); the connection is then kept. A body
      // declared larger than that is not read at all, and the connection closes after the answer.
      const limit = DISCARD_FACTOR * options.maxBodyBytes;
      const discarding = !unsent && declaredLength(exchange.headers) <= limit;
      if (discarding) exchange.discard(limit, DISCARD_TIMEOUT_MS);
      sendHttp1(exchange, response, !discarding || options.closing());
    },
    destroy: () => exchange.destroy(),
  };
}

function http2Carrier(stream: Http2ServerStream): Carrier {
  let method = 'GET';
  let path = '/';
  let authority: string | undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of stream.fields) {
    if (name.charCodeAt(0) === COLON) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === ':authority') authority = value;
      continue;
    }
    const earlier = headers[name];
    headers[name] = earlier === undefined ? value : `${earlier}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  if (authority !== undefined) headers[':authority'] = authority;
  headers.host ??= authority;
  return {
    method,
    path,
    headers,
    httpVersion: '2.0',
    read: (limit, declared) => collectBody(stream, limit, declared, () => stream.discard()),
    send: (response) => sendHttp2(stream, response),
    refuse: (response) => {
      // Once the answer is out, the stream is reset with NO_ERROR: the client stops sending.
      stream.discard();
      sendHttp2(stream, response);
    },
    destroy: () => stream.reset(ErrorCode.InternalError),
  };
}

const COLON = 0x3a;

/** Bodies of a declared length from 64 KiB to 4 MiB, such as PutRecords batches, are read into reused buffers. */
const bodies = new BodyPool(64 * 1024, 4 * 1024 * 1024, 4);

interface ReadBody {
  body: Buffer;
  /** The pool's buffer holding the body, if it came from the pool. */
  pooled?: Buffer;
}

/**
 * Gathers a request body. One of the `declared` length goes into a buffer from the pool, if it has
 * one of that size; one that outgrows it is collected apart. Past `limit`, `data` answers false
 * and the body resolves undefined; the caller stops reading.
 */
class BodyCollector {
  private pooled: Buffer | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private settled = false;

  constructor(
    private readonly limit: number,
    declared: number,
    private readonly resolve: (body: ReadBody | undefined) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.pooled = bodies.take(declared);
  }

  data(chunk: Buffer): boolean {
    if (this.settled) return false;
    const { pooled, size } = this;
    if (size + chunk.length > this.limit) {
      this.settle();
      this.resolve(undefined);
      return false;
    }
    if (pooled !== undefined && size + chunk.length > pooled.length) {
      this.chunks.push(pooled.subarray(0, size));
      this.pooled = undefined;
    }
    if (this.pooled !== undefined) chunk.copy(this.pooled, size);
    else this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    const { pooled, chunks, size } = this;
    if (pooled !== undefined) this.resolve({ body: pooled.subarray(0, size), pooled });
    else this.resolve({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
  }

  abort(): void {
    if (this.settled) return;
    this.settle();
    this.reject(new Error('The client went away before sending the whole request'));
  }

  private settle(): void {
    this.settled = true;
    if (this.pooled !== undefined) bodies.give(this.pooled);
    this.pooled = undefined;
  }
}

/**
 * The body that `source` hands on, gathered by a BodyCollector; `overflow` tells the carrier to
 * stop keeping what still comes once it passes `limit`.
 */
function collectBody(source: { receive(sink: BodySink): void }, limit: number, declared: number, overflow: () => void): Promise<ReadBody | undefined> {
  return new Promise((resolve, reject) => {
    const collector = new BodyCollector(limit, declared, resolve, reject);
    source.receive({
      data: (chunk) => {
        if (!collector.data(chunk)) overflow();
      },
      end: () => collector.end(),
      abort: () => collector.abort(),
    });
  });
}

function rejectOversized(carrier: Carrier, options: ExchangeOptions, unsent: boolean): void {
  const error = new ServiceError('RequestEntityTooLargeException', `Request body must not be larger than ${options.maxBodyBytes} bytes.`, 413);
  carrier.refuse(protocolError(carrier.headers, error), unsent, options);
}

/** A refused HTTP/1.1 body is read and dropped up to this many times the largest accepted body... */
const DISCARD_FACTOR = 4;
/** ...and for at most this long. */
const DISCARD_TIMEOUT_MS = 10_000;

/** An error from the edge itself, in the body format the request declared (JSON 1.1 when it declared none we know). */
function protocolError(headers: Record<string, string | undefined>, error: ServiceError): EdgeResponse {
  const mediaType = mediaTypeOf(headers['content-type']);
  const codec = codecForMediaType(mediaType);
  return errorResponse(codec ?? json11Codec, codec ? mediaType : JSON_1_1_CONTENT_TYPE, error, responseIdHeaders(randomUUID()));
}

/** A streamed body is destroyed whenever it cannot be delivered, so its producer stops. */
function sendHttp1(exchange: Http1Exchange, response: EdgeResponse, closeConnection: boolean): void {
  const { body } = response;
  if (exchange.finished || exchange.headersSent) return abandon(body);
  const fields: Array<[string, string]> = [];
  for (const name in response.headers) fields.push([name, response.headers[name]]);
  try {
    if (Buffer.isBuffer(body)) exchange.respond(response.statusCode, fields, body, closeConnection, response.recycleBody);
    else exchange.respondStreamed(response.statusCode, fields, body, closeConnection);
  } catch (error) {
    abandon(body);
    throw error;
  }
}

/** Connection-specific fields, which HTTP/2 forbids (RFC 9113 §8.2.2). */
const HTTP1_ONLY = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
/** Handlers use a handful of header names: each is lower-cased and looked up once. */
const http1OnlyByName = new Map<string, boolean>();

function http1Only(name: string): boolean {
  let forbidden = http1OnlyByName.get(name);
  if (forbidden === undefined) {
    forbidden = HTTP1_ONLY.has(name.toLowerCase());
    if (http1OnlyByName.size < 256) http1OnlyByName.set(name, forbidden);
  }
  return forbidden;
}

function sendHttp2(stream: Http2ServerStream, response: EdgeResponse): void {
  const { body } = response;
  if (stream.closed || stream.headersSent) return abandon(body);
  // A date on every answer, as AWS and Node's HTTP/1.1 server send (SDKs correct clock skew by it).
  const fields: Array<[string, string]> = [['date', httpDate()]];
  for (const name in response.headers) {
    if (!http1Only(name)) fields.push([name, response.headers[name]]);
  }
  if (Buffer.isBuffer(body)) {
    fields.push(['content-length', String(body.length)]);
    // The memory may be reused once every byte went to the socket.
    stream.respond(response.statusCode, fields, body, response.recycleBody);
    return;
  }
  stream.respond(response.statusCode, fields, undefined);
  body.on('data', (data: Buffer | string) => {
    if (stream.write(typeof data === 'string' ? Buffer.from(data) : data)) return;
    body.pause();
    stream.onDrain(() => body.resume());
  });
  body.on('end', () => stream.end());
  body.on('error', () => stream.reset(ErrorCode.InternalError));
  stream.onClose(() => body.destroy());
}

function abandon(body: Buffer | Readable): void {
  if (!Buffer.isBuffer(body)) body.destroy();
}
