import { randomUUID } from 'node:crypto';
import { asError } from './as-error';
import { RESPONSE_BUFFERS } from './body-pool';
import { ByteWriter } from './byte-writer';
import { errorResponse, responseIdHeaders, withContentType, xmlErrorResponse } from './aws-response';
import { identifyCaller } from './caller-identity';
import { cbor11Codec } from './cbor-1-1.codec';
import { CBOR_1_1_CONTENT_TYPE, codecForMediaType, EVENT_STREAM_CONTENT_TYPE, mediaTypeOf } from './content-type';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge-types';
import { EventStreamOutput } from './event-stream-output';
import { shapeInput } from './input-shaper';
import { validateInput } from './input-validator';
import { json11Codec } from './json-1-1.codec';
import { readJsonInput } from './json-input-reader';
import { ServiceError } from './service-error';
import { type LendsMemory, ON_ENCODED } from './wire-encodable';
import type { ServiceModel } from './service-model';
import type { WireCodec, WireProtocol } from './wire-codec';

export interface RequestContext {
  requestId: string;
  account: string;
  region: string;
  accessKeyId?: string;
  protocol: WireProtocol;
  operation: string;
}

/**
 * Receives the shaped, validated input (model member names; blobs as Buffers, timestamps as
 * Dates) and returns the output object, whose Buffers and Dates the codec writes, or an
 * EventStreamOutput. A thrown ServiceError is the client's answer; anything else is a 500.
 */
export type OperationHandler = (input: any, context: RequestContext) => Promise<unknown>;

export interface JsonProtocolOptions {
  model: ServiceModel;
  /** The `X-Amz-Target` prefix, e.g. `Kinesis_20131202`. */
  targetPrefix: string;
  /** By operation name; a modelled operation missing here answers UnknownOperationException. */
  operations: Record<string, OperationHandler>;
  defaultAccount: string;
  defaultRegion: string;
  /** accessKeyId → secret; when set, SigV4 signatures are verified. */
  credentials?: Record<string, string>;
  /** Told about every failure that is not a ServiceError; the client only sees InternalFailure. */
  onError?: (error: Error, request: { requestId: string; operation?: string }) => void;
}

const CORS_EXPOSED_HEADERS = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

/**
 * One AWS JSON 1.1 / CBOR 1.1 service (`POST /`, `X-Amz-Target: <prefix>.<Operation>`). The
 * checks run in AWS's order, reverse-engineered by kinesalite: method, empty body, content type,
 * body syntax, target, authentication, input types, input constraints. Responses use the
 * request's content type; the AWS path is not looked at.
 */
