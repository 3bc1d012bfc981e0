import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as http2Constants, Http2ServerResponse, type Http2ServerRequest } from 'node:http2';
import { asError } from './as-error';
import { BodyPool } from './body-pool';
import { errorResponse, responseIdHeaders } from './aws-response';
import { codecForMediaType, JSON_1_1_CONTENT_TYPE, mediaTypeOf } from './content-type';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge-types';
import { json11Codec } from './json-1-1.codec';
import { ServiceError } from './service-error';

export type ServerRequest = IncomingMessage | Http2ServerRequest;
export type AnyServerResponse = ServerResponse | Http2ServerResponse;

export interface ExchangeOptions {
  handler: EdgeHandler;
  maxBodyBytes: number;
  onError?: (error: Error) => void;
  /** True once the server is shutting down: HTTP/1.1 responses then close their connection. */
  closing: () => boolean;
}

/**
 * Serves one request on any of the edge's servers (HTTP/1.1, h2c, TLS): collects the body up to
 * `maxBodyBytes`, calls the handler and writes its response. A body declared or found to be too
 * large is answered 413 at once: HTTP/2 resets just that stream with NO_ERROR after the response
 * (RFC 9113 §8.1); HTTP/1.1 reads and drops the rest of the body within bounds (see
 * `discardRest`). A client that goes away mid-request is forgotten; a handler that throws gets a
 * 500 InternalFailure.
 */
export async function serveExchange(req: ServerRequest, res: AnyServerResponse, options: ExchangeOptions): Promise<void> {
  const headers = requestHeaders(req);
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > options.maxBodyBytes) return rejectOversized(req, res, headers, options, false);
  let read: ReadBody | undefined;
  try {
    read = await readBody(req, options.maxBodyBytes, declared);
  } catch {
    return;
  }
  if (read === undefined) return rejectOversized(req, res, headers, options, false);
  const { body, pooled } = read;
  let recycled = false;
  const request: EdgeRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers,
    body,
    remoteAddress: req.socket?.remoteAddress,
    httpVersion: req.httpVersion,
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
  writeResponse(res, response, options.closing());
}

/** For `Expect: 100-continue`: refuse an oversized body before the client sends it, and close the connection. */
export async function continueOrReject(req: ServerRequest, res: AnyServerResponse, options: ExchangeOptions): Promise<void> {
  const headers = requestHeaders(req);
  if (Number(headers['content-length'] ?? 0) > options.maxBodyBytes) return rejectOversized(req, res, headers, options, true);
  res.writeContinue();
  return serveExchange(req, res, options);
}

function requestHeaders(req: ServerRequest): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') && name !== ':authority') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  if (headers.host === undefined) headers.host = headers[':authority'];
  return headers;
}

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
function readBody(req: ServerRequest, limit: number, declared: number): Promise<ReadBody | undefined> {
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

function rejectOversized(req: ServerRequest, res: AnyServerResponse, headers: Record<string, string | undefined>, options: ExchangeOptions, unsent: boolean): void {
  const error = new ServiceError('RequestEntityTooLargeException', `Request body must not be larger than ${options.maxBodyBytes} bytes.`, 413);
  req.on('error', () => undefined);
  if (res instanceof Http2ServerResponse) {
    res.on('finish', () => res.stream.close(http2Constants.NGHTTP2_NO_ERROR));
    writeResponse(res, protocolError(headers, error), false);
  } else {
    const discarding = !unsent && discardRest(req as IncomingMessage, DISCARD_FACTOR * options.maxBodyBytes);
    writeResponse(res, protocolError(headers, error), !discarding || options.closing());
  }
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
function writeResponse(res: AnyServerResponse, response: EdgeResponse, closeConnection: boolean): void {
  const { body } = response;
  if (res.destroyed || res.headersSent) {
    if (!Buffer.isBuffer(body)) body.destroy();
    return;
  }
  const headers: Record<string, string> = { ...response.headers };
  if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
  if (closeConnection && !(res instanceof Http2ServerResponse)) headers.connection = 'close';
  try {
    res.writeHead(response.statusCode, headers);
  } catch (error) {
    if (!Buffer.isBuffer(body)) body.destroy();
    throw error;
  }
  if (Buffer.isBuffer(body)) {
    // 'finish': every byte went to the connection (the kernel, or nghttp2 for HTTP/2, which sends
    // straight from this memory and completes the write only once it went to the socket).
    if (response.recycleBody !== undefined) res.once('finish', response.recycleBody);
    res.end(body);
    return;
  }
  body.on('error', () => res.destroy());
  res.on('close', () => body.destroy());
  body.pipe(res as NodeJS.WritableStream);
}
