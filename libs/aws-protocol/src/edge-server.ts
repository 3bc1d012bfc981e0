import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { serveHttp1, serveHttp2, type ExchangeOptions } from './edge-exchange';
import type { EdgeHandler } from './edge-types';
import { Http1Connection, type Http1ConnectionOptions } from './http1/http1-connection';
import { Http2Connection, type Http2ConnectionOptions } from './http2/http2-connection';
import { routeByPreface } from './protocol-sniffer';

export interface EdgeServerOptions {
  host: string;
  port: number;
  handler: EdgeHandler;
  /** Larger request bodies are answered 413 without being read. */
  maxBodyBytes: number;
  /** Told about handler failures and server errors; client misbehaviour is not reported. */
  onError?: (err: Error) => void;
  /** A second listener speaking TLS, with ALPN choosing h2 or http/1.1. */
  tls?: { port: number; key: string | Buffer; cert: string | Buffer };
  /**
   * How long a connection may sit idle (no bytes, or no request on a kept-alive HTTP/1.1
   * connection) before the server closes it; default 65000, longer than the 60 s that load
   * balancers and SDK connection pools assume.
   */
  idleTimeoutMs?: number;
  /** How long close() lets in-flight requests finish before cutting connections; default 5000. */
  shutdownGraceMs?: number;
}

export interface EdgeServer {
  port: number;
  tlsPort?: number;
  /** Stops listening, lets in-flight requests finish within the grace period, then closes every connection. */
  close(): Promise<void>;
}

const SHUTDOWN_POLL_MS = 25;

/**
 * How much an HTTP/2 client may send on a stream, and on a connection, before the server has read
 * it. With HTTP/2's default of 64 KiB for both, the server answered every 64 KiB of a 700 KB
 * PutRecords body with WINDOW_UPDATE frames.
 */
const HTTP2_STREAM_WINDOW_BYTES = 1024 * 1024;
const HTTP2_CONNECTION_WINDOW_BYTES = 16 * 1024 * 1024;
const HTTP2_MAX_CONCURRENT_STREAMS = 1000;
const HTTP2_MAX_HEADER_LIST_BYTES = 64 * 1024;
/** Node's HTTP server defaults: a request head within 60 s, a whole request within 300 s, heads up to 16 KiB. */
const HTTP1_HEADERS_TIMEOUT_MS = 60_000;
const HTTP1_REQUEST_TIMEOUT_MS = 300_000;
const HTTP1_MAX_HEADER_BYTES = 16 * 1024;

/**
 * One TCP port serving HTTP/1.1 and cleartext HTTP/2 (prior knowledge), told apart by the
 * connection preface, plus an optional TLS port. Hostile input stays contained: malformed
 * HTTP/1.1 gets Node's 400 and a closed socket, an HTTP/2 protocol error gets GOAWAY and a
 * closed connection, a malformed HTTP/2 request a reset stream, socket errors are dropped,
 * oversized bodies are refused unread.
 */
export async function startEdgeServer(options: EdgeServerOptions): Promise<EdgeServer> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 65_000;
  let closing = false;
  const exchange: ExchangeOptions = {
    handler: options.handler,
    maxBodyBytes: options.maxBodyBytes,
    onError: options.onError,
    closing: () => closing,
  };
  const sockets = new Set<Socket>();
  const unrouted = new Set<Socket>();
  const connections = new Set<Http2Connection>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  // HTTP/1.1 and HTTP/2 are served by Spate's own connection code (`http1/`, `http2/`), not by
  // Node's servers: see Http1Connection and Http2Connection for why.
  const http1Options: Http1ConnectionOptions = {
    idleTimeoutMs,
    headersTimeoutMs: HTTP1_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: HTTP1_REQUEST_TIMEOUT_MS,
    maxHeaderBytes: HTTP1_MAX_HEADER_BYTES,
    onRequest: (request) => serveHttp1(request, exchange),
    onError: options.onError,
  };
  const http1Connections = new Set<Http1Connection>();
  const serveHttp1Connection = (socket: Socket) => {
    const connection = new Http1Connection(socket, http1Options);
    http1Connections.add(connection);
    socket.on('close', () => http1Connections.delete(connection));
  };

  const http2Options: Http2ConnectionOptions = {
    streamWindowBytes: HTTP2_STREAM_WINDOW_BYTES,
    connectionWindowBytes: HTTP2_CONNECTION_WINDOW_BYTES,
    maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS,
    maxHeaderListBytes: HTTP2_MAX_HEADER_LIST_BYTES,
    idleTimeoutMs,
    onStream: (stream) => serveHttp2(stream, exchange),
    onError: options.onError,
  };
  const serveHttp2Connection = (socket: Socket) => {
    const connection = new Http2Connection(socket, http2Options);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
    if (closing) connection.close();
  };

  // No Nagle: an answer or an event frame goes out at once, not after the client's delayed ACK of
  // the previous small write (Node's own HTTP servers do the same for the sockets they accept).
  const tcp = createNetServer({ noDelay: true }, (socket) => {
    track(socket);
    unrouted.add(socket);
    routeByPreface(socket, idleTimeoutMs, (isHttp2) => {
      unrouted.delete(socket);
      if (isHttp2) {
        serveHttp2Connection(socket);
      } else {
        serveHttp1Connection(socket);
      }
    });
  });

  const listeners: Server[] = [tcp];
  const port = await listen(tcp, options.port, options.host, options.onError);
  let tlsPort: number | undefined;
  if (options.tls) {
    // TLS connections go to the same two servers, by the protocol ALPN chose (HTTP/1.1 when the
    // client offered none).
    const secure = createTlsServer({ key: options.tls.key, cert: options.tls.cert, ALPNProtocols: ['h2', 'http/1.1'] }, (socket: TLSSocket) => {
      if (socket.alpnProtocol === 'h2') serveHttp2Connection(socket);
      else serveHttp1Connection(socket);
    });
    secure.on('connection', (socket: Socket) => {
      socket.setNoDelay(true);
      track(socket);
    });
    secure.on('tlsClientError', () => undefined);
    listeners.push(secure);
    tlsPort = await listen(secure, options.tls.port, options.host, options.onError);
  }

  return {
    port,
    tlsPort,
    async close() {
      closing = true;
      const stopped = Promise.all(listeners.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))));
      for (const socket of unrouted) socket.destroy();
      for (const connection of connections) connection.close();
      const deadline = Date.now() + (options.shutdownGraceMs ?? 5000);
      while (sockets.size > 0 && Date.now() < deadline) {
        for (const connection of http1Connections) connection.close();
        await delay(SHUTDOWN_POLL_MS);
      }
      for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}

function listen(server: Server, port: number, host: string, onError?: (err: Error) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      server.on('error', (error) => onError?.(error));
      resolve((server.address() as AddressInfo).port);
    });
  });
}
