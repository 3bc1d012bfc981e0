/**
 * An error the client sees as `{"__type": type, "message": message}` with HTTP `statusCode`.
 * An empty message is left out of the body, as AWS does for framework errors such as
 * UnknownOperationException. `messageField` exists because AWS's own SerializationException
 * bodies spell it `Message`; SDKs read either.
 */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
    readonly messageField: 'message' | 'Message' = 'message',
  ) {
    super(message);
    this.name = type;
  }
}

/** The body fields of `error`, ready for either codec. */
export function serviceErrorBody(error: ServiceError): Record<string, string> {
  return error.message ? { __type: error.type, [error.messageField]: error.message } : { __type: error.type };
}
