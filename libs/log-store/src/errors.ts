/** Rejects appends to a log that seal() closed for writing; the seal survives reopening. */
export class LogSealedError extends Error {
  constructor(readonly dir: string) {
    super(`The log in ${dir} is sealed: it accepts no more appends.`);
    this.name = 'LogSealedError';
  }
}

/** Raised by any call on a log after close(). */
export class LogClosedError extends Error {
  constructor(readonly dir: string) {
    super(`The log in ${dir} is closed.`);
    this.name = 'LogClosedError';
  }
}

/**
 * The log stopped accepting appends after a write or fsync failed (fail-stop): after a failed
 * fdatasync the kernel may have dropped dirty pages, so nothing written since the last good sync
 * can be vouched for. Reads still work; reopening recovers from what reached the disk.
 */
export class LogFailedError extends Error {
  constructor(
    readonly dir: string,
    override readonly cause: unknown,
  ) {
    super(`The log in ${dir} failed and accepts no more appends: ${String(cause)}`);
    this.name = 'LogFailedError';
  }
}

/** A frame inside the retained range of the log failed its checksum or broke the offset sequence. */
export class LogCorruptionError extends Error {
  constructor(
    readonly file: string,
    readonly position: number,
  ) {
    super(`Corrupt record frame in ${file} at byte ${position}.`);
    this.name = 'LogCorruptionError';
  }
}

/** Raised when a log directory is opened twice in one process, or destroyed while open. */
export class LogInUseError extends Error {
  constructor(readonly dir: string) {
    super(`The log in ${dir} is open in this process.`);
    this.name = 'LogInUseError';
  }
}
