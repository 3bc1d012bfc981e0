import { randomFillSync } from 'node:crypto';
import type { EdgeResponse } from './edge-types';
import { serviceErrorBody, type ServiceError } from './service-error';
import type { WireCodec } from './wire-codec';

const HOST_ID_BYTES = 72;
const POOLED_HOST_IDS = 256;
const hostIdPool = Buffer.alloc(HOST_ID_BYTES * POOLED_HOST_IDS);
let nextHostId = POOLED_HOST_IDS;

/**
 * 72 random bytes in base64, like AWS's x-amz-id-2. Drawn from a pool refilled every 256 responses:
 * one entropy call per response cost more than a whole small request.
 */
function hostId(): string {
  if (nextHostId === POOLED_HOST_IDS) {
    randomFillSync(hostIdPool);
    nextHostId = 0;
  }
  const start = HOST_ID_BYTES * nextHostId++;
  return hostIdPool.toString('base64', start, start + HOST_ID_BYTES);
}

/** The ids every AWS response carries: the request id clients log, and the opaque host id. */
export function responseIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, 'x-amz-id-2': hostId() };
}

/**
 * `headers` (which carry no content-type of their own) and a content-type, in a new object; the
 * member goes before the spread (see the no-restricted-syntax rule in eslint.config.mjs).
 */
export function withContentType(headers: Record<string, string>, contentType: string): Record<string, string> {
  return { 'content-type': contentType, ...headers };
}

/** `{"__type", "message"}` in the request's body format, with the error's status. */
export function errorResponse(codec: WireCodec, contentType: string, error: ServiceError, headers: Record<string, string>): EdgeResponse {
  return { statusCode: error.statusCode, headers: withContentType(headers, contentType), body: codec.encode(serviceErrorBody(error)) };
}

/**
 * AWS's answer when it cannot tell which protocol the request speaks (no usable content type,
 * or not a POST): a bare XML document, `<Type/>` without a message.
 */
export function xmlErrorResponse(statusCode: number, type: string, message: string | undefined, headers: Record<string, string>): EdgeResponse {
  const xml = message === undefined ? `<${type}/>\n` : `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
  return { statusCode, headers, body: Buffer.from(xml) };
}
