import type { Socket } from 'node:net';
import { BodyRelay, type BodySink } from '../body-relay';
import { CompressionError, HpackDecoder, HpackEncoder, type HeaderField } from './hpack';
import {
  CONNECTION_PREFACE,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_WINDOW_BYTES,
  ErrorCode,
  FRAME_HEADER_BYTES,
  FrameFlag,
  FrameType,
  goAwayFrame,
  MAX_WINDOW_BYTES,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
  frame,
} from './http2-frame';

export interface Http2ConnectionOptions {
  /** How much a client may send on one stream before the server has read it. */
  streamWindowBytes: number;
  /** How much a client may send on the connection before the server has read it. */
  connectionWindowBytes: number;
  maxConcurrentStreams: number;
  /** The largest decoded header list accepted (RFC 7541 §4.1 sizes). */
  maxHeaderListBytes: number;
  /** A connection with no open stream and no bytes for this long is closed (GOAWAY first). */
  idleTimeoutMs: number;
  /** Called for every request whose header block arrived whole. */
  onStream: (stream: Http2ServerStream) => void;
  /** Told about a failure of the server's own (the connection is closed, the process goes on). */
  onError?: (error: Error) => void;
}


/** An error that ends the whole connection with GOAWAY. */
class ConnectionError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const enum StreamState {
  Open,
  /** The client sent END_STREAM; the answer may still be going out. */
  HalfClosedRemote,
  Closed,
}

/**
 * One request and its answer on an HTTP/2 connection (RFC 9113 §5.1). The request's body goes to
 * the sink given to `receive`; the answer is written with `respond` and, for a streamed body,
 * `write` and `end`, all within the peer's flow-control windows.
 */
export class Http2ServerStream {
  state = StreamState.Open;
  /** Bytes this side may still send on the stream. */
  sendWindow: number;
  /** Bytes received and read since the last WINDOW_UPDATE for the stream. */
  unacknowledged = 0;
  headersSent = false;
  /** Body data waiting for window or for the socket. */
  private readonly queue: Buffer[] = [];
  private queuedBytes = 0;
  private endQueued = false;
  /** Called with the write's completion once the last queued byte is handed to the socket. */
  private lastWriteCallback: ((error?: Error | null) => void) | undefined;
  private readonly body = new BodyRelay();
  private readonly drainWaiters: Array<() => void> = [];
  private readonly closeWaiters: Array<() => void> = [];
  /** END_STREAM went out, in HEADERS or DATA. */
  endSent = false;
  /** The request's content-length, or -1. */
  declaredLength = -1;
  private received = 0;

  constructor(
    readonly id: number,
    readonly fields: HeaderField[],
    private readonly connection: Http2Connection,
    sendWindow: number,
  ) {
    this.sendWindow = sendWindow;
  }

  get closed(): boolean {
    return this.state === StreamState.Closed;
  }

  /** Starts delivering the request's body (what came before is delivered at once). */
  receive(sink: BodySink): void {
    this.body.attach(sink);
  }

  /** Stops granting the client room for more body: what it sends is counted and dropped. */
  discard(): void {
    this.body.drop();
  }

  get discarding(): boolean {
    return this.body.dropping;
  }

  /** A non-final answer, such as `100 Continue`. */
  inform(status: number): void {
    if (this.closed || this.headersSent) return;
    this.connection.sendHeaders(this, status, [], false);
  }

  /**
   * The answer's head, and its body if it is a Buffer (`body` undefined: a body follows through
   * `write` and `end`). `onWritten` runs once every byte of `body` went to the socket, never if the
   * stream is reset first.
   */
  respond(status: number, fields: ReadonlyArray<readonly [string, string]>, body: Buffer | undefined, onWritten?: () => void): void {
    if (this.closed || this.headersSent) return;
    this.headersSent = true;
    const endNow = body !== undefined && body.length === 0;
    // A small body goes out in the same buffer as the head: one socket write for the answer.
    const inline = body !== undefined && body.length > 0 && body.length <= INLINE_BODY_BYTES && this.connection.windowFor(this) >= body.length;
    this.connection.sendHeaders(this, status, fields, endNow, inline ? body : undefined);
    if (inline || endNow) {
      // The whole answer is in the socket's hands (copied, when inline).
      if (inline) this.sendWindow -= body.length;
      this.endQueued = true;
      this.localEnded();
      onWritten?.();
      return;
    }
    if (body !== undefined) this.enqueue(body, true, onWritten);
  }

