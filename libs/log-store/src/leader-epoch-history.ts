import { LogClosedError, LogFailedError } from './errors';
import type { LogDirectory } from './log-directory';

/** Leader epoch `epoch` began at `startOffset`: its leader's first record got that offset, if it wrote any. */
export interface LeaderEpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** Kafka's OffsetsForLeaderEpoch answer: where `epoch`'s records end in this log (exclusive). */
export interface EpochEndOffset {
  readonly epoch: number;
  readonly endOffset: number;
}

/**
 * Which leader epoch wrote which offsets of a replicated log (Kafka's leader-epoch cache, KIP-101 /
 * KIP-279). A follower asks its new leader for endOffsetFor(its latest epoch) and truncates its log
 * to the answer, removing a tail the new leader never had.
 *
 * The log keeps the history consistent with its records: truncate(offset) drops the epochs that
 * began at or after `offset`; trim() and restartAt() drop the epochs that wrote no retained record,
 * except that the one that wrote the first retained offset stays, its start moved up to startOffset.
 * Every entry begins within [startOffset, nextOffset]; one at nextOffset has written nothing yet.
 */
export interface LeaderEpochs {
  /**
   * Records that leader epoch `epoch` begins at `startOffset`; resolves once that is durable. A new
   * leader calls it with nextOffset before its first append, a follower before appending the first
   * records of a newer epoch; either awaits it first, or a crash could keep records the history
   * does not attribute. Epochs rise strictly and start offsets never fall: an older epoch or an
   * earlier start than the latest entry's rejects with RangeError, as does a start outside
   * [startOffset, nextOffset]. Assigning the latest epoch again does nothing (but waits for its
   * write). Several epochs may begin at one offset when the earlier ones wrote nothing; all are kept.
   * Rejects with LogClosedError after close(), LogFailedError once a history write has failed.
   */
  assign(epoch: number, startOffset: number): Promise<void>;
  /** The newest epoch and where it began; undefined until one is assigned. */
  latest(): LeaderEpochEntry | undefined;
  /**
   * The largest epoch at or below `epoch`, and where it ends: the start of the entry after it, or
   * nextOffset for the latest. Undefined if no epoch at or below `epoch` is known (none assigned,
   * or retention removed them).
   */
  endOffsetFor(epoch: number): EpochEndOffset | undefined;
  /** Every entry, oldest first, for diagnostics. */
  entries(): readonly LeaderEpochEntry[];
}

/** The offsets of the log a history describes. */
export interface LogBounds {
  readonly startOffset: number;
  readonly nextOffset: number;
}

/**
 * The history of one log, kept in memory and in the `leader-epoch-checkpoint` file of its
 * directory, which is replaced whole on every change (see LogDirectory.replaceFile) and synced
 * whatever the log's fsync policy: changes come once per leader change, and the file must never be
 * ahead of the records it describes. A log that never had an epoch assigned has no file.
 *
 * Writes happen one at a time, in call order, each after the log change it follows is durable.
 * Changes are visible at once, like appends. The first write that fails stops the history (fail-stop,
 * as for the log): later changes reject with LogFailedError; reopening recovers from the file.
 */
export class LeaderEpochHistory implements LeaderEpochs {
  private list: LeaderEpochEntry[];
  /** The last write queued; settles, never rejects, when it ends. */
  private writes: Promise<void> = Promise.resolve();
  private failure: { cause: unknown } | undefined;
  private closed = false;

  constructor(
    private readonly directory: LogDirectory,
    private readonly log: LogBounds,
    entries: readonly LeaderEpochEntry[],
  ) {
    this.list = [...entries];
  }

