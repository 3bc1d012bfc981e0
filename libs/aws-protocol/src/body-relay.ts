/** What a request's body is handed to, piece by piece, whichever HTTP version carries it. */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  /** The client went away (or reset the stream) before the body ended. */
  abort(): void;
}

/**
 * A request body on its way from the connection to the exchange: pieces that arrive before the
 * exchange attaches its sink are kept and handed over when it does. Once dropped, what still
 * arrives is only counted.
 */
export class BodyRelay {
  private sink: BodySink | undefined;
  private early: Buffer[] | undefined;
  private ended = false;
  private aborted = false;
  private droppingFlag = false;
  /** Octets that arrived since the body was dropped. */
  dropped = 0;

  get complete(): boolean {
    return this.ended;
  }

  /** Starts delivering to `sink` (what came before is delivered at once). */
  attach(sink: BodySink): void {
    this.sink = sink;
    const early = this.early;
    this.early = undefined;
    if (early !== undefined) for (const chunk of early) sink.data(chunk);
    if (this.ended) sink.end();
    else if (this.aborted) sink.abort();
  }

  /** From now on the body is counted, not kept or delivered. */
  drop(): void {
    this.droppingFlag = true;
    this.dropped = 0;
    this.sink = undefined;
    this.early = undefined;
  }

  get dropping(): boolean {
    return this.droppingFlag;
  }

  data(chunk: Buffer): void {
    if (this.droppingFlag) {
      this.dropped += chunk.length;
      return;
    }
    if (this.sink !== undefined) this.sink.data(chunk);
    else (this.early ??= []).push(chunk);
  }

  end(): void {
    if (this.ended || this.aborted) return;
    this.ended = true;
    this.sink?.end();
  }

  /** The body will not end: the client went away first. */
  abort(): void {
    if (this.ended || this.aborted) return;
    this.aborted = true;
    const sink = this.sink;
    this.sink = undefined;
    sink?.abort();
  }
}
