import type { Readable } from 'node:stream';

/** One HTTP request as the edge hands it to a handler, whichever HTTP version carried it. */
export interface EdgeRequest {
  method: string;
  /** The request target as sent: the path and any query string, still percent-encoded. */
  path: string;
  /**
   * Lower-case names. Of HTTP/2's pseudo-headers only `:authority` is kept (SDKs sign it), and
   * it is also given as `host` when the client sent no host header.
   */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /**
   * Says the handler is done with the body's bytes for good: nothing it keeps or returns refers to
   * them (it made copies of what it needs). The edge may then reuse the memory for another
   * request's body at once, so a handler calls this only when sure, and never reads `body` after.
   */
  recycleBody?: () => void;
  /** `1.1` or `2.0`. */
  httpVersion?: string;
}

/** A Buffer body gets a content-length; a Readable is streamed (chunked on HTTP/1.1). */
export interface EdgeResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer | Readable;
  /**
   * For a Buffer body in reusable memory: the edge calls it once the whole body was handed to the
   * connection, and never if the response was cut short (the memory is then left to the garbage
   * collector, as a write may still refer to it).
   */
  recycleBody?: () => void;
}

export type EdgeHandler = (request: EdgeRequest) => Promise<EdgeResponse>;
