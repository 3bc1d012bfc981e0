/**
 * When an append counts as durable: `always` after an fdatasync of its own, `group` after an
 * fdatasync shared with the appends around it (group commit), `os` as soon as the kernel has the
 * bytes (survives the process dying, not the machine).
 */
export type FsyncPolicy = 'always' | 'group' | 'os';

export interface ShardLogOptions {
  /** One directory per shard log; created if missing. */
  dir: string;
  /** Explicit, never a hidden default. */
  fsync: FsyncPolicy;
  /** Roll the active segment before an append would take it past this size (default 128 MiB, at most 2 GiB). */
  segmentMaxBytes?: number;
  /** Roll the active segment once its first record is this old at append time (default 1 h). */
  segmentMaxAgeMs?: number;
  /** Bytes between sparse offset-index entries (default 4096). */
  indexIntervalBytes?: number;
}

export type ResolvedShardLogOptions = Required<ShardLogOptions>;

/** File positions are u32 in the index; 2 GiB leaves room for a batch that starts below the limit. */
export const MAX_SEGMENT_BYTES = 2 ** 31;

const POLICIES: readonly FsyncPolicy[] = ['always', 'group', 'os'];

export function resolveShardLogOptions(options: ShardLogOptions): ResolvedShardLogOptions {
  const resolved = {
    dir: options.dir,
    fsync: options.fsync,
    segmentMaxBytes: options.segmentMaxBytes ?? 128 * 1024 * 1024,
    segmentMaxAgeMs: options.segmentMaxAgeMs ?? 60 * 60 * 1000,
    indexIntervalBytes: options.indexIntervalBytes ?? 4096,
  };
  if (typeof resolved.dir !== 'string' || resolved.dir === '') throw new RangeError('ShardLog: dir must be a non-empty path.');
  if (!POLICIES.includes(resolved.fsync)) {
    throw new RangeError(`ShardLog: fsync must be one of ${POLICIES.join(', ')}; got ${String(resolved.fsync)}.`);
  }
  requireInteger('segmentMaxBytes', resolved.segmentMaxBytes, 1, MAX_SEGMENT_BYTES);
  requireInteger('segmentMaxAgeMs', resolved.segmentMaxAgeMs, 1, Number.MAX_SAFE_INTEGER);
  requireInteger('indexIntervalBytes', resolved.indexIntervalBytes, 1, MAX_SEGMENT_BYTES);
  return resolved;
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`ShardLog: ${name} must be an integer from ${min} to ${max}; got ${value}.`);
  }
}
