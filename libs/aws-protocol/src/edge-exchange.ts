import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { constants as http2Constants, type ServerHttp2Stream } from 'node:http2';
import type { Readable, Writable } from 'node:stream';
import { asError } from './as-error';
import { BodyPool } from './body-pool';
import { errorResponse, responseIdHeaders } from './aws-response';
import { codecForMediaType, JSON_1_1_CONTENT_TYPE, mediaTypeOf } from './content-type';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge-types';
import { json11Codec } from './json-1-1.codec';
import { ServiceError } from './service-error';

const { HTTP2_HEADER_AUTHORITY, HTTP2_HEADER_CONTENT_LENGTH, HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_STATUS, HTTP_STATUS_CONTINUE, NGHTTP2_NO_ERROR } = http2Constants;

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
  /** The request body: a Readable that ends, or closes early if the client goes away. */
  readonly source: Readable;
  send(response: EdgeResponse, closeConnection: boolean): void;
  /** Answers 413 to a body larger than the limit; `unsent` when the client has not sent it yet (100-continue). */
  refuse(response: EdgeResponse, unsent: boolean, options: ExchangeOptions): void;
  /** Cuts the exchange short, after a response that could not be written. */
  destroy(): void;
}

/**
 * Serves one HTTP/1.1 request (cleartext or TLS). With `expectsContinue`, the request asked for
 * `100 Continue`.
 */
export function serveHttp1(req: IncomingMessage, res: ServerResponse, options: ExchangeOptions, expectsContinue = false): void {
  serveCarried(http1Carrier(req, res), options, expectsContinue ? () => res.writeContinue() : undefined);
}

/**
 * Serves one HTTP/2 stream (h2c or TLS) through Node's stream API: its compatibility layer's
 * request and response objects, and the empty trailers frame it ends every response with, cost
 * ~45–60 µs per request.
 */
