import { addExtension, Decoder, Encoder } from 'cbor-x';

/**
 * CBOR 1.1 as the Java SDKs (and so the KCL and KPL) speak it, read and written independently of
 * Spate's codec: blobs as byte strings, timestamps as tag 1 holding integer epoch milliseconds
 * (AWS's reading of tag 1, not the seconds of RFC 8949).
 */
class AwsMillisTimestamp {}
addExtension({ Class: AwsMillisTimestamp, tag: 1, encode: () => Buffer.alloc(0), decode: (ms: number | bigint) => new Date(Number(ms)) });

export const awsCborEncoder = new Encoder({ useRecords: false, tagUint8Array: false });
export const awsCborDecoder = new Decoder({ useRecords: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0]);