  /**
   * Reads the history of a log just recovered to [startOffset, nextOffset) and fits it to that log
   * (see fitLeaderEpochs), rewriting the file if that changed anything. Entries beyond the log's
   * end are those whose records a crash took (a torn tail), or that a truncate removed just before
   * the crash; `dropped` counts them with those before the log's start (an interrupted trim).
   */
  static async recover(directory: LogDirectory, startOffset: number, nextOffset: number): Promise<{ entries: LeaderEpochEntry[]; dropped: number }> {
    const text = directory.readLeaderEpochs();
    if (text === undefined) return { entries: [], dropped: 0 };
    const stored = parseLeaderEpochs(text, directory.path);
    const entries = fitLeaderEpochs(stored, startOffset, nextOffset);
    if (!sameEntries(entries, stored)) await directory.writeLeaderEpochs(formatLeaderEpochs(entries));
    return { entries, dropped: stored.length - entries.length };
  }

  async assign(epoch: number, startOffset: number): Promise<void> {
    this.assertOpen();
    this.assertNotFailed();
    requireInteger('epoch', epoch);
    requireInteger('startOffset', startOffset);
    const latest = this.list.at(-1);
    if (latest !== undefined) {
      if (epoch < latest.epoch) throw new RangeError(`Leader epoch ${epoch} is older than the latest, ${latest.epoch}.`);
      if (startOffset < latest.startOffset) {
        throw new RangeError(`Leader epoch ${epoch} cannot begin at ${startOffset}, before epoch ${latest.epoch} began (${latest.startOffset}).`);
      }
      if (epoch === latest.epoch) {
        await this.writes;
        this.assertNotFailed();
        return;
      }
    }
    const { startOffset: first, nextOffset } = this.log;
    if (startOffset < first || startOffset > nextOffset) {
      throw new RangeError(`Leader epoch ${epoch} must begin within the log, at ${first} to ${nextOffset}; got ${startOffset}.`);
    }
    this.list.push({ epoch, startOffset });
    await this.persist();
  }

  latest(): LeaderEpochEntry | undefined {
    this.assertOpen();
    const latest = this.list.at(-1);
    return latest === undefined ? undefined : { ...latest };
  }

  endOffsetFor(epoch: number): EpochEndOffset | undefined {
    this.assertOpen();
    if (!Number.isSafeInteger(epoch)) throw new RangeError(`epoch must be an integer; got ${epoch}.`);
    // The first entry whose epoch is above the one asked for; the one before it answers.
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid].epoch <= epoch) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return undefined;
    const endOffset = lo < this.list.length ? this.list[lo].startOffset : this.log.nextOffset;
    return { epoch: this.list[lo - 1].epoch, endOffset };
  }

  entries(): readonly LeaderEpochEntry[] {
    this.assertOpen();
    return this.list.map((entry) => ({ ...entry }));
  }

  /**
   * For the log, after it removed the records from `offset` on: drops the epochs that began there
   * or later (Kafka's truncateFromEnd). The file is written once `logDurable()` resolves.
   */
  truncateFromEnd(offset: number, logDurable: () => Promise<void>): Promise<void> {
    return this.replace(
      this.list.filter((entry) => entry.startOffset < offset),
      logDurable,
    );
  }

  /**
   * For the log, after its bounds moved to [startOffset, nextOffset) by retention or a restart (see
   * fitLeaderEpochs). The file is written once `logDurable()` resolves.
   */
  fitTo(startOffset: number, nextOffset: number, logDurable: () => Promise<void>): Promise<void> {
    return this.replace(fitLeaderEpochs(this.list, startOffset, nextOffset), logDurable);
  }

  /** Refuses every later public call with LogClosedError; see idle() for the writes under way. */
  close(): void {
    this.closed = true;
  }

  /** Resolves, never rejects, when the writes queued so far have ended. */
  idle(): Promise<void> {
    return this.writes;
  }

  private replace(entries: LeaderEpochEntry[], logDurable: () => Promise<void>): Promise<void> {
    if (sameEntries(entries, this.list)) return Promise.resolve();
    this.list = entries;
    return this.persist(logDurable);
  }

  /** Queues a write of the entries as they are now, after every write queued before it. */
  private persist(logDurable?: () => Promise<void>): Promise<void> {
    const text = formatLeaderEpochs(this.list);
    const write = this.writes.then(async () => {
      if (this.failure !== undefined) throw this.failure.cause;
      if (logDurable !== undefined) await logDurable();
      await this.directory.writeLeaderEpochs(text);
    });
    this.writes = write.catch((cause: unknown) => {
      this.failure ??= { cause: cause instanceof LogFailedError ? cause.cause : cause };
    });
    return write.catch((cause: unknown) => {
      throw cause instanceof LogFailedError ? cause : this.failedError(cause);
    });
  }

  private failedError(cause: unknown): LogFailedError {
    return new LogFailedError(this.directory.path, cause);
  }

  private assertNotFailed(): void {
    if (this.failure !== undefined) throw this.failedError(this.failure.cause);
  }

  private assertOpen(): void {
    if (this.closed) throw new LogClosedError(this.directory.path);
  }
}

