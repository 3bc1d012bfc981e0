import { decodeCbor } from './cbor-decoder';
import { encodeCbor, writeCborItem } from './cbor-encoder';
import type { WireCodec } from './wire-codec';

/**
 * AWS CBOR 1.1 (`application/x-amz-cbor-1.1`), the Java SDKs' default for Kinesis: blobs are byte
 * strings and timestamps are epoch milliseconds, tagged 1 in responses and tagged or plain in
 * requests.
 */
export const cbor11Codec: WireCodec = {
  protocol: 'cbor',
  timestampUnitMs: 1,
  decode: decodeCbor,
  encode: encodeCbor,
  write: writeCborItem,
};
