'use strict';
// The lean client's HTTP/2: one cleartext connection with prior knowledge, its frames read and
// written here instead of by Node's HTTP/2 layer. Node hands every response header value to
// JavaScript as an external string, and the measuring process's garbage collections then grew
// with them (scavenges of ~7 ms against ~1 ms over HTTP/1.1): the bench measured its own pauses.
// Response header blocks are decoded with Spate's HPACK decoder from the build.
const net = require('node:net');
const path = require('node:path');

const BUILD = path.join(__dirname, '..', 'dist', 'apps', 'spate', 'libs', 'aws-protocol', 'src', 'http2');
const { HpackDecoder } = require(path.join(BUILD, 'hpack'));
const {
  CONNECTION_PREFACE,
  DEFAULT_WINDOW_BYTES,
  ErrorCode,
  FrameFlag,
  FrameType,
  Setting,
  frame,
  goAwayFrame,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} = require(path.join(BUILD, 'http2-frame'));

const { Data: DATA, Headers: HEADERS, RstStream: RST_STREAM, Settings: SETTINGS, Ping: PING, GoAway: GOAWAY, WindowUpdate: WINDOW_UPDATE, Continuation: CONTINUATION } = FrameType;
const { EndStream: END_STREAM, Ack: ACK, EndHeaders: END_HEADERS, Padded: PADDED, Priority: PRIORITY } = FrameFlag;
/** Windows this client grants: a 14 MB GetRecords answer need not wait on hundreds of WINDOW_UPDATEs. */
const STREAM_WINDOW = 8 * 1024 * 1024;
const CONNECTION_WINDOW = 32 * 1024 * 1024;

/** The header of a DATA frame of `length` octets; the data follows as a write of its own. */
function dataFrameHeader(streamId, length, endStream) {
  const header = Buffer.allocUnsafe(9);
  writeFrameHeader(header, 0, length, DATA, endStream ? END_STREAM : 0, streamId);
  return header;
}

/** An HPACK literal field without indexing, new name (RFC 7541 §6.2.2), raw strings. */
function literalField(name, value) {
  return Buffer.concat([Buffer.from([0x00]), hpackString(name), hpackString(value)]);
}

