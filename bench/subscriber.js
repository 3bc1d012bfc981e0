'use strict';
// A lean SubscribeToShard client: one cleartext HTTP/2 stream per subscription, frames split by
// their length prefix and their JSON payloads parsed; no CRC check (the servers under test are
// local) and no SDK, whose event-stream decoding would add its own latency and CPU.
const http2 = require('node:http2');

const HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'Kinesis_20131202.SubscribeToShard',
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIDSPATEBENCH/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
};

/** Headers of one frame (name → string value). */
function frameHeaders(frame, headersLength) {
  const headers = {};
  let at = 12;
  while (at < 12 + headersLength) {
    const nameLength = frame[at];
    const name = frame.toString('utf8', at + 1, at + 1 + nameLength);
    at += 2 + nameLength;
    const valueLength = frame.readUInt16BE(at);
    headers[name] = frame.toString('utf8', at + 2, at + 2 + valueLength);
    at += 2 + valueLength;
  }
  return headers;
}

/**
 * Subscribes and calls onEvent(payload, arrivedAt) for every SubscribeToShardEvent. Resolves with
 * { close() } once the server answered 200; rejects with the error the server answered otherwise.
 */
function subscribe(session, consumerArn, shardId, startingPosition, onEvent, onEnd = () => {}) {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/', ...HEADERS });
    let buffered = Buffer.alloc(0);
    let status = 0;
    stream.on('response', (headers) => {
      status = headers[':status'];
      if (status === 200) resolve({ close: () => stream.close(http2.constants.NGHTTP2_CANCEL) });
    });
    stream.on('data', (chunk) => {
      const arrivedAt = performance.now();
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      if (status !== 200) return;
      while (buffered.length >= 12 && buffered.length >= buffered.readUInt32BE(0)) {
        const total = buffered.readUInt32BE(0);
        const frame = buffered.subarray(0, total);
        buffered = buffered.subarray(total);
        const headersLength = frame.readUInt32BE(4);
        const headers = frameHeaders(frame, headersLength);
        if (headers[':event-type'] !== 'SubscribeToShardEvent') continue;
        onEvent(JSON.parse(frame.toString('utf8', 12 + headersLength, total - 4)), arrivedAt);
      }
    });
    stream.on('end', () => {
      if (status !== 200) reject(new Error(`SubscribeToShard: HTTP ${status} ${buffered.toString('utf8').slice(0, 200)}`));
      onEnd();
    });
    stream.on('error', (error) => {
      reject(error);
      onEnd();
    });
    stream.end(JSON.stringify({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: startingPosition }));
  });
}

module.exports = { subscribe };