/**
 * The entries that describe a log holding [startOffset, nextOffset). Those that began past
 * nextOffset go: their records are gone. Of those that began at or before startOffset only the last
 * stays, moved up to startOffset, as it wrote the first record retained (Kafka's truncateFromStart).
 * An entry at exactly nextOffset stays, the last or not: epochs whose leaders have appended nothing
 * yet, which a clean reopen must keep. One that a crash left there (a truncate that did not reach
 * the file) names an epoch that wrote nothing, so endOffsetFor still reports the same end offsets.
 */
export function fitLeaderEpochs(entries: readonly LeaderEpochEntry[], startOffset: number, nextOffset: number): LeaderEpochEntry[] {
  const kept = entries.filter((entry) => entry.startOffset <= nextOffset);
  let first = 0;
  while (first + 1 < kept.length && kept[first + 1].startOffset <= startOffset) first++;
  const fitted = kept.slice(first);
  if (fitted.length > 0 && fitted[0].startOffset < startOffset) fitted[0] = { epoch: fitted[0].epoch, startOffset };
  return fitted;
}

/*
 * Kafka's leader-epoch-checkpoint format, one field per line: the version (0), the number of
 * entries, then "<epoch> <startOffset>" per entry, oldest first.
 */
const FORMAT_VERSION = '0';

export function formatLeaderEpochs(entries: readonly LeaderEpochEntry[]): string {
  const lines = [FORMAT_VERSION, String(entries.length), ...entries.map((entry) => `${entry.epoch} ${entry.startOffset}`)];
  return `${lines.join('\n')}\n`;
}

/** The file is only ever replaced whole, so anything malformed was damaged from outside: opening fails. */
export function parseLeaderEpochs(text: string, dir: string): LeaderEpochEntry[] {
  const malformed = (why: string) => new Error(`The leader-epoch history in ${dir} is malformed: ${why}.`);
  const lines = text.split('\n');
  if (lines[0] !== FORMAT_VERSION) throw malformed(`unknown version ${JSON.stringify(lines[0])}`);
  const count = /^\d+$/.test(lines[1] ?? '') ? Number(lines[1]) : NaN;
  if (!(count >= 0) || lines.length !== count + 3 || lines[count + 2] !== '') throw malformed('the entry count does not match the lines');
  const entries: LeaderEpochEntry[] = [];
  for (const line of lines.slice(2, 2 + count)) {
    const match = /^(\d+) (\d+)$/.exec(line);
    const entry = match === null ? undefined : { epoch: Number(match[1]), startOffset: Number(match[2]) };
    if (entry === undefined || !Number.isSafeInteger(entry.epoch) || !Number.isSafeInteger(entry.startOffset)) {
      throw malformed(`bad entry ${JSON.stringify(line)}`);
    }
    const previous = entries.at(-1);
    if (previous !== undefined && (entry.epoch <= previous.epoch || entry.startOffset < previous.startOffset)) {
      throw malformed(`entry ${JSON.stringify(line)} is out of order`);
    }
    entries.push(entry);
  }
  return entries;
}

function sameEntries(a: readonly LeaderEpochEntry[], b: readonly LeaderEpochEntry[]): boolean {
  return a.length === b.length && a.every((entry, i) => entry.epoch === b[i].epoch && entry.startOffset === b[i].startOffset);
}

function requireInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be an integer >= 0; got ${value}.`);
}
