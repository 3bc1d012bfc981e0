import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { BodyRelay, type BodySink } from '../body-relay';
import { httpDate } from '../http-date';

export interface Http1ConnectionOptions {
  /** A connection with no request in progress for this long is closed. */
  idleTimeoutMs: number;
  /** A request head must arrive whole within this long of its first byte (408 otherwise). */
  headersTimeoutMs: number;
  /** A request must arrive whole, body included, within this long of its first byte. */
  requestTimeoutMs: number;
  /** The largest request head accepted (431 otherwise). */
  maxHeaderBytes: number;
  onRequest: (exchange: Http1Exchange) => void;
  /** Told about a failure of the server's own (the connection is closed, the process goes on). */
  onError?: (error: Error) => void;
}


/** A request head or body this server will not read: answered with `status`, then the connection closes. */
class RequestError extends Error {
  constructor(readonly status: number) {
    super(STATUS_CODES[status]);
  }
}

const CR = 0x0d;
const LF = 0x0a;
const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
/** RFC 9110 §5.6.2 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Field values: visible characters, spaces, tabs and obs-text; no other control character. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const REQUEST_TARGET = /^[\x21-\x7e]+$/;
/** Of a repeated field these keep the first value, as Node's HTTP server does. */
const SINGLE_VALUED = new Set(['authorization', 'content-type', 'host', 'user-agent', 'referer', 'from', 'max-forwards', 'proxy-authorization', 'age', 'expires', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'retry-after', 'server', 'etag']);
const MAX_CHUNK_LINE_BYTES = 1024;
/** Pipelined bytes held while a request is served; past this the socket is paused. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

type BodyState =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'chunked'; phase: 'size' | 'data' | 'data-end' | 'trailers'; left: number };

/**
 * One request on an HTTP/1.1 connection and its answer. The body goes to the sink given to
 * `receive`; the answer is written with `respond` (a Buffer) or `respondStreamed` (chunked).
 */
export class Http1Exchange {
  /** Set once the answer's head was written. */
  headersSent = false;
  finished = false;
  private readonly body = new BodyRelay();

  constructor(
    readonly method: string,
    readonly target: string,
    readonly version: '1.0' | '1.1',
    readonly headers: Record<string, string | undefined>,
    readonly keepAlive: boolean,
    private readonly connection: Http1Connection,
  ) {}

  /** Starts delivering the body (what came before is delivered at once). */
  receive(sink: BodySink): void {
    this.body.attach(sink);
  }

  /** The body is read and dropped: the answer was given before it arrived. */
  get discarding(): boolean {
    return this.body.dropping;
  }

  get discarded(): number {
    return this.body.dropped;
  }

  /**
   * Drops the rest of the body, up to `limit` octets and for `timeoutMs` at most; past either
   * the connection is closed.
   */
  discard(limit: number, timeoutMs?: number): void {
    this.body.drop();
    this.connection.discardFor(limit, timeoutMs);
  }

