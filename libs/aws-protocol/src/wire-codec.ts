import type { RecyclableBytes } from './byte-writer';

export type WireProtocol = 'json' | 'cbor';

/**
 * One body format of the AWS JSON-family protocols. Decoded bodies may carry Buffers (CBOR
 * byte strings) and Dates (CBOR tag 1); `encode` takes operation outputs whose Buffers are
 * blobs and whose Dates are timestamps, and writes them the way this format's clients expect.
 */
export interface WireCodec {
  readonly protocol: WireProtocol;
  /** Parses a request body; throws on malformed input. */
  decode(body: Buffer): unknown;
  encode(value: unknown): Buffer;
  /** As encode, for a response body: a large one goes into a pooled buffer, which the caller gives back once it was sent. */
  encodeRecyclable(value: unknown): RecyclableBytes;
  /** What one unit of a numeric timestamp in a request is worth, in milliseconds. */
  readonly timestampUnitMs: number;
}
