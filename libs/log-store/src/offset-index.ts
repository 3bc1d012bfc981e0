import { EntryFile } from './entry-file';

const WIDTH = 8;

/**
 * A segment's sparse offset index (`.index`): entries of [relative offset u32][file position u32],
 * little-endian, both strictly increasing. The segment's first record (relative offset 0, position 0)
 * is implied and never stored.
 */
export class OffsetIndex {
  private constructor(readonly file: EntryFile) {}

  static create(path: string): OffsetIndex {
    return new OffsetIndex(EntryFile.create(path, WIDTH));
  }

  static load(path: string): OffsetIndex {
    return new OffsetIndex(EntryFile.load(path, WIDTH));
  }

  get length(): number {
    return this.file.length;
  }

  relativeOffsetAt(i: number): number {
    return this.file.bytes.readUInt32LE(i * WIDTH);
  }

  positionAt(i: number): number {
    return this.file.bytes.readUInt32LE(i * WIDTH + 4);
  }

  add(relativeOffset: number, position: number): void {
    const at = this.file.push();
    this.file.bytes.writeUInt32LE(relativeOffset, at);
    this.file.bytes.writeUInt32LE(position, at + 4);
  }

  /** Index of the last entry at or before `relativeOffset`, or -1 if there is none. */
  floor(relativeOffset: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsetAt(mid) <= relativeOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi;
  }

  /** Number of entries below `relativeOffset`. */
  countBelow(relativeOffset: number): number {
    return this.floor(relativeOffset - 1) + 1;
  }

  isWellFormed(): boolean {
    let previousOffset = 0;
    let previousPosition = 0;
    for (let i = 0; i < this.length; i++) {
      const offset = this.relativeOffsetAt(i);
      const position = this.positionAt(i);
      if (offset <= previousOffset || position <= previousPosition) return false;
      previousOffset = offset;
      previousPosition = position;
    }
    return true;
  }
}
