import type { Readable } from 'node:stream';

/**
 * What an operation with an event-stream output (SubscribeToShard) returns instead of an object:
 * the protocol handler answers 200 with `application/vnd.amazon.eventstream` and streams
 * `events`, whose chunks are frames made with `encodeEventStreamMessage`. The first frame must be
 * the `initial-response` event, or botocore and the Go SDK reject the stream.
 */
export class EventStreamOutput {
  constructor(readonly events: Readable) {}
}
