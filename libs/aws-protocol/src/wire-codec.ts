import type { ByteWriter } from './byte-writer';

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
  /** What encode does, into a writer the caller chose (say, one that grows into pooled buffers). */
  write(writer: ByteWriter, value: unknown): void;
  /** What one unit of a numeric timestamp in a request is worth, in milliseconds. */
  readonly timestampUnitMs: number;
}