  /** Queues body data; false when the caller should wait for `onDrain` before writing more. */
  write(chunk: Buffer): boolean {
    if (this.closed || this.endQueued) return false;
    this.enqueue(chunk, false, undefined);
    return this.queuedBytes === 0 && !this.connection.socketBlocked();
  }

  end(): void {
    if (this.closed || this.endQueued) return;
    this.enqueue(Buffer.alloc(0), true, undefined);
  }

  /** Runs `waiter` once what was written has gone out (flow control and the socket permitting). */
  onDrain(waiter: () => void): void {
    this.drainWaiters.push(waiter);
  }

  onClose(waiter: () => void): void {
    if (this.closed) waiter();
    else this.closeWaiters.push(waiter);
  }

  /** Ends the stream at once with RST_STREAM. */
  reset(code: ErrorCode = ErrorCode.Cancel): void {
    if (this.closed) return;
    this.connection.sendReset(this, code);
    this.close();
  }

  /** @internal body data from the client */
  deliver(chunk: Buffer, endStream: boolean): void {
    if (this.state !== StreamState.Open) return;
    this.received += chunk.length;
    // A body longer or shorter than its content-length makes the request malformed (RFC 9113 §8.1.1).
    if (this.declaredLength >= 0 && (this.received > this.declaredLength || (endStream && this.received !== this.declaredLength))) {
      return this.reset(ErrorCode.ProtocolError);
    }
    if (chunk.length > 0) this.body.data(chunk);
    if (endStream) this.remoteEnded();
  }

  /** @internal */
  remoteEnded(): void {
    if (this.state !== StreamState.Open) return;
    this.state = StreamState.HalfClosedRemote;
    this.body.end();
    if (this.endSent) this.close();
  }

  /**
   * @internal the answer's END_STREAM went out. A refused request whose body the client may still
   * be sending is then reset with NO_ERROR, which tells it to stop (RFC 9113 §8.1).
   */
  localEnded(): void {
    this.endSent = true;
    if (this.state === StreamState.HalfClosedRemote) this.close();
    else if (this.discarding) this.reset(ErrorCode.NoError);
  }

  /** @internal the stream is gone: reset by either side, or both ends finished, or the connection died */
  close(): void {
    if (this.state === StreamState.Closed) return;
    const wasOpen = this.state === StreamState.Open;
    this.state = StreamState.Closed;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.connection.forget(this);
    if (wasOpen) this.body.abort();
    this.drainWaiters.length = 0;
    for (const waiter of this.closeWaiters.splice(0)) waiter();
  }

  private enqueue(chunk: Buffer, last: boolean, onWritten: (() => void) | undefined): void {
    if (chunk.length > 0) {
      this.queue.push(chunk);
      this.queuedBytes += chunk.length;
    }
    if (last) {
      this.endQueued = true;
      if (onWritten !== undefined) this.lastWriteCallback = (error) => (error ? undefined : onWritten());
    }
    this.connection.flush(this);
  }

  /** @internal sends what the windows allow; returns the bytes of window used */
  pump(connectionWindow: number, maxFrame: number, send: (header: Buffer, payload: Buffer | undefined, callback?: (error?: Error | null) => void) => void): number {
    let sent = 0;
    while (this.queue.length > 0) {
      const room = Math.min(this.sendWindow, connectionWindow - sent, maxFrame);
      if (room <= 0) break;
      const head = this.queue[0];
      const take = Math.min(room, head.length);
      const payload = take === head.length ? head : head.subarray(0, take);
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
      this.queuedBytes -= take;
      this.sendWindow -= take;
      sent += take;
      const endStream = this.endQueued && this.queue.length === 0;
      send(dataFrameHeader(this.id, take, endStream), payload, endStream ? this.lastWriteCallback : undefined);
      if (endStream) this.localEnded();
    }
    if (this.queue.length === 0 && this.endQueued && !this.endSent) {
      // An end with no data left to carry it: an empty DATA frame.
      send(dataFrameHeader(this.id, 0, true), undefined, this.lastWriteCallback);
      this.localEnded();
    }
    return sent;
  }

