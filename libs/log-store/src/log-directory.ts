import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface SegmentPaths {
  log: string;
  offsetIndex: string;
  timeIndex: string;
}

/** Something whose writes an fsync round makes durable. */
export interface SyncTarget {
  sync(): Promise<void>;
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex)$/;
const SEALED_MARKER = 'sealed';
const LEADER_EPOCH_FILE = 'leader-epoch-checkpoint';
/** A replacement being written; only a rename makes it the real file. */
const TEMPORARY_SUFFIX = '.tmp';

/** `%020d`: segment files sort by name in offset order. */
export function segmentFileStem(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0');
}

/** Deletes a segment's files, the log first: a crash part-way leaves index files without a log, which scanSegments removes. */
export function removeSegmentFiles(paths: SegmentPaths): void {
  rmSync(paths.log, { force: true });
  rmSync(paths.offsetIndex, { force: true });
  rmSync(paths.timeIndex, { force: true });
}

/**
 * The directory of one shard log: `<base>.log`, `<base>.index` and `<base>.timeindex` per segment,
 * named by the segment's first offset, a `sealed` marker once the log is sealed, and a
 * `leader-epoch-checkpoint` once a leader epoch is assigned. Syncing it makes file creations durable.
 */
export class LogDirectory implements SyncTarget {
  constructor(readonly path: string) {
    mkdirSync(path, { recursive: true });
  }

  segmentPaths(baseOffset: number): SegmentPaths {
    const stem = join(this.path, segmentFileStem(baseOffset));
    return { log: `${stem}.log`, offsetIndex: `${stem}.index`, timeIndex: `${stem}.timeindex` };
  }

  /**
   * Base offsets of the segments present, ascending. Index files left without their log (see
   * removeSegmentFiles) are removed.
   */
  scanSegments(): number[] {
    const logs = new Set<string>();
    const indexes: string[] = [];
    for (const name of readdirSync(this.path)) {
      const match = SEGMENT_FILE.exec(name);
      if (match === null) continue;
      if (match[2] === 'log') logs.add(match[1]);
      else indexes.push(name);
    }
    for (const name of indexes) {
      if (!logs.has(name.slice(0, 20))) rmSync(join(this.path, name), { force: true });
    }
    return [...logs].sort().map(Number);
  }

  isSealed(): boolean {
    return readdirSync(this.path).includes(SEALED_MARKER);
  }

  /** Creates the seal marker durably. */
  async markSealed(): Promise<void> {
    closeSync(openSync(join(this.path, SEALED_MARKER), 'w'));
    await this.sync();
  }

  /**
   * The leader-epoch history file's text, or undefined if the log has none. A replacement that a
   * crash left half-written is deleted: it never became the file.
   */
  readLeaderEpochs(): string | undefined {
    const path = join(this.path, LEADER_EPOCH_FILE);
    rmSync(path + TEMPORARY_SUFFIX, { force: true });
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Replaces the leader-epoch history file durably (see replaceFile). */
  writeLeaderEpochs(text: string): Promise<void> {
    return this.replaceFile(LEADER_EPOCH_FILE, text);
  }

  async sync(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Written beside the file, synced, renamed over it: a crash leaves the old file or the new one, whole. */
  private async replaceFile(name: string, text: string): Promise<void> {
    const path = join(this.path, name);
    const handle = await open(path + TEMPORARY_SUFFIX, 'w');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(path + TEMPORARY_SUFFIX, path);
    await this.sync();
  }
}
