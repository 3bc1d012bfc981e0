import { EntryFile } from './entry-file';

const WIDTH = 12;
const TWO_32 = 0x1_0000_0000;

/**
 * A segment's sparse time index (`.timeindex`): entries of [arrival ms u64][relative offset u32],
 * little-endian, both strictly increasing. Each entry names a record that arrived later than every
 * record before it in the segment.
 */
export class TimeIndex {
  private constructor(readonly file: EntryFile) {}

  static create(path: string): TimeIndex {
    return new TimeIndex(EntryFile.create(path, WIDTH));
  }

  static load(path: string): TimeIndex {
    return new TimeIndex(EntryFile.load(path, WIDTH));
  }

  get length(): number {
    return this.file.length;
  }

  arrivalMsAt(i: number): number {
    const bytes = this.file.bytes;
    return bytes.readUInt32LE(i * WIDTH + 4) * TWO_32 + bytes.readUInt32LE(i * WIDTH);
  }

  relativeOffsetAt(i: number): number {
    return this.file.bytes.readUInt32LE(i * WIDTH + 8);
  }

  add(arrivalMs: number, relativeOffset: number): void {
    const at = this.file.push();
    const bytes = this.file.bytes;
    bytes.writeUInt32LE(arrivalMs % TWO_32, at);
    bytes.writeUInt32LE(Math.floor(arrivalMs / TWO_32), at + 4);
    bytes.writeUInt32LE(relativeOffset, at + 8);
  }

  /** Index of the first entry that arrived at or after `timestampMs`, or `length` if none did. */
  firstAtOrAfter(timestampMs: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.arrivalMsAt(mid) < timestampMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of entries below `relativeOffset`. */
  countBelow(relativeOffset: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) < relativeOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  isWellFormed(): boolean {
    for (let i = 1; i < this.length; i++) {
      if (this.arrivalMsAt(i) <= this.arrivalMsAt(i - 1)) return false;
      if (this.relativeOffsetAt(i) <= this.relativeOffsetAt(i - 1)) return false;
    }
    return this.length === 0 || this.relativeOffsetAt(0) > 0;
  }
}
