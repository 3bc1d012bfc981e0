/**
 * Large buffers kept for reuse: request bodies of a declared length, once a request is done with
 * its body, and response bodies, once they were written. On this machine a fresh 700 KB buffer
 * per PutRecords call cost ~300 µs (allocation and first touch of its pages), copying the body
 * into a warm one ~25 µs; and every 64 MB or so of fresh buffers makes V8 run a full garbage
 * collection, which is what buffers of 10–15 MB per GetRecords answer used to cost most.
 */
export class BodyPool {
  private readonly free: Buffer[] = [];

  constructor(
    /** Smaller bodies come from Node's own pool or are cheap to allocate. */
    private readonly minBytes: number,
    /** Larger ones are allocated and dropped, so the pool never holds more than maxFree × maxBytes. */
    private readonly maxBytes: number,
    private readonly maxFree: number,
  ) {}

  /** A buffer of at least `bytes`, its contents unspecified; undefined for sizes not pooled. */
  take(bytes: number): Buffer | undefined {
    if (!(bytes >= this.minBytes && bytes <= this.maxBytes)) return undefined;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      if (this.free[i].length >= bytes && (best < 0 || this.free[i].length < this.free[best].length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0];
    return Buffer.allocUnsafeSlow(Math.min(this.maxBytes, Math.ceil(bytes / SIZE_STEP) * SIZE_STEP));
  }

  /** Takes back a buffer from take(), which nothing may use any more. A full pool keeps its largest buffers. */
  give(buffer: Buffer): void {
    if (this.free.length < this.maxFree) {
      this.free.push(buffer);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i].length < this.free[smallest].length) smallest = i;
    if (this.free[smallest].length < buffer.length) this.free[smallest] = buffer;
  }
}

/** Sizes are rounded up to this, so bodies of about the same size share buffers. */
const SIZE_STEP = 64 * 1024;

/**
 * Response bodies from 256 KiB up, such as large GetRecords answers (up to 10 MiB of data, about
 * 14 MB as JSON), are written into these (see ByteWriter.detach) and given back once sent.
 */
export const RESPONSE_BUFFERS = new BodyPool(256 * 1024, 16 * 1024 * 1024, 3);
