import { readSync } from 'node:fs';
import { type FrameBytes, frameTotalBytes, isIntactFrame, isWellFormedFrame } from './record-frame';

export type CursorStep = 'frame' | 'end' | 'bad';

const EMPTY = Buffer.alloc(0);

/**
 * Where a reader's cursors get their read buffers: a pool of reusable memory, say, which the
 * reader takes back once nothing looks at the records any more. undefined means a fresh buffer.
 * Any buffer of at least `bytes` will do.
 */
export interface ReadBufferSource {
  take(bytes: number): Buffer | undefined;
}

/**
 * Walks the frames of a log file from `position` up to `end`, reading `chunkBytes` at a time (more
 * when a frame is bigger). Every refill reads into a fresh buffer, so records decoded as views of
 * `buffer` stay valid after the cursor moves on (for as long as whoever supplied the buffers
 * leaves them alone).
 */
export class FrameCursor implements FrameBytes {
  /** After load() returned 'frame': the buffer holding the frame, where in it, and its size. */
  buffer: Buffer = EMPTY;
  view: DataView = new DataView(EMPTY.buffer, 0, 0);
  at = 0;
  size = 0;
  private bufferStart = 0;

  constructor(
    private readonly fd: number,
    /** File position of the frame load() looks at. */
    public position: number,
    private readonly end: number,
    private readonly chunkBytes: number,
    private readonly buffers?: ReadBufferSource,
  ) {}

  /**
   * Loads the frame at `position`: 'frame' when it is whole and intact, 'end' at `end`, 'bad' when
   * the range ends inside it or it fails its checks. Without `checksum`, the frame's checksum is
   * left to the caller, who checks many frames at once (see areIntactChecksums).
   */
  load(checksum = true): CursorStep {
    const remaining = this.end - this.position;
    if (remaining <= 0) return 'end';
    if (remaining < 4) return 'bad';
    if (!this.holds(4)) this.fill(4);
    if (!this.holds(4)) return 'bad';
    const at = this.position - this.bufferStart;
    const size = frameTotalBytes(this, at);
    if (size > remaining) return 'bad';
    if (!this.holds(size)) this.fill(size);
    if (!this.holds(size)) return 'bad';
    this.at = this.position - this.bufferStart;
    this.size = size;
    return (checksum ? isIntactFrame : isWellFormedFrame)(this, this.at, size) ? 'frame' : 'bad';
  }

  /** Moves past the frame load() just returned. */
  advance(): void {
    this.position += this.size;
  }

  private holds(bytes: number): boolean {
    const at = this.position - this.bufferStart;
    return at >= 0 && at + bytes <= this.buffer.length;
  }

  private fill(atLeast: number): void {
    const length = Math.min(this.end - this.position, Math.max(this.chunkBytes, atLeast));
    const buffer = this.buffers?.take(length) ?? Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(this.fd, buffer, filled, length - filled, this.position + filled);
      if (n === 0) break;
      filled += n;
    }
    this.buffer = filled === buffer.length ? buffer : buffer.subarray(0, filled);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.bufferStart = this.position;
  }
}
