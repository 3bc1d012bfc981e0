import { cbor11Codec } from './cbor-1-1.codec';
import { json11Codec } from './json-1-1.codec';
import type { WireCodec } from './wire-codec';

export const JSON_1_1_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const CBOR_1_1_CONTENT_TYPE = 'application/x-amz-cbor-1.1';
export const EVENT_STREAM_CONTENT_TYPE = 'application/vnd.amazon.eventstream';

/** The media type of a Content-Type header: lower-cased, parameters dropped, '' when absent. */
export function mediaTypeOf(contentType: string | undefined): string {
  // Requests carry one of a few values, verbatim: the usual ones need no splitting.
  if (contentType === JSON_1_1_CONTENT_TYPE || contentType === CBOR_1_1_CONTENT_TYPE) return contentType;
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The codec for a request's media type. Plain `application/json` is read as JSON 1.1 because
 * some clients send it (AWS itself answers it with a Coral-style 404).
 */
export function codecForMediaType(mediaType: string): WireCodec | undefined {
  if (mediaType === JSON_1_1_CONTENT_TYPE || mediaType === 'application/json') return json11Codec;
  if (mediaType === CBOR_1_1_CONTENT_TYPE) return cbor11Codec;
  return undefined;
}
