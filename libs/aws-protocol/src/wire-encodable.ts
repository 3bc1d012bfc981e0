import type { ByteWriter } from './byte-writer';

/**
 * A value in an operation's output that writes itself into the response body. It is how an output
 * too large to be worth building as objects first (GetRecords' records, written straight from the
 * log's read buffers) reaches the wire: the codecs call it wherever they meet it, at any depth.
 *
 * Each method must write exactly the bytes the generic writer (json-1-1.codec.ts, cbor-encoder.ts)
 * would write for the plain value it stands for; the helpers exported beside this interface are
 * those writers' own pieces, and implementations are specified byte for byte against them.
 */
export interface WireEncodable {
  /** Writes the value as AWS JSON 1.1 (see writeJsonValue). */
  writeJson(writer: ByteWriter): void;
  /** Writes the value as AWS CBOR 1.1 (see writeCborItem). */
  writeCbor(writer: ByteWriter): void;
}

/**
 * An operation output's member under this key, if any, is called once the output has been written
 * into the response body: memory the output only lent (read buffers its records are views of, say)
 * may be reused from then on. The codecs write string-keyed members only, so it never reaches the wire.
 */
export const ON_ENCODED = Symbol('onEncoded');

export interface LendsMemory {
  [ON_ENCODED]?: () => void;
}

export function isWireEncodable(value: object): value is WireEncodable {
  return typeof (value as Partial<WireEncodable>).writeJson === 'function';
}
