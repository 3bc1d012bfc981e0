import type { Socket } from 'node:net';

/** RFC 9113 §3.4: what an HTTP/2 client sends first, prior knowledge or not. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/**
 * Reads the first bytes of a cleartext connection until they either are the HTTP/2 preface (which
 * may arrive split over several packets) or cannot be, then puts them back and calls `route`.
 * The JS SDK v3 and the Java SDK's async client speak HTTP/2 with prior knowledge to http://
 * endpoints, boto3 and the CLI HTTP/1.1, all on the same port. A connection that stays silent
 * past `timeoutMs`, or ends before deciding, is closed.
 */
export function routeByPreface(socket: Socket, timeoutMs: number, route: (http2: boolean) => void): void {
  let received: Buffer = Buffer.alloc(0);
  const stop = () => {
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('timeout', onTimeout);
    socket.setTimeout(0);
  };
  const onData = (chunk: Buffer) => {
    received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
    const compared = Math.min(received.length, HTTP2_PREFACE.length);
    const isPreface = received.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (isPreface && received.length < HTTP2_PREFACE.length) return;
    stop();
    socket.pause();
    socket.unshift(received);
    route(isPreface);
  };
  const onEnd = () => {
    stop();
    socket.destroy();
  };
  const onTimeout = () => socket.destroy();
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('timeout', onTimeout);
  socket.setTimeout(timeoutMs);
}