  /** `100 Continue`, for a client that waits for it before sending its body. */
  sendContinue(): void {
    if (!this.headersSent) this.connection.writeRaw(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1'));
  }

  /**
   * The answer. `fields` are validated before anything is written (a bad one throws). With
   * `close`, the connection ends after it. `onWritten` runs once every byte went to the socket.
   */
  respond(status: number, fields: ReadonlyArray<readonly [string, string]>, body: Buffer, close: boolean, onWritten?: () => void): void {
    if (this.finished || this.headersSent) return;
    const keepAlive = this.keepAlive && !close;
    const head = this.head(status, fields, keepAlive, `content-length: ${body.length}\r\n`);
    this.headersSent = true;
    const sendBody = this.method !== 'HEAD' && body.length > 0;
    this.connection.finishExchange(this, keepAlive, head, sendBody ? body : undefined, onWritten);
  }

  /** An answer whose body is read from `body` as it comes: chunked on HTTP/1.1, until close on 1.0. */
  respondStreamed(status: number, fields: ReadonlyArray<readonly [string, string]>, body: Readable, close: boolean): void {
    if (this.finished || this.headersSent) {
      body.destroy();
      return;
    }
    const chunked = this.version === '1.1';
    const keepAlive = this.keepAlive && !close && chunked;
    const head = this.head(status, fields, keepAlive, chunked ? 'transfer-encoding: chunked\r\n' : '');
    this.headersSent = true;
    this.connection.streamExchange(this, keepAlive, head, body, chunked);
  }

  /** Cuts the exchange short: the connection is closed. */
  destroy(): void {
    this.connection.destroy();
  }

  /** @internal */
  deliver(chunk: Buffer): void {
    this.body.data(chunk);
  }

  /** @internal */
  bodyEnded(): void {
    this.body.end();
  }

  /** @internal the connection died before the body ended */
  abort(): void {
    this.body.abort();
  }

  get bodyComplete(): boolean {
    return this.body.complete;
  }

  private head(status: number, fields: ReadonlyArray<readonly [string, string]>, keepAlive: boolean, framing: string): string {
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    for (const [name, value] of fields) {
      if (!TOKEN.test(name)) throw invalidHeader('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${name}"]`);
      if (!FIELD_VALUE.test(value)) throw invalidHeader('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`);
      head += `${name}: ${value}\r\n`;
    }
    head += `date: ${httpDate()}\r\n${framing}`;
    if (!keepAlive) head += 'connection: close\r\n';
    else if (this.version === '1.0') head += 'connection: keep-alive\r\n';
    else head += `keep-alive: timeout=${Math.floor(this.connection.idleTimeoutMs / 1000)}\r\n`;
    return `${head}\r\n`;
  }
}

/**
 * The server side of one HTTP/1.1 (or 1.0) connection: request heads and bodies (content-length
 * or chunked) parsed from the socket's bytes, one exchange at a time, keep-alive and pipelining.
 * Node's own server builds a request and a response object around every exchange; this costs a
 * third less per small request. The parser is strict: anything ambiguous (both Content-Length and
 * Transfer-Encoding, repeated or malformed lengths, folded lines, bare LF, control characters) is
 * answered 400 and the connection closed, so no two readers of the same bytes can disagree about
 * where a request ends.
 */
export class Http1Connection {
  private input: Buffer | undefined;
  private exchange: Http1Exchange | undefined;
  private body: BodyState = { kind: 'none' };
  /** A request head has begun arriving (its timers run). */
  private requestStarted = false;
  private headTimer: NodeJS.Timeout | undefined;
  private requestTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private closing = false;
  private paused = false;
  /** A discarding exchange's limits. */
  private discardLimit = Infinity;
  private discardTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: Http1ConnectionOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.onClose());
    socket.on('end', () => this.onEnd());
    socket.setTimeout(options.idleTimeoutMs, () => this.onIdle());
    socket.resume();
  }

  get idleTimeoutMs(): number {
    return this.options.idleTimeoutMs;
  }

  /** Idle: no exchange in progress and no request begun. */
  get idle(): boolean {
    return this.exchange === undefined && !this.requestStarted;
  }

  /** Closes now if idle, otherwise after the exchange in progress. */
  close(): void {
    this.closing = true;
    if (this.idle) this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearTimers();
    this.exchange?.abort();
    this.socket.destroy();
  }

  /** @internal */
  discardFor(limit: number, timeoutMs: number | undefined): void {
    this.discardLimit = limit;
    clearTimeout(this.discardTimer);
    this.discardTimer = timeoutMs === undefined ? undefined : setTimeout(() => this.destroy(), timeoutMs);
  }

  /** @internal */
  writeRaw(data: Buffer): void {
    if (!this.closed) this.socket.write(data);
  }

  /** @internal the answer to `exchange`, whole */
  finishExchange(exchange: Http1Exchange, keepAlive: boolean, head: string, body: Buffer | undefined, onWritten: (() => void) | undefined): void {
    if (this.closed) return;
    const headBytes = Buffer.byteLength(head, 'latin1');
    const callback = onWritten === undefined ? undefined : (error?: Error | null) => (error ? undefined : onWritten());
    if (body === undefined || body.length <= INLINE_BODY_BYTES) {
      // Head and body in one buffer: one write.
      const out = Buffer.allocUnsafe(headBytes + (body?.length ?? 0));
      out.write(head, 0, 'latin1');
      body?.copy(out, headBytes);
      this.socket.write(out, callback);
    } else {
      this.socket.cork();
      this.socket.write(Buffer.from(head, 'latin1'));
      this.socket.write(body, callback);
      this.socket.uncork();
    }
    this.exchangeDone(exchange, keepAlive);
  }

  /** @internal the answer to `exchange`, its body streamed */
  streamExchange(exchange: Http1Exchange, keepAlive: boolean, head: string, body: Readable, chunked: boolean): void {
    if (this.closed) {
      body.destroy();
      return;
    }
    this.socket.write(Buffer.from(head, 'latin1'));
    const onClose = () => body.destroy();
    this.socket.once('close', onClose);
    body.on('data', (data: Buffer | string) => {
      if (this.closed) return;
      const chunk = typeof data === 'string' ? Buffer.from(data) : data;
      const written = chunked ? this.socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, CRLF])) : this.socket.write(chunk);
      if (!written) {
        body.pause();
        this.socket.once('drain', () => body.resume());
      }
    });
    body.on('end', () => {
      this.socket.off('close', onClose);
      if (this.closed) return;
      if (chunked) this.socket.write(Buffer.from('0\r\n\r\n', 'latin1'));
      this.exchangeDone(exchange, keepAlive);
    });
    body.on('error', () => this.destroy());
  }

  private exchangeDone(exchange: Http1Exchange, keepAlive: boolean): void {
    exchange.finished = true;
    if (!keepAlive || this.closing) {
      this.closeAfterBody(exchange);
      return;
    }
    if (!exchange.bodyComplete) {
      // Answered before its body arrived (a refusal): the body is read and dropped first.
      if (!exchange.discarding) exchange.discard(Infinity);
      return;
    }
    this.next();
  }

  /** Ends the connection once what was written has gone; a body still arriving is not waited for. */
  private closeAfterBody(exchange: Http1Exchange): void {
    this.clearTimers();
    exchange.abort();
    this.closed = true;
    this.socket.end();
    // A client that keeps the connection open after our FIN is cut off.
    setTimeout(() => this.socket.destroy(), this.options.idleTimeoutMs).unref();
  }

  /** The exchange is over: the next pipelined request, if any, is read. */
  private next(): void {
    this.exchange = undefined;
    this.body = { kind: 'none' };
    this.discardLimit = Infinity;
    if (this.paused) {
      this.paused = false;
      this.socket.resume();
    }
    if (this.closing) {
      this.destroy();
      return;
    }
    const input = this.input;
    this.input = undefined;
    if (input !== undefined && input.length > 0) this.onData(input);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let input = this.input === undefined ? chunk : Buffer.concat([this.input, chunk]);
    this.input = undefined;
    try {
      while (input.length > 0 && !this.closed) {
        if (this.exchange === undefined) {
          const used = this.readHead(input);
          if (used === 0) break;
          input = input.subarray(used);
          continue;
        }
        if (this.body.kind === 'none') break;
        const used = this.readBody(input);
        input = input.subarray(used);
        if (used === 0) break;
      }
    } catch (error) {
      if (error instanceof RequestError) return this.reject(error.status);
      // A fault of this server's, not the client's: it costs this connection only.
      this.options.onError?.(error as Error);
      this.destroy();
      return;
    }
    if (this.closed || input.length === 0) return;
    this.input = input;
    if (input.length > MAX_BUFFERED_BYTES && this.exchange !== undefined && this.body.kind === 'none' && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Parses a request head at the start of `input`; returns the bytes used (0: not whole yet). */
  private readHead(input: Buffer): number {
    // Empty lines before a request line are ignored (RFC 9112 §2.2).
    let start = 0;
    while (start + 1 < input.length && input[start] === CR && input[start + 1] === LF) start += 2;
    if (start === input.length) return start;
    if (!this.requestStarted) this.startRequest();
    const end = input.indexOf(HEAD_END, start);
    if (end < 0) {
      if (input.length - start > this.options.maxHeaderBytes) throw new RequestError(431);
      if (start > 0) return start;
      return 0;
    }
    if (end - start > this.options.maxHeaderBytes) throw new RequestError(431);
    const head = input.toString('latin1', start, end);
    clearTimeout(this.headTimer);
    this.headTimer = undefined;
    this.beginExchange(head);
    return end + HEAD_END.length;
  }

  private beginExchange(head: string): void {
    const lines = head.split('\r\n');
    const requestLine = lines[0];
    const firstSpace = requestLine.indexOf(' ');
    const lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace === firstSpace) throw new RequestError(400);
    const method = requestLine.slice(0, firstSpace);
    const target = requestLine.slice(firstSpace + 1, lastSpace);
    const protocol = requestLine.slice(lastSpace + 1);
    if (!TOKEN.test(method) || !REQUEST_TARGET.test(target)) throw new RequestError(400);
    if (protocol !== 'HTTP/1.1' && protocol !== 'HTTP/1.0') throw new RequestError(protocol.startsWith('HTTP/') ? 505 : 400);
    const version = protocol === 'HTTP/1.1' ? '1.1' : '1.0';
    const headers: Record<string, string | undefined> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(':');
      // No folded lines, no space before the colon, no bare LF or CR inside.
      if (colon <= 0) throw new RequestError(400);
      const name = line.slice(0, colon).toLowerCase();
      if (!TOKEN.test(name)) throw new RequestError(400);
      const value = line.slice(colon + 1).trim();
      if (!FIELD_VALUE.test(value)) throw new RequestError(400);
      const earlier = headers[name];
      if (earlier === undefined) headers[name] = value;
      else if (name === 'content-length' || name === 'transfer-encoding') throw new RequestError(400);
      else if (!SINGLE_VALUED.has(name)) headers[name] = `${earlier}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
    if (version === '1.1' && headers.host === undefined) throw new RequestError(400);
    const transferEncoding = headers['transfer-encoding'];
    const contentLength = headers['content-length'];
    if (transferEncoding !== undefined) {
      // Only "chunked", only on 1.1, and never with a length: the framing must be unambiguous.
      if (version === '1.0' || contentLength !== undefined || transferEncoding.toLowerCase() !== 'chunked') throw new RequestError(400);
      this.body = { kind: 'chunked', phase: 'size', left: 0 };
    } else if (contentLength !== undefined) {
      if (!/^\d{1,15}$/.test(contentLength)) throw new RequestError(400);
      const length = Number(contentLength);
      this.body = length > 0 ? { kind: 'length', left: length } : { kind: 'none' };
    } else {
      this.body = { kind: 'none' };
    }
    const connection = headers.connection?.toLowerCase() ?? '';
    const keepAlive = version === '1.1' ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
    const exchange = new Http1Exchange(method, target, version, headers, keepAlive, this);
    this.exchange = exchange;
    if (this.body.kind === 'none') this.requestDone(exchange);
    this.options.onRequest(exchange);
  }

  /** Reads body bytes at the start of `input`; returns the bytes used. */
  private readBody(input: Buffer): number {
    const exchange = this.exchange as Http1Exchange;
    const body = this.body;
    if (body.kind === 'length') {
      const take = Math.min(body.left, input.length);
      body.left -= take;
      this.deliver(exchange, input.subarray(0, take));
      if (body.left === 0) this.bodyDone(exchange);
      return take;
    }
    if (body.kind !== 'chunked') return 0;
    switch (body.phase) {
      case 'size': {
        const lineEnd = input.indexOf(CRLF);
        if (lineEnd < 0) {
          if (input.length > MAX_CHUNK_LINE_BYTES) throw new RequestError(400);
          return 0;
        }
        const line = input.toString('latin1', 0, lineEnd);
        const size = line.split(';')[0].trim();
        if (!/^[0-9a-fA-F]{1,12}$/.test(size) || /[\r\n]/.test(line)) throw new RequestError(400);
        body.left = parseInt(size, 16);
        body.phase = body.left === 0 ? 'trailers' : 'data';
        return lineEnd + 2;
      }
      case 'data': {
        const take = Math.min(body.left, input.length);
        body.left -= take;
        this.deliver(exchange, input.subarray(0, take));
        if (body.left === 0) body.phase = 'data-end';
        return take;
      }
      case 'data-end': {
        if (input.length < 2) return 0;
        if (input[0] !== CR || input[1] !== LF) throw new RequestError(400);
        body.phase = 'size';
        return 2;
      }
      case 'trailers': {
        // Trailer fields are read and ignored, up to the empty line that ends them.
        const lineEnd = input.indexOf(CRLF);
        if (lineEnd < 0) {
          if (input.length > this.options.maxHeaderBytes) throw new RequestError(431);
          return 0;
        }
        if (lineEnd === 0) this.bodyDone(exchange);
        return lineEnd + 2;
      }
    }
  }

  private deliver(exchange: Http1Exchange, chunk: Buffer): void {
    if (chunk.length === 0) return;
    exchange.deliver(chunk);
    if (exchange.discarding && exchange.discarded > this.discardLimit) this.destroy();
  }

  private bodyDone(exchange: Http1Exchange): void {
    this.body = { kind: 'none' };
    this.requestDone(exchange);
    // The answer went out before the body had all arrived: the connection moves on now.
    if (exchange.finished && !this.closed) this.next();
  }

  private requestDone(exchange: Http1Exchange): void {
    this.requestStarted = false;
    this.clearTimers();
    if (exchange.bodyComplete) return;
    exchange.bodyEnded();
  }

  private startRequest(): void {
    this.requestStarted = true;
    this.headTimer = setTimeout(() => this.reject(408), this.options.headersTimeoutMs);
    this.requestTimer = setTimeout(() => this.reject(408), this.options.requestTimeoutMs);
  }

  private clearTimers(): void {
    clearTimeout(this.headTimer);
    clearTimeout(this.requestTimer);
    clearTimeout(this.discardTimer);
    this.headTimer = undefined;
    this.requestTimer = undefined;
    this.discardTimer = undefined;
  }

  /** An answer with no body for a request this server will not serve; then the connection closes. */
  private reject(status: number): void {
    if (this.closed) return;
    const exchange = this.exchange;
    if (exchange !== undefined && exchange.headersSent) {
      this.destroy();
      return;
    }
    this.clearTimers();
    exchange?.abort();
    this.closed = true;
    this.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, 'latin1');
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onIdle(): void {
    // A request in progress is bounded by its own timers; a kept-alive connection by this one.
    if (this.idle) this.destroy();
  }

  private onEnd(): void {
    // The client will send nothing more: what is in progress is answered, then the connection ends.
    if (this.idle) this.destroy();
    else this.closing = true;
  }

  private onClose(): void {
    this.closed = true;
    this.clearTimers();
    this.exchange?.abort();
  }
}

/** Answers with a body up to this size go out in one buffer with their head. */
const INLINE_BODY_BYTES = 64 * 1024;

/** An answer's header Node's own server would refuse, with the same code. */
function invalidHeader(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}