function hpackString(text) {
  const bytes = Buffer.from(text, 'latin1');
  const length = [];
  if (bytes.length < 0x7f) {
    length.push(bytes.length);
  } else {
    length.push(0x7f);
    let rest = bytes.length - 0x7f;
    while (rest >= 0x80) {
      length.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}

class Http2ClientSession {
  /**
   * @param endpoint http://host:port
   * @param fields   header fields sent with every request, after :method POST, :scheme, :path /, :authority
   */
  constructor(endpoint, fields) {
    const url = new URL(endpoint);
    // :method POST (3), :scheme http (6), :path / (4), indexed; :authority by value.
    this.fixedBlock = Buffer.concat([Buffer.from([0x83, 0x86, 0x84]), Buffer.from([0x01]), hpackString(url.host), ...fields.map(([n, v]) => literalField(n, v))]);
    this.decoder = new HpackDecoder(4096, 1024 * 1024);
    this.streams = new Map();
    this.nextStreamId = 1;
    this.peerInitialWindow = DEFAULT_WINDOW_BYTES;
    this.peerMaxFrame = 16_384;
    this.sendWindow = DEFAULT_WINDOW_BYTES;
    this.unacknowledged = 0;
    this.pending = undefined;
    this.headerBlock = undefined;
    this.failed = undefined;
    this.corked = false;
    this.socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('HTTP/2 connection closed')));
    this.write(
      Buffer.concat([
        CONNECTION_PREFACE,
        settingsFrame([
          [Setting.EnablePush, 0],
          [Setting.InitialWindowSize, STREAM_WINDOW],
        ]),
        windowUpdateFrame(0, CONNECTION_WINDOW - DEFAULT_WINDOW_BYTES),
      ]),
    );
  }

  get closed() {
    return this.failed !== undefined;
  }

  /** Sends a POST with the fixed fields plus `fields`; calls back (error, status, body). */
  request(fields, body, callback) {
    if (this.failed) return callback(this.failed);
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = { id, callback, status: 0, chunks: [], length: 0, body, sent: 0, window: this.peerInitialWindow, unacknowledged: 0 };
    this.streams.set(id, stream);
    const block = Buffer.concat([this.fixedBlock, ...fields.map(([n, v]) => literalField(n, v))]);
    this.write(frame(HEADERS, END_HEADERS | (body.length === 0 ? END_STREAM : 0), id, block));
    if (body.length > 0) this.sendBody(stream);
  }

  /** Cancels a stream with RST_STREAM (CANCEL). */
  cancel(id, error) {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    this.write(rstStreamFrame(id, ErrorCode.Cancel));
    stream.callback(error);
  }

  close() {
    if (this.failed) return;
    this.write(goAwayFrame(0, ErrorCode.NoError));
    this.socket.end();
    this.fail(new Error('HTTP/2 session closed'));
  }

  write(data) {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  sendBody(stream) {
    const { body } = stream;
    while (stream.sent < body.length) {
      const room = Math.min(stream.window, this.sendWindow, this.peerMaxFrame, body.length - stream.sent);
      if (room <= 0) return;
      const last = stream.sent + room === body.length;
      // The frame's header and its data as two writes of one corked batch: no copy of the body.
      this.write(dataFrameHeader(stream.id, room, last));
      this.write(body.subarray(stream.sent, stream.sent + room));
      stream.sent += room;
      stream.window -= room;
      this.sendWindow -= room;
    }
  }

  sendBodies() {
    for (const stream of this.streams.values()) if (stream.sent < stream.body.length) this.sendBody(stream);
  }

  fail(error) {
    if (this.failed) return;
    this.failed = error;
    this.socket.destroy();
    for (const stream of this.streams.values()) stream.callback(error);
    this.streams.clear();
  }

  onData(chunk) {
    let input = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    try {
      while (input.length - at >= 9) {
        const length = input.readUIntBE(at, 3);
        if (input.length - at < 9 + length) break;
        const type = input[at + 3];
        const flags = input[at + 4];
        const streamId = input.readUInt32BE(at + 5) & 0x7fffffff;
        const payload = input.subarray(at + 9, at + 9 + length);
        at += 9 + length;
        this.onFrame(type, flags, streamId, payload);
        if (this.failed) return;
      }
    } catch (error) {
      return this.fail(error);
    }
    if (at < input.length) this.pending = input.subarray(at);
    input = undefined;
  }

  onFrame(type, flags, streamId, payload) {
    if (this.headerBlock && type !== CONTINUATION) throw new Error('HTTP/2: a header block was interrupted');
    switch (type) {
      case DATA:
        return this.onDataFrame(flags, streamId, payload);
      case HEADERS: {
        let fragment = unpad(flags, payload);
        if (flags & PRIORITY) fragment = fragment.subarray(5);
        this.headerBlock = { streamId, endStream: (flags & END_STREAM) !== 0, parts: [fragment] };
        if (flags & END_HEADERS) this.onHeaderBlock();
        return;
      }
      case CONTINUATION:
        this.headerBlock.parts.push(payload);
        if (flags & END_HEADERS) this.onHeaderBlock();
        return;
      case RST_STREAM: {
        const stream = this.streams.get(streamId);
        if (!stream) return;
        this.streams.delete(streamId);
        stream.callback(new Error(`HTTP/2 stream reset by the server (code ${payload.readUInt32BE(0)})`));
        return;
      }
      case SETTINGS:
        if (flags & ACK) return;
        for (let i = 0; i + 6 <= payload.length; i += 6) {
          const id = payload.readUInt16BE(i);
          const value = payload.readUInt32BE(i + 2);
          if (id === 4) {
            const delta = value - this.peerInitialWindow;
            this.peerInitialWindow = value;
            for (const stream of this.streams.values()) stream.window += delta;
          } else if (id === 5) {
            this.peerMaxFrame = value;
          }
        }
        this.write(frame(SETTINGS, ACK, 0));
        this.sendBodies();
        return;
      case PING:
        if (!(flags & ACK)) this.write(frame(PING, ACK, 0, payload));
        return;
      case GOAWAY:
        this.fail(new Error(`HTTP/2 GOAWAY from the server (code ${payload.readUInt32BE(4)})`));
        return;
      case WINDOW_UPDATE: {
        const increment = payload.readUInt32BE(0) & 0x7fffffff;
        if (streamId === 0) this.sendWindow += increment;
        else {
          const stream = this.streams.get(streamId);
          if (stream) stream.window += increment;
        }
        this.sendBodies();
        return;
      }
      default:
        return;
    }
  }

  onHeaderBlock() {
    const { streamId, endStream, parts } = this.headerBlock;
    this.headerBlock = undefined;
    const fields = this.decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    const stream = this.streams.get(streamId);
    if (!stream) return;
    for (const [name, value] of fields) if (name === ':status') stream.status = Number(value);
    // A 1xx answer is followed by the real one.
    if (stream.status >= 100 && stream.status < 200) return;
    if (endStream) this.finish(stream);
  }

  onDataFrame(flags, streamId, payload) {
    this.unacknowledged += payload.length;
    if (this.unacknowledged >= CONNECTION_WINDOW / 2) {
      this.write(windowUpdateFrame(0, this.unacknowledged));
      this.unacknowledged = 0;
    }
    const stream = this.streams.get(streamId);
    if (!stream) return;
    const data = unpad(flags, payload);
    stream.chunks.push(data);
    stream.length += data.length;
    if (flags & END_STREAM) return this.finish(stream);
    stream.unacknowledged += payload.length;
    if (stream.unacknowledged >= STREAM_WINDOW / 2) {
      this.write(windowUpdateFrame(streamId, stream.unacknowledged));
      stream.unacknowledged = 0;
    }
  }

  finish(stream) {
    this.streams.delete(stream.id);
    const body = stream.chunks.length === 1 ? stream.chunks[0] : Buffer.concat(stream.chunks, stream.length);
    stream.callback(undefined, stream.status, body);
  }
}

function unpad(flags, payload) {
  if (!(flags & PADDED)) return payload;
  return payload.subarray(1, payload.length - payload[0]);
}

module.exports = { Http2ClientSession };