  /** @internal */
  hasQueued(): boolean {
    return this.queue.length > 0 || (this.endQueued && !this.endSent);
  }

  /** @internal after a pump: wakes writers if nothing is left waiting */
  drained(socketBlocked: boolean): void {
    if (this.queuedBytes > 0 || socketBlocked || this.drainWaiters.length === 0) return;
    for (const waiter of this.drainWaiters.splice(0)) waiter();
  }
}

/**
 * The server side of one HTTP/2 connection (RFC 9113), over a socket whose first bytes are the
 * client's connection preface: frames, HPACK, flow control in both directions, PING, RST_STREAM
 * and GOAWAY. Request header values are ordinary strings made from the frame's bytes; Node's own
 * HTTP/2 layer makes each one an external string, which its garbage collections then have to
 * finalize, on both ends of a busy connection.
 */
export class Http2Connection {
  private readonly streams = new Map<number, Http2ServerStream>();
  private readonly decoder: HpackDecoder;
  private readonly encoder = new HpackEncoder();
  private pending: Buffer | undefined;
  private prefaceSeen = false;
  private settingsSeen = false;
  private lastStreamId = 0;
  /** The stream whose header block is still arriving in CONTINUATION frames. */
  private headerBlock: { streamId: number; endStream: boolean; parts: Buffer[]; size: number } | undefined;
  private peerInitialWindow = DEFAULT_WINDOW_BYTES;
  private peerMaxFrame = DEFAULT_MAX_FRAME_BYTES;
  private connectionSendWindow = DEFAULT_WINDOW_BYTES;
  private connectionUnacknowledged = 0;
  /** Streams with data waiting for the connection window. */
  private readonly starved = new Set<Http2ServerStream>();
  private goingAway = false;
  private destroyed = false;
  private corked = false;
  private resetBudget = MAX_RESETS_PER_SECOND;
  private resetBudgetAt = Date.now();
  /** The DATA frame whose data is still arriving: octets left, its stream (undefined: dropped), END_STREAM. */
  private dataLeft = 0;
  private dataStream: Http2ServerStream | undefined;
  private dataEndsStream = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: Http2ConnectionOptions,
  ) {
    this.decoder = new HpackDecoder(4096, options.maxHeaderListBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
    socket.on('drain', () => this.onSocketDrain());
    socket.on('end', () => this.close());
    socket.setTimeout(options.idleTimeoutMs, () => this.onIdle());
    this.write(
      settingsFrame([
        [Setting.MaxConcurrentStreams, options.maxConcurrentStreams],
        [Setting.InitialWindowSize, options.streamWindowBytes],
        [Setting.MaxHeaderListSize, options.maxHeaderListBytes],
      ]),
    );
    if (options.connectionWindowBytes > DEFAULT_WINDOW_BYTES) this.write(windowUpdateFrame(0, options.connectionWindowBytes - DEFAULT_WINDOW_BYTES));
    socket.resume();
  }

  /** Graceful close: no new streams; the socket ends once the open ones have. */
  close(): void {
    if (this.destroyed) return;
    if (!this.goingAway) {
      this.goingAway = true;
      this.write(goAwayFrame(this.lastStreamId, ErrorCode.NoError));
    }
    if (this.streams.size === 0) this.socket.end();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const stream of [...this.streams.values()]) stream.close();
    this.socket.destroy();
  }

  socketBlocked(): boolean {
    return this.socket.writableNeedDrain;
  }

  /** @internal */
  forget(stream: Http2ServerStream): void {
    this.streams.delete(stream.id);
    this.starved.delete(stream);
    if (this.goingAway && this.streams.size === 0 && !this.destroyed) this.socket.end();
  }

  /** @internal */
  /** The room the windows leave for data on `stream` now, at most one frame. */
  windowFor(stream: Http2ServerStream): number {
    return Math.min(stream.sendWindow, this.connectionSendWindow, this.peerMaxFrame);
  }

  /**
   * @internal HEADERS (and CONTINUATION if need be); with `body`, which the caller checked fits
   * the windows and one frame, a DATA frame ending the stream follows in the same buffer.
   */
  sendHeaders(stream: Http2ServerStream, status: number, fields: ReadonlyArray<readonly [string, string]>, endStream: boolean, body?: Buffer): void {
    const bound = HpackEncoder.boundOf(fields);
    const bodyBytes = body === undefined ? 0 : FRAME_HEADER_BYTES + body.length;
    const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bound + bodyBytes);
    const end = this.encoder.encodeInto(out, FRAME_HEADER_BYTES, status, fields);
    const length = end - FRAME_HEADER_BYTES;
    if (length <= this.peerMaxFrame) {
      writeFrameHeader(out, 0, length, FrameType.Headers, FrameFlag.EndHeaders | (endStream ? FrameFlag.EndStream : 0), stream.id);
      if (body === undefined) {
        this.write(out.subarray(0, end));
        return;
      }
      writeFrameHeader(out, end, body.length, FrameType.Data, FrameFlag.EndStream, stream.id);
      body.copy(out, end + FRAME_HEADER_BYTES);
      this.connectionSendWindow -= body.length;
      this.write(out.subarray(0, end + bodyBytes));
      return;
    }
    // A block larger than one frame: HEADERS, then CONTINUATION frames.
    const block = out.subarray(FRAME_HEADER_BYTES, end);
    for (let at = 0; at < block.length; at += this.peerMaxFrame) {
      const part = block.subarray(at, at + this.peerMaxFrame);
      const last = at + this.peerMaxFrame >= block.length;
      const type = at === 0 ? FrameType.Headers : FrameType.Continuation;
      const flags = (last ? FrameFlag.EndHeaders : 0) | (at === 0 && endStream ? FrameFlag.EndStream : 0);
      this.write(frame(type, flags, stream.id, part));
    }
    if (body !== undefined) {
      this.connectionSendWindow -= body.length;
      this.write(frame(FrameType.Data, FrameFlag.EndStream, stream.id, body));
    }
  }

  /** @internal */
  sendReset(stream: Http2ServerStream, code: ErrorCode): void {
    if (!this.destroyed) this.write(rstStreamFrame(stream.id, code));
  }

  /** @internal sends what `stream` has queued, as far as the windows allow */
  flush(stream: Http2ServerStream): void {
    if (this.destroyed || stream.closed) return;
    this.cork();
    const sent = stream.pump(this.connectionSendWindow, this.peerMaxFrame, (header, payload, callback) => {
      if (payload === undefined) {
        this.socket.write(header, callback);
        return;
      }
      if (payload.length <= SMALL_PAYLOAD_BYTES) {
        // One buffer: cheaper than a separate entry in the socket's write vector.
        this.socket.write(Buffer.concat([header, payload], header.length + payload.length), callback);
      } else {
        this.socket.write(header);
        this.socket.write(payload, callback);
      }
    });
    this.connectionSendWindow -= sent;
    if (stream.hasQueued() && !stream.closed) this.starved.add(stream);
    else this.starved.delete(stream);
    stream.drained(this.socket.writableNeedDrain);
  }

  private write(data: Buffer): void {
    if (this.destroyed) return;
    this.cork();
    this.socket.write(data);
  }

  /** Frames written in one turn of the event loop go to the socket together. */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private onSocketDrain(): void {
    for (const stream of [...this.streams.values()]) stream.drained(false);
  }

  private onIdle(): void {
    if (this.streams.size > 0) return;
    if (this.goingAway) {
      this.destroy();
      return;
    }
    this.close();
  }

  private onData(chunk: Buffer): void {
    if (this.destroyed) return;
    // Answers to PINGs and SETTINGS from a client that does not read them, or data it asked for
    // and does not take (its windows bound that), pile up in the socket: it is cut off.
    if (this.socket.writableLength > MAX_UNREAD_BYTES) return this.fail(ErrorCode.EnhanceYourCalm);
    try {
      // A frame begun in an earlier chunk is completed with just the bytes it lacks, so that a
      // large body's frames are not copied again with every chunk.
      let at = 0;
      while (this.pending !== undefined && at < chunk.length) {
        const take = Math.min(this.lacking(this.pending), chunk.length - at);
        const joined = Buffer.concat([this.pending, chunk.subarray(at, at + take)]);
        at += take;
        this.pending = undefined;
        this.consume(joined);
        if (this.destroyed) return;
      }
      if (at < chunk.length) this.consume(at === 0 ? chunk : chunk.subarray(at));
    } catch (error) {
      if (error instanceof ConnectionError) return this.fail(error.code);
      if (error instanceof CompressionError) return this.fail(ErrorCode.CompressionError);
      // A fault of this server's, not the client's: it costs this connection only.
      this.options.onError?.(error as Error);
      this.fail(ErrorCode.InternalError);
    }
  }

  /** How many more bytes the preface or the frame begun in `partial` needs. */
  private lacking(partial: Buffer): number {
    if (!this.prefaceSeen) return CONNECTION_PREFACE.length - partial.length;
    if (partial.length < FRAME_HEADER_BYTES) return FRAME_HEADER_BYTES - partial.length;
    const length = (partial[0] << 16) | (partial[1] << 8) | partial[2];
    return Math.max(1, FRAME_HEADER_BYTES + length - partial.length);
  }

  /** Handles every whole frame in `input`; keeps an incomplete one for the next chunk. */
  private consume(input: Buffer): void {
    let at = 0;
    if (!this.prefaceSeen) {
      if (input.length < CONNECTION_PREFACE.length) {
        this.pending = input;
        return;
      }
      if (!input.subarray(0, CONNECTION_PREFACE.length).equals(CONNECTION_PREFACE)) throw new ConnectionError(ErrorCode.ProtocolError, 'No connection preface');
      this.prefaceSeen = true;
      at = CONNECTION_PREFACE.length;
    }
    while (at < input.length) {
      if (this.dataLeft > 0) {
        // The rest of a DATA frame begun in an earlier chunk.
        const take = Math.min(this.dataLeft, input.length - at);
        this.dataPiece(input.subarray(at, at + take));
        at += take;
        continue;
      }
      if (input.length - at < FRAME_HEADER_BYTES) break;
      const length = (input[at] << 16) | (input[at + 1] << 8) | input[at + 2];
      if (length > DEFAULT_MAX_FRAME_BYTES) throw new ConnectionError(ErrorCode.FrameSizeError, `A frame of ${length} octets`);
      const type = input[at + 3];
      const flags = input[at + 4];
      const streamId = input.readUInt32BE(at + 5) & 0x7fffffff;
      if (input.length - at < FRAME_HEADER_BYTES + length) {
        // An unpadded DATA frame is handed on piece by piece; any other frame waits to be whole.
        if (type !== FrameType.Data || (flags & FrameFlag.Padded) !== 0 || this.headerBlock !== undefined || !this.settingsSeen) break;
        this.beginData(flags, streamId, length, length);
        if (this.destroyed) return;
        at += FRAME_HEADER_BYTES;
        continue;
      }
      const payload = input.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
      at += FRAME_HEADER_BYTES + length;
      this.onFrame(type, flags, streamId, payload);
      if (this.destroyed) return;
    }
    if (at < input.length) this.pending = input.subarray(at);
  }

  /** A connection error: GOAWAY with its code, then the socket is closed. */
  private fail(code: ErrorCode): void {
    if (this.destroyed) return;
    this.socket.write(goAwayFrame(this.lastStreamId, code));
    this.goingAway = true;
    for (const stream of [...this.streams.values()]) stream.close();
    this.destroyed = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private onFrame(type: number, flags: number, streamId: number, payload: Buffer): void {
    if (this.headerBlock !== undefined && type !== FrameType.Continuation) {
      throw new ConnectionError(ErrorCode.ProtocolError, 'A header block was interrupted');
    }
    if (!this.settingsSeen && type !== FrameType.Settings) throw new ConnectionError(ErrorCode.ProtocolError, 'The first frame is not SETTINGS');
    switch (type) {
      case FrameType.Data:
        return this.onDataFrame(flags, streamId, payload);
      case FrameType.Headers:
        return this.onHeaders(flags, streamId, payload);
      case FrameType.Continuation:
        return this.onContinuation(flags, streamId, payload);
      case FrameType.Priority:
        if (streamId === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'PRIORITY on stream 0');
        if (payload.length !== 5) this.resetUnknown(streamId, ErrorCode.FrameSizeError);
        return;
      case FrameType.RstStream:
        return this.onRstStream(streamId, payload);
      case FrameType.Settings:
        return this.onSettings(flags, streamId, payload);
      case FrameType.PushPromise:
        throw new ConnectionError(ErrorCode.ProtocolError, 'A client sent PUSH_PROMISE');
      case FrameType.Ping:
        if (streamId !== 0) throw new ConnectionError(ErrorCode.ProtocolError, 'PING on a stream');
        if (payload.length !== 8) throw new ConnectionError(ErrorCode.FrameSizeError, 'PING of the wrong size');
        if ((flags & FrameFlag.Ack) === 0) this.write(frame(FrameType.Ping, FrameFlag.Ack, 0, payload));
        return;
      case FrameType.GoAway:
        if (streamId !== 0) throw new ConnectionError(ErrorCode.ProtocolError, 'GOAWAY on a stream');
        this.goingAway = true;
        if (this.streams.size === 0) this.socket.end();
        return;
      case FrameType.WindowUpdate:
        return this.onWindowUpdate(streamId, payload);
      default:
        // Unknown frame types are ignored (§5.5).
        return;
    }
  }

  private onSettings(flags: number, streamId: number, payload: Buffer): void {
    if (streamId !== 0) throw new ConnectionError(ErrorCode.ProtocolError, 'SETTINGS on a stream');
    if (flags & FrameFlag.Ack) {
      if (payload.length !== 0) throw new ConnectionError(ErrorCode.FrameSizeError, 'A SETTINGS ACK with a payload');
      return;
    }
    if (payload.length % 6 !== 0) throw new ConnectionError(ErrorCode.FrameSizeError, 'SETTINGS of the wrong size');
    this.settingsSeen = true;
    for (let at = 0; at < payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (id === Setting.EnablePush && value > 1) throw new ConnectionError(ErrorCode.ProtocolError, 'ENABLE_PUSH out of range');
      if (id === Setting.InitialWindowSize) {
        if (value > MAX_WINDOW_BYTES) throw new ConnectionError(ErrorCode.FlowControlError, 'INITIAL_WINDOW_SIZE out of range');
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const stream of this.streams.values()) {
          stream.sendWindow += delta;
          if (stream.sendWindow > MAX_WINDOW_BYTES) throw new ConnectionError(ErrorCode.FlowControlError, 'A stream window overflowed');
        }
      }
      if (id === Setting.MaxFrameSize) {
        if (value < DEFAULT_MAX_FRAME_BYTES || value > 16_777_215) throw new ConnectionError(ErrorCode.ProtocolError, 'MAX_FRAME_SIZE out of range');
        this.peerMaxFrame = value;
      }
    }
    this.write(frame(FrameType.Settings, FrameFlag.Ack, 0));
    this.flushAll();
  }

  private onWindowUpdate(streamId: number, payload: Buffer): void {
    if (payload.length !== 4) throw new ConnectionError(ErrorCode.FrameSizeError, 'WINDOW_UPDATE of the wrong size');
    const increment = payload.readUInt32BE(0) & 0x7fffffff;
    if (streamId === 0) {
      if (increment === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'A WINDOW_UPDATE of 0');
      this.connectionSendWindow += increment;
      if (this.connectionSendWindow > MAX_WINDOW_BYTES) throw new ConnectionError(ErrorCode.FlowControlError, 'The connection window overflowed');
      this.flushAll();
      return;
    }
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (streamId > this.lastStreamId) throw new ConnectionError(ErrorCode.ProtocolError, 'WINDOW_UPDATE on an idle stream');
      return;
    }
    if (increment === 0) return stream.reset(ErrorCode.ProtocolError);
    stream.sendWindow += increment;
    if (stream.sendWindow > MAX_WINDOW_BYTES) return stream.reset(ErrorCode.FlowControlError);
    this.flush(stream);
  }

  private flushAll(): void {
    for (const stream of [...this.starved]) {
      if (this.connectionSendWindow <= 0) break;
      this.flush(stream);
    }
  }

  private onRstStream(streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'RST_STREAM on stream 0');
    if (payload.length !== 4) throw new ConnectionError(ErrorCode.FrameSizeError, 'RST_STREAM of the wrong size');
    if (streamId > this.lastStreamId) throw new ConnectionError(ErrorCode.ProtocolError, 'RST_STREAM on an idle stream');
    const stream = this.streams.get(streamId);
    if (stream === undefined) return;
    // Opening streams and resetting them at once makes the server start work it then drops
    // ("rapid reset", CVE-2023-44487). Each reset spends one of a budget that refills at
    // MAX_RESETS_PER_SECOND up to as many; a client that overdraws it is cut off.
    const now = Date.now();
    this.resetBudget = Math.min(MAX_RESETS_PER_SECOND, this.resetBudget + ((now - this.resetBudgetAt) * MAX_RESETS_PER_SECOND) / 1000) - 1;
    this.resetBudgetAt = now;
    if (this.resetBudget < 0) throw new ConnectionError(ErrorCode.EnhanceYourCalm, 'Too many streams reset');
    stream.close();
  }

  private onDataFrame(flags: number, streamId: number, payload: Buffer): void {
    // Padding counts against the windows too.
    const data = unpad(flags, payload);
    this.beginData(flags, streamId, payload.length, data.length);
    this.dataPiece(data);
  }

  /**
   * Starts a DATA frame of `flowLength` octets (`dataLength` without padding), whose data then
   * comes in one or more `dataPiece` calls: an unpadded frame's data is handed on as it arrives,
   * so a large body's frames are never copied to be made whole.
   */
  private beginData(flags: number, streamId: number, flowLength: number, dataLength: number): void {
    if (streamId === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'DATA on stream 0');
    this.acknowledgeConnection(flowLength);
    this.dataLeft = dataLength;
    this.dataEndsStream = (flags & FrameFlag.EndStream) !== 0;
    this.dataStream = undefined;
    const stream = this.streams.get(streamId);
    if (stream === undefined) {
      if (streamId > this.lastStreamId) throw new ConnectionError(ErrorCode.ProtocolError, 'DATA on an idle stream');
      return;
    }
    if (stream.state !== StreamState.Open) return stream.reset(ErrorCode.StreamClosed);
    if (!stream.discarding) {
      stream.unacknowledged += flowLength;
      if (stream.unacknowledged > this.options.streamWindowBytes) return stream.reset(ErrorCode.FlowControlError);
      if (!this.dataEndsStream && stream.unacknowledged >= this.options.streamWindowBytes / 2) {
        this.write(windowUpdateFrame(streamId, stream.unacknowledged));
        stream.unacknowledged = 0;
      }
    }
    this.dataStream = stream;
  }

  private dataPiece(data: Buffer): void {
    this.dataLeft -= data.length;
    const stream = this.dataStream;
    const last = this.dataLeft === 0;
    if (last) this.dataStream = undefined;
    stream?.deliver(data, last && this.dataEndsStream);
  }

  private acknowledgeConnection(length: number): void {
    this.connectionUnacknowledged += length;
    if (this.connectionUnacknowledged > this.options.connectionWindowBytes) throw new ConnectionError(ErrorCode.FlowControlError, 'The client overran the connection window');
    if (this.connectionUnacknowledged >= this.options.connectionWindowBytes / 2) {
      this.write(windowUpdateFrame(0, this.connectionUnacknowledged));
      this.connectionUnacknowledged = 0;
    }
  }

  private onHeaders(flags: number, streamId: number, payload: Buffer): void {
    if (streamId === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'HEADERS on stream 0');
    let fragment = unpad(flags, payload);
    if (flags & FrameFlag.Priority) {
      if (fragment.length < 5) throw new ConnectionError(ErrorCode.FrameSizeError, 'HEADERS too short for its priority');
      fragment = fragment.subarray(5);
    }
    const endStream = (flags & FrameFlag.EndStream) !== 0;
    if (flags & FrameFlag.EndHeaders) return this.onHeaderBlock(streamId, endStream, fragment);
    this.headerBlock = { streamId, endStream, parts: [fragment], size: fragment.length };
  }

  private onContinuation(flags: number, streamId: number, payload: Buffer): void {
    const block = this.headerBlock;
    if (block === undefined || block.streamId !== streamId) throw new ConnectionError(ErrorCode.ProtocolError, 'CONTINUATION without HEADERS');
    block.parts.push(payload);
    block.size += payload.length;
    if (block.size > this.options.maxHeaderListBytes) throw new ConnectionError(ErrorCode.EnhanceYourCalm, 'A header block too large');
    if ((flags & FrameFlag.EndHeaders) === 0) return;
    this.headerBlock = undefined;
    this.onHeaderBlock(streamId, block.endStream, Buffer.concat(block.parts, block.size));
  }

  private onHeaderBlock(streamId: number, endStream: boolean, block: Buffer): void {
    // Decoded even for a stream that is refused: the table must stay in step with the client's.
    const fields = this.decoder.decode(block);
    const existing = this.streams.get(streamId);
    if (existing !== undefined) {
      // Trailers: they end the request; their fields are not used.
      if (!endStream || existing.state !== StreamState.Open) return existing.reset(ErrorCode.ProtocolError);
      existing.deliver(EMPTY, true);
      return;
    }
    if (streamId <= this.lastStreamId) {
      if (streamId % 2 === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'A stream id the client may not use');
      // A closed stream: the client's frames crossed our RST_STREAM.
      return;
    }
    if (streamId % 2 === 0) throw new ConnectionError(ErrorCode.ProtocolError, 'An even stream id from a client');
    this.lastStreamId = streamId;
    if (this.goingAway) return;
    const stream = new Http2ServerStream(streamId, fields, this, this.peerInitialWindow);
    if (this.streams.size >= this.options.maxConcurrentStreams) {
      this.write(rstStreamFrame(streamId, ErrorCode.RefusedStream));
      return;
    }
    if (!wellFormed(fields)) {
      this.write(rstStreamFrame(streamId, ErrorCode.ProtocolError));
      return;
    }
    this.streams.set(streamId, stream);
    stream.declaredLength = declaredLength(fields);
    if (endStream) stream.deliver(EMPTY, true);
    this.options.onStream(stream);
  }

  private resetUnknown(streamId: number, code: ErrorCode): void {
    const stream = this.streams.get(streamId);
    if (stream !== undefined) stream.reset(code);
    else this.write(rstStreamFrame(streamId, code));
  }
}