export function createJsonProtocolHandler(options: JsonProtocolOptions): EdgeHandler {
  const { model, targetPrefix, operations } = options;

  return async (request: EdgeRequest): Promise<EdgeResponse> => {
    const requestId = randomUUID();
    const headers = responseIdHeaders(requestId);
    const origin = request.headers.origin;
    if (origin !== undefined) {
      headers['Access-Control-Allow-Origin'] = '*';
      if (request.method === 'OPTIONS') return preflightResponse(request, requestId);
      headers['Access-Control-Expose-Headers'] = CORS_EXPOSED_HEADERS;
    }
    if (request.method !== 'POST') {
      return xmlErrorResponse(403, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized', headers);
    }

    const mediaType = mediaTypeOf(request.headers['content-type']);
    const codec = codecForMediaType(mediaType);
    const target = splitTarget(request.headers['x-amz-target']);
    const operation = target?.service === targetPrefix && Object.hasOwn(model.operations, target.operation) ? target.operation : undefined;

    if (request.body.length === 0) {
      // Checked before the content type: the reply is JSON only when the request said JSON.
      const reply = codec?.protocol === 'json' ? { codec, contentType: mediaType } : { codec: cbor11Codec, contentType: CBOR_1_1_CONTENT_TYPE };
      const type = operation ? 'SerializationException' : 'UnknownOperationException';
      return errorResponse(reply.codec, reply.contentType, new ServiceError(type, ''), headers);
    }
    if (!codec) {
      return target
        ? xmlErrorResponse(404, 'UnknownOperationException', undefined, headers)
        : xmlErrorResponse(403, 'AccessDeniedException', 'Unable to determine service/operation name to be authorized', headers);
    }

    try {
      const inputShape = operation ? model.operations[operation].input?.shape : undefined;
      // Plain JSON bodies are read straight into the shaped input; the generic way reads the rest
      // and words their errors. A body read directly is well-formed and well-typed, so skipping
      // the generic steps changes no answer.
      const direct = inputShape && codec === json11Codec ? readJsonInput(model, inputShape, request.body) : undefined;
      const body = direct ?? decodeBody(codec, request.body);
      if (!operation) throw new ServiceError('UnknownOperationException', '');
      const implementation = operations[operation];
      if (!implementation) throw new ServiceError('UnknownOperationException', `The operation ${operation} is not supported by this server.`);
      const caller = identifyCaller(request, options);
      const context: RequestContext = { requestId, protocol: codec.protocol, operation, ...caller };
      // What the direct reader built holds copies of the body's bytes (strings, blobs decoded apart).
      if (direct !== undefined) request.recycleBody?.();
      const input = direct ?? (inputShape ? shapeInput(model, inputShape, body, codec.timestampUnitMs) : {});
      if (inputShape) validateInput(model, inputShape, input);
      return successResponse(codec, mediaType, await implementation(input, context), headers);
    } catch (error) {
      if (error instanceof ServiceError) return errorResponse(codec, mediaType, error, headers);
      options.onError?.(asError(error), { requestId, operation });
      return errorResponse(codec, mediaType, new ServiceError('InternalFailure', '', 500), headers);
    }
  };
}

function splitTarget(target: string | undefined): { service: string; operation: string } | undefined {
  const dot = target?.indexOf('.') ?? -1;
  if (!target || dot <= 0 || dot === target.length - 1) return undefined;
  return { service: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/** The top level of a body must be an object; anything unreadable is a SerializationException without a message. */
function decodeBody(codec: WireCodec, body: Buffer): Record<string, unknown> {
  let decoded: unknown;
  try {
    decoded = codec.decode(body);
  } catch {
    throw new ServiceError('SerializationException', '');
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded) || Buffer.isBuffer(decoded) || decoded instanceof Date) {
    throw new ServiceError('SerializationException', '');
  }
  return decoded as Record<string, unknown>;
}

function successResponse(codec: WireCodec, contentType: string, output: unknown, headers: Record<string, string>): EdgeResponse {
  if (output instanceof EventStreamOutput) {
    // Payloads inside the frames are labelled as the request's body was (JSON 1.1 clients read application/json).
    const payloadType = codec === cbor11Codec ? CBOR_1_1_CONTENT_TYPE : 'application/json';
    return { statusCode: 200, headers: withContentType(headers, EVENT_STREAM_CONTENT_TYPE), body: output.frames(codec, payloadType) };
  }
  if (output === undefined || output === null) return { statusCode: 200, headers: withContentType(headers, contentType), body: Buffer.alloc(0) };
  // A large body goes into pooled buffers, given back by the edge once it was sent.
  const writer = new ByteWriter(4096, RESPONSE_BUFFERS);
  codec.write(writer, output);
  const { bytes, recycle } = writer.detach();
  (output as LendsMemory)[ON_ENCODED]?.();
  return { statusCode: 200, headers: withContentType(headers, contentType), body: bytes, recycleBody: recycle };
}

/** A browser's CORS preflight: everything asked for is allowed, for two days. */
function preflightResponse(request: EdgeRequest, requestId: string): EdgeResponse {
  const headers: Record<string, string> = {
    'x-amzn-RequestId': requestId,
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Max-Age': '172800',
  };
  const askedHeaders = request.headers['access-control-request-headers'];
  const askedMethod = request.headers['access-control-request-method'];
  if (askedHeaders !== undefined) headers['Access-Control-Allow-Headers'] = askedHeaders;
  if (askedMethod !== undefined) headers['Access-Control-Allow-Methods'] = askedMethod;
  return { statusCode: 200, headers, body: Buffer.alloc(0) };
}
