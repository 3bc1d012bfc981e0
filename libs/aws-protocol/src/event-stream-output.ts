import { pipeline, Transform, type Readable } from 'node:stream';
import { encodeEventStreamMessage } from './event-stream';
import type { WireCodec } from './wire-codec';

/** One message of an event-stream output: a modelled event, or a modelled exception that ends the stream. */
export type EventStreamItem =
  | { kind: 'event'; eventType: string; payload: unknown }
  | { kind: 'exception'; exceptionType: string; message: string };

/**
 * What an operation with an event-stream output (SubscribeToShard) returns instead of an object:
 * `events`, an object-mode Readable of EventStreamItems. The protocol handler answers 200 with
 * `application/vnd.amazon.eventstream`, sends the `initial-response` event first (botocore and
 * the Go SDK reject a stream without it), then frames each item with its payload in the request's
 * encoding (JSON or CBOR). Backpressure flows back to `events`: it is read only as fast as the
 * client takes frames (HTTP/2 flow control), and it is destroyed when the client goes away.
 */
export class EventStreamOutput {
  constructor(readonly events: Readable) {}

  /** The frames to send, for a request in `codec` whose payloads are labelled `contentType`. */
  frames(codec: WireCodec, contentType: string): Readable {
    const framer = new Transform({
      writableObjectMode: true,
      transform(item: EventStreamItem, _encoding, done) {
        try {
          done(null, frameOf(item, codec, contentType));
        } catch (error) {
          done(error as Error);
        }
      },
    });
    framer.push(
      encodeEventStreamMessage({ ':message-type': 'event', ':event-type': 'initial-response', ':content-type': contentType }, codec.encode({})),
    );
    // Either side ending early (the client went away, the source failed) ends both.
    pipeline(this.events, framer, () => undefined);
    return framer;
  }
}

function frameOf(item: EventStreamItem, codec: WireCodec, contentType: string): Buffer {
  if (item.kind === 'event') {
    return encodeEventStreamMessage({ ':message-type': 'event', ':event-type': item.eventType, ':content-type': contentType }, codec.encode(item.payload));
  }
  return encodeEventStreamMessage(
    { ':message-type': 'exception', ':exception-type': item.exceptionType, ':content-type': contentType },
    codec.encode({ message: item.message }),
  );
}
