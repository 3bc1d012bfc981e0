import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

const CREATE_EMPTY = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

/**
 * Fixed-width entries held in memory and mirrored, append-only, to a file. The file is a cache of
 * what the log says: it is never fsynced, recovery checks it against the log, and a torn trailing
 * entry is dropped on load. The file descriptor opens on the first write and closes on release(),
 * so only the active segment's index files stay open.
 */
export class EntryFile {
  private persisted: number;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    readonly width: number,
    /** Entry i occupies bytes [i * width, (i + 1) * width). */
    public bytes: Buffer,
    public length: number,
    /** Whether the file existed when loaded (a new one counts as existing). */
    readonly existed: boolean,
  ) {
    this.persisted = length;
  }

  /** A new, empty entry file; truncates any file already at `path`. */
  static create(path: string, width: number): EntryFile {
    const file = new EntryFile(path, width, Buffer.alloc(width * 64), 0, true);
    file.fd = openSync(path, CREATE_EMPTY);
    return file;
  }

  static load(path: string, width: number): EntryFile {
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return new EntryFile(path, width, Buffer.alloc(width * 64), 0, false);
    }
    const length = Math.floor(content.length / width);
    const file = new EntryFile(path, width, content, length, true);
    if (content.length !== length * width) ftruncateSync(file.handle(), length * width);
    return file;
  }

  /** Appends one entry in memory and returns the byte position to write its fields at. */
  push(): number {
    const at = this.length * this.width;
    if (at + this.width > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(this.bytes.length * 2, this.width * 64));
      this.bytes.copy(grown, 0, 0, at);
      this.bytes = grown;
    }
    this.length++;
    return at;
  }

  /** Keeps the first `length` entries, in memory and in the file. */
  truncate(length: number): void {
    if (length >= this.length) return;
    this.length = length;
    if (this.persisted > length) {
      ftruncateSync(this.handle(), length * this.width);
      this.persisted = length;
    }
  }

  /** Writes the entries pushed since the last flush to the file, in one write. */
  flush(): void {
    if (this.persisted === this.length) return;
    const from = this.persisted * this.width;
    const to = this.length * this.width;
    let written = from;
    while (written < to) written += writeSync(this.handle(), this.bytes, written, to - written);
    this.persisted = this.length;
  }

  /** Closes the file descriptor; a later write reopens it. */
  release(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private handle(): number {
    this.fd ??= openSync(this.path, 'a');
    return this.fd;
  }
}