const SMALL_PAYLOAD_BYTES = 4096;
/** Bytes written and not yet taken by the client past which it is cut off. */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024;
const MAX_RESETS_PER_SECOND = 1000;
/** Answers with a body up to this size go out in one buffer with their head. */
const INLINE_BODY_BYTES = 16_384;
const EMPTY = Buffer.alloc(0);

function declaredLength(fields: HeaderField[]): number {
  for (const [name, value] of fields) {
    if (name === 'content-length') return /^\d{1,15}$/.test(value) ? Number(value) : -1;
  }
  return -1;
}

function dataFrameHeader(streamId: number, length: number, endStream: boolean): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  writeFrameHeader(header, 0, length, FrameType.Data, endStream ? FrameFlag.EndStream : 0, streamId);
  return header;
}

function unpad(flags: number, payload: Buffer): Buffer {
  if ((flags & FrameFlag.Padded) === 0) return payload;
  if (payload.length < 1) throw new ConnectionError(ErrorCode.FrameSizeError, 'A padded frame without its pad length');
  const padLength = payload[0];
  if (padLength >= payload.length) throw new ConnectionError(ErrorCode.ProtocolError, 'Padding longer than its frame');
  return payload.subarray(1, payload.length - padLength);
}

/**
 * RFC 9113 §8.3: a request has :method, :scheme and :path (CONNECT aside, which this server does
 * not serve), pseudo-header fields before the others and only once, lower-case names, and none of
 * HTTP/1.1's connection-specific fields.
 */
function wellFormed(fields: HeaderField[]): boolean {
  let method = false;
  let scheme = false;
  let path = false;
  let regular = false;
  for (const [name, value] of fields) {
    if (name.charCodeAt(0) === 0x3a) {
      if (regular) return false;
      if (name === ':method') {
        if (method) return false;
        method = true;
      } else if (name === ':scheme') {
        if (scheme) return false;
        scheme = true;
      } else if (name === ':path') {
        if (path || value === '') return false;
        path = true;
      } else if (name !== ':authority') {
        return false;
      }
      continue;
    }
    regular = true;
    if (name === '' || /[A-Z]/.test(name)) return false;
    if (name === 'connection' || name === 'keep-alive' || name === 'proxy-connection' || name === 'transfer-encoding' || name === 'upgrade') return false;
    if (name === 'te' && value !== 'trailers') return false;
  }
  return method && scheme && path;
}