export function serveHttp2(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, options: ExchangeOptions): void {
  const carrier = http2Carrier(stream, headers);
  const expectsContinue = carrier.headers.expect?.toLowerCase() === '100-continue';
  serveCarried(carrier, options, expectsContinue ? () => stream.additionalHeaders({ [HTTP2_HEADER_STATUS]: HTTP_STATUS_CONTINUE }) : undefined);
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
 * HTTP/1.1 reads and drops the rest of the body within bounds (see `discardRest`). A client that
 * goes away mid-request is forgotten; a handler that throws gets a 500 InternalFailure.
 */
async function serveExchange(carrier: Carrier, options: ExchangeOptions): Promise<void> {
  const { headers } = carrier;
  const declared = declaredLength(headers);
  if (declared > options.maxBodyBytes) return rejectOversized(carrier, options, false);
  let read: ReadBody | undefined;
  try {
    read = await readBody(carrier.source, options.maxBodyBytes, declared);
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

function http1Carrier(req: IncomingMessage, res: ServerResponse): Carrier {
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: requestHeaders(req.headers),
    httpVersion: req.httpVersion,
    source: req,
    send: (response, closeConnection) => sendHttp1(res, response, closeConnection),
    refuse: (response, unsent, options) => {
      const discarding = !unsent && discardRest(req, DISCARD_FACTOR * options.maxBodyBytes);
      sendHttp1(res, response, !discarding || options.closing());
    },
    destroy: () => res.destroy(),
  };
}

function http2Carrier(stream: ServerHttp2Stream, raw: IncomingHttpHeaders): Carrier {
  const method = (raw[HTTP2_HEADER_METHOD] as string | undefined) ?? 'GET';
  const path = (raw[HTTP2_HEADER_PATH] as string | undefined) ?? '/';
  return {
    method,
    path,
    headers: requestHeaders(raw),
    httpVersion: '2.0',
    source: stream,
    send: (response) => sendHttp2(stream, response),
    refuse: (response) => {
      stream.once('finish', () => stream.close(NGHTTP2_NO_ERROR));
      sendHttp2(stream, response);
    },
    destroy: () => stream.destroy(),
  };
}

/**
 * The request's headers as handlers see them (lower-case names; of HTTP/2's pseudo-headers only
 * `:authority`, also given as `host` if the client sent none), made in place from the object Node
 * built for this request alone: a copy cost ~5 µs per HTTP/2 request.
 */
function requestHeaders(raw: IncomingHttpHeaders): Record<string, string | undefined> {
  for (const name in raw) {
    const value = raw[name];
    if (name.charCodeAt(0) === COLON) {
      if (name !== HTTP2_HEADER_AUTHORITY) delete raw[name];
    } else if (Array.isArray(value)) {
      raw[name] = value.join(',');
    }
  }
  raw.host ??= raw[HTTP2_HEADER_AUTHORITY] as string | undefined;
  return raw as Record<string, string | undefined>;
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
 * The body, or undefined as soon as it passes `limit` (the rest is left unread). Rejects if the
 * client goes away. A body of the `declared` length goes into a buffer from the pool, if it has
 * one of that size; one that outgrows it is collected apart.
 */
function readBody(req: Readable, limit: number, declared: number): Promise<ReadBody | undefined> {
  return new Promise((resolve, reject) => {
    let pooled = bodies.take(declared);
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        settle();
        req.pause();
        if (pooled !== undefined) bodies.give(pooled);
        resolve(undefined);
        return;
      }
      if (pooled !== undefined && size + chunk.length > pooled.length) {
        chunks.push(pooled.subarray(0, size));
        pooled = undefined;
      }
      if (pooled !== undefined) chunk.copy(pooled, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      settle();
      if (pooled !== undefined) resolve({ body: pooled.subarray(0, size), pooled });
      else resolve({ body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size) });
    };
    const onClose = () => {
      settle();
      if (pooled !== undefined) bodies.give(pooled);
      reject(new Error('The client went away before sending the whole request'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', () => undefined);
  });
}

function rejectOversized(carrier: Carrier, options: ExchangeOptions, unsent: boolean): void {
  const error = new ServiceError('RequestEntityTooLargeException', `Request body must not be larger than ${options.maxBodyBytes} bytes.`, 413);
  carrier.source.on('error', () => undefined);
  carrier.refuse(protocolError(carrier.headers, error), unsent, options);
}

/** A refused HTTP/1.1 body is read and dropped up to this many times the largest accepted body... */
const DISCARD_FACTOR = 4;
/** ...and for at most this long. */
const DISCARD_TIMEOUT_MS = 10_000;

/**
 * Reads and drops the rest of a refused HTTP/1.1 body, so that a client still sending it reads
 * the 413 rather than a reset: a socket closed with unread data makes the kernel answer RST, and
 * an RST throws away whatever the client had not read yet. The connection is then kept for the
 * next request. A body declared larger than `limit` is not read at all (false: the caller closes
 * the connection); one that turns out larger, or is unfinished after DISCARD_TIMEOUT_MS, costs
 * its connection.
 */
function discardRest(req: IncomingMessage, limit: number): boolean {
  if (Number(req.headers['content-length'] ?? 0) > limit) return false;
  let discarded = 0;
  const { socket } = req;
  const timer = setTimeout(() => socket.destroy(), DISCARD_TIMEOUT_MS);
  // A request whose answer has been written is no longer told when its socket closes.
  const done = () => {
    clearTimeout(timer);
    socket.off('close', done);
  };
  req.on('end', done);
  socket.on('close', done);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) socket.destroy();
  });
  req.resume();
  return true;
}

/** An error from the edge itself, in the body format the request declared (JSON 1.1 when it declared none we know). */
function protocolError(headers: Record<string, string | undefined>, error: ServiceError): EdgeResponse {
  const mediaType = mediaTypeOf(headers['content-type']);
  const codec = codecForMediaType(mediaType);
  return errorResponse(codec ?? json11Codec, codec ? mediaType : JSON_1_1_CONTENT_TYPE, error, responseIdHeaders(randomUUID()));
}

/** A streamed body is destroyed whenever it cannot be delivered, so its producer stops. */
function sendHttp1(res: ServerResponse, response: EdgeResponse, closeConnection: boolean): void {
  const { body } = response;
  if (res.destroyed || res.headersSent) return abandon(body);
  // Names and values in one flat list: as an object, the same headers cost ~10 µs more per answer.
  const headers: string[] = [];
  for (const name in response.headers) headers.push(name, response.headers[name]);
  if (Buffer.isBuffer(body)) headers.push('content-length', String(body.length));
  if (closeConnection) headers.push('connection', 'close');
  try {
    res.writeHead(response.statusCode, headers);
  } catch (error) {
    abandon(body);
    throw error;
  }
  if (Buffer.isBuffer(body)) {
    // 'finish': every byte went to the kernel.
    if (response.recycleBody !== undefined) res.once('finish', response.recycleBody);
    res.end(body);
    return;
  }
  pipeBody(body, res);
}

function sendHttp2(stream: ServerHttp2Stream, response: EdgeResponse): void {
  const { body } = response;
  if (stream.destroyed || stream.headersSent) return abandon(body);
  // :status first: with it last, Node's processing of the object cost ~15 µs more per answer.
  const headers: OutgoingHttpHeaders = { [HTTP2_HEADER_STATUS]: response.statusCode, ...response.headers };
  if (Buffer.isBuffer(body)) headers[HTTP2_HEADER_CONTENT_LENGTH] = body.length;
  try {
    stream.respond(headers);
  } catch (error) {
    abandon(body);
    throw error;
  }
  if (Buffer.isBuffer(body)) {
    const { recycleBody } = response;
    if (recycleBody === undefined) {
      stream.end(body);
      return;
    }
    // nghttp2 sends straight from this memory, and the write completes once every byte went to
    // the socket. Ended together with its last write, the stream would close (and be destroyed)
    // before that, failing the write's callback; so it is ended only then, in a frame of its own.
    // A stream reset first fails the write too, and the memory is then left alone.
    stream.write(body, (error) => {
      if (error) return;
      recycleBody();
      stream.end();
    });
    return;
  }
  pipeBody(body, stream);
}

function abandon(body: Buffer | Readable): void {
  if (!Buffer.isBuffer(body)) body.destroy();
}

function pipeBody(body: Readable, to: Writable): void {
  body.on('error', () => to.destroy());
  to.on('close', () => body.destroy());
  body.pipe(to);
}
