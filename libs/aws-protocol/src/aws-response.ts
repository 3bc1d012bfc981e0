import { randomBytes } from 'node:crypto';
import type { EdgeResponse } from './edge-types';
import { serviceErrorBody, type ServiceError } from './service-error';
import type { WireCodec } from './wire-codec';

/** The ids every AWS response carries: the request id clients log, and the opaque host id. */
export function responseIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amzn-RequestId': requestId, 'x-amz-id-2': randomBytes(72).toString('base64') };
}

/** `{"__type", "message"}` in the request's body format, with the error's status. */
export function errorResponse(codec: WireCodec, contentType: string, error: ServiceError, headers: Record<string, string>): EdgeResponse {
  return { statusCode: error.statusCode, headers: { ...headers, 'content-type': contentType }, body: codec.encode(serviceErrorBody(error)) };
}

/**
 * AWS's answer when it cannot tell which protocol the request speaks (no usable content type,
 * or not a POST): a bare XML document, `<Type/>` without a message.
 */
export function xmlErrorResponse(statusCode: number, type: string, message: string | undefined, headers: Record<string, string>): EdgeResponse {
  const xml = message === undefined ? `<${type}/>\n` : `<${type}>\n  <Message>${message}</Message>\n</${type}>\n`;
  return { statusCode, headers, body: Buffer.from(xml) };
}
