import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogClosedError, LogFailedError } from './errors';
import { type LeaderEpochEntry, LeaderEpochHistory, fitLeaderEpochs, formatLeaderEpochs, parseLeaderEpochs } from './leader-epoch-history';
import { LogDirectory } from './log-directory';
import { useTempDir } from './temp-dir.fixture';

const FILE = 'leader-epoch-checkpoint';

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('LeaderEpochHistory', () => {
  const tmp = useTempDir();
  let directory: LogDirectory;
  /** The log the history describes; tests move its bounds as a log would. */
  let log: { startOffset: number; nextOffset: number };

  beforeEach(() => {
    directory = new LogDirectory(tmp.path);
    log = { startOffset: 0, nextOffset: 0 };
  });
  afterEach(() => jest.restoreAllMocks());

  function history(entries: LeaderEpochEntry[] = []): LeaderEpochHistory {
    return new LeaderEpochHistory(directory, log, entries);
  }

  function stored(): LeaderEpochEntry[] | undefined {
    const path = join(tmp.path, FILE);
    return existsSync(path) ? parseLeaderEpochs(readFileSync(path, 'utf8'), tmp.path) : undefined;
  }

  describe('assign', () => {
    it('appends entries and resolves once the file holds them, in Kafka checkpoint format', async () => {
      const epochs = history();
      await epochs.assign(1, 0);
      log.nextOffset = 10;
      await epochs.assign(3, 10);
      expect(epochs.entries()).toEqual([
        { epoch: 1, startOffset: 0 },
        { epoch: 3, startOffset: 10 },
      ]);
      expect(readFileSync(join(tmp.path, FILE), 'utf8')).toBe('0\n2\n1 0\n3 10\n');
      expect(readdirSync(tmp.path)).toEqual([FILE]);
    });

    it('shows a change at once, before it is durable', async () => {
      const epochs = history();
      const assigned = epochs.assign(2, 0);
      expect(epochs.latest()).toEqual({ epoch: 2, startOffset: 0 });
      expect(stored()).toBeUndefined();
      await assigned;
      expect(stored()).toEqual([{ epoch: 2, startOffset: 0 }]);
    });

    it('refuses an older epoch, an earlier start, a start outside the log, and non-integers, changing nothing', async () => {
      log = { startOffset: 5, nextOffset: 20 };
      const epochs = history([{ epoch: 3, startOffset: 10 }]);
      await expect(epochs.assign(2, 15)).rejects.toThrow(/older than the latest, 3/);
      await expect(epochs.assign(4, 9)).rejects.toThrow(/before epoch 3 began \(10\)/);
      await expect(epochs.assign(3, 9)).rejects.toThrow(RangeError);
      await expect(epochs.assign(4, 21)).rejects.toThrow(/within the log, at 5 to 20; got 21/);
      await expect(epochs.assign(4.5, 12)).rejects.toThrow(RangeError);
      await expect(epochs.assign(-1, 12)).rejects.toThrow(RangeError);
      await expect(epochs.assign(4, Number.NaN)).rejects.toThrow(RangeError);
      expect(epochs.entries()).toEqual([{ epoch: 3, startOffset: 10 }]);
      expect(stored()).toBeUndefined();
    });

    it('refuses a first entry before the log start', async () => {
      log = { startOffset: 5, nextOffset: 20 };
      const epochs = history();
      await expect(epochs.assign(1, 4)).rejects.toThrow(RangeError);
      await epochs.assign(1, 5);
      expect(epochs.entries()).toEqual([{ epoch: 1, startOffset: 5 }]);
    });

    it('does nothing when the latest epoch is assigned again, at its start or later', async () => {
      log.nextOffset = 30;
      const epochs = history();
      await epochs.assign(4, 10);
      const write = jest.spyOn(directory, 'writeLeaderEpochs');
      await epochs.assign(4, 10);
      await epochs.assign(4, 25);
      expect(epochs.entries()).toEqual([{ epoch: 4, startOffset: 10 }]);
      expect(write).not.toHaveBeenCalled();
    });

    it('keeps epochs that begin at the same offset, the earlier having written nothing', async () => {
      log.nextOffset = 10;
      const epochs = history();
      await epochs.assign(1, 0);
      await epochs.assign(2, 10);
      await epochs.assign(3, 10);
      expect(epochs.entries().map((entry) => entry.epoch)).toEqual([1, 2, 3]);
      expect(epochs.endOffsetFor(1)).toEqual({ epoch: 1, endOffset: 10 });
      expect(epochs.endOffsetFor(2)).toEqual({ epoch: 2, endOffset: 10 });
      expect(stored()).toEqual(epochs.entries());
    });

    it('writes one at a time, in call order', async () => {
      log.nextOffset = 100;
      const epochs = history();
      const real = directory.writeLeaderEpochs.bind(directory);
      let inFlight = 0;
      let mostInFlight = 0;
      const written: string[] = [];
      jest.spyOn(directory, 'writeLeaderEpochs').mockImplementation(async (text) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await nextTurn();
        await real(text);
        written.push(text);
        inFlight--;
      });
      await Promise.all([1, 2, 3, 4].map((epoch) => epochs.assign(epoch, epoch * 10)));
      expect(mostInFlight).toBe(1);
      expect(written.map((text) => parseLeaderEpochs(text, '').length)).toEqual([1, 2, 3, 4]);
      expect(stored()).toHaveLength(4);
    });

    it('stops the history after a failed write (fail-stop), also for a repeated assign', async () => {
      log.nextOffset = 10;
      const epochs = history();
      jest.spyOn(directory, 'writeLeaderEpochs').mockRejectedValueOnce(new Error('EIO'));
      await expect(epochs.assign(1, 0)).rejects.toBeInstanceOf(LogFailedError);
      await expect(epochs.assign(2, 5)).rejects.toBeInstanceOf(LogFailedError);
      await expect(epochs.assign(1, 0)).rejects.toThrow(/EIO/);
      expect(stored()).toBeUndefined();
    });

    it('makes a repeated assign wait for the write of the first', async () => {
      const epochs = history();
      const gate = deferred();
      const real = directory.writeLeaderEpochs.bind(directory);
      jest.spyOn(directory, 'writeLeaderEpochs').mockImplementation(async (text) => {
        await gate.promise;
        await real(text);
      });
      void epochs.assign(1, 0);
      let repeated = false;
      const again = epochs.assign(1, 0).then(() => (repeated = true));
      await nextTurn();
      expect(repeated).toBe(false);
      gate.resolve();
      await again;
      expect(stored()).toEqual([{ epoch: 1, startOffset: 0 }]);
    });

    it('refuses every call once closed', async () => {
      const epochs = history();
      epochs.close();
      await expect(epochs.assign(1, 0)).rejects.toBeInstanceOf(LogClosedError);
      expect(() => epochs.latest()).toThrow(LogClosedError);
      expect(() => epochs.endOffsetFor(1)).toThrow(LogClosedError);
      expect(() => epochs.entries()).toThrow(LogClosedError);
    });
  });

  describe('endOffsetFor', () => {
    it("answers like Kafka's OffsetsForLeaderEpoch: the largest epoch at or below, ending where the next begins", () => {
      log.nextOffset = 40;
      const epochs = history([
        { epoch: 1, startOffset: 0 },
        { epoch: 3, startOffset: 10 },
        { epoch: 4, startOffset: 25 },
      ]);
      expect(epochs.endOffsetFor(0)).toBeUndefined();
      expect(epochs.endOffsetFor(-1)).toBeUndefined();
      expect(epochs.endOffsetFor(1)).toEqual({ epoch: 1, endOffset: 10 });
      expect(epochs.endOffsetFor(2)).toEqual({ epoch: 1, endOffset: 10 });
      expect(epochs.endOffsetFor(3)).toEqual({ epoch: 3, endOffset: 25 });
      expect(epochs.endOffsetFor(4)).toEqual({ epoch: 4, endOffset: 40 });
      expect(epochs.endOffsetFor(5)).toEqual({ epoch: 4, endOffset: 40 });
      log.nextOffset = 41;
      expect(epochs.endOffsetFor(9)).toEqual({ epoch: 4, endOffset: 41 });
      expect(epochs.latest()).toEqual({ epoch: 4, startOffset: 25 });
    });

    it('knows nothing without entries', () => {
      const epochs = history();
      expect([epochs.endOffsetFor(0), epochs.endOffsetFor(7), epochs.latest()]).toEqual([undefined, undefined, undefined]);
      expect(epochs.entries()).toEqual([]);
    });

    it('finds the answer in a long history', () => {
      const entries = Array.from({ length: 200 }, (_, i) => ({ epoch: 3 * i + 1, startOffset: 10 * i }));
      log.nextOffset = 5000;
      const epochs = history(entries);
      for (let epoch = 0; epoch < 620; epoch++) {
        let index = -1;
        while (index + 1 < entries.length && entries[index + 1].epoch <= epoch) index++;
        const expected = index < 0 ? undefined : { epoch: entries[index].epoch, endOffset: entries[index + 1]?.startOffset ?? 5000 };
        expect([epoch, epochs.endOffsetFor(epoch)]).toEqual([epoch, expected]);
      }
    });

    it('hands out copies', () => {
      const epochs = history([{ epoch: 1, startOffset: 0 }]);
      (epochs.entries()[0] as { epoch: number }).epoch = 9;
      (epochs.latest() as { epoch: number }).epoch = 9;
      expect(epochs.latest()).toEqual({ epoch: 1, startOffset: 0 });
    });
  });

  describe('keeping up with the log', () => {
    const entries = [
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 25 },
    ];

    it('truncateFromEnd drops the epochs that began at or after the offset', async () => {
      log.nextOffset = 40;
      const epochs = history(entries);
      await epochs.truncateFromEnd(25, () => Promise.resolve());
      expect(epochs.entries()).toEqual(entries.slice(0, 2));
      await epochs.truncateFromEnd(11, () => Promise.resolve());
      expect(stored()).toEqual(entries.slice(0, 2));
      await epochs.truncateFromEnd(10, () => Promise.resolve());
      expect(stored()).toEqual(entries.slice(0, 1));
    });

    it('fitTo moves the epoch that wrote the new start up to it and drops the ones before', async () => {
      log.nextOffset = 40;
      const epochs = history(entries);
      await epochs.fitTo(12, 40, () => Promise.resolve());
      expect(epochs.entries()).toEqual([
        { epoch: 3, startOffset: 12 },
        { epoch: 4, startOffset: 25 },
      ]);
      expect(stored()).toEqual(epochs.entries());
    });

    it('writes nothing when nothing changes, so a log without epochs never gets the file', async () => {
      const epochs = history();
      await epochs.truncateFromEnd(0, () => Promise.reject(new Error('not called')));
      await epochs.fitTo(50, 50, () => Promise.reject(new Error('not called')));
      expect(readdirSync(tmp.path)).toEqual([]);
    });

    it('writes only after the log change is durable, and holds later writes behind it', async () => {
      log.nextOffset = 40;
      const epochs = history(entries);
      const logSynced = deferred();
      const truncated = epochs.truncateFromEnd(25, () => logSynced.promise);
      expect(epochs.entries()).toHaveLength(2);
      log.nextOffset = 25;
      const assigned = epochs.assign(5, 25);
      await nextTurn();
      expect(stored()).toBeUndefined();
      logSynced.resolve();
      await Promise.all([truncated, assigned]);
      expect(stored()).toEqual([...entries.slice(0, 2), { epoch: 5, startOffset: 25 }]);
    });

    it('writes nothing if the log change failed to become durable, and fails', async () => {
      log.nextOffset = 40;
      const epochs = history(entries);
      await expect(epochs.truncateFromEnd(25, () => Promise.reject(new Error('fsync failed')))).rejects.toBeInstanceOf(LogFailedError);
      expect(stored()).toBeUndefined();
      await expect(epochs.assign(5, 40)).rejects.toThrow(/fsync failed/);
    });

    it('idle() waits for the writes queued', async () => {
      const epochs = history();
      void epochs.assign(1, 0);
      epochs.close();
      await epochs.idle();
      expect(stored()).toEqual([{ epoch: 1, startOffset: 0 }]);
    });
  });

  describe('fitLeaderEpochs', () => {
    const entries = [
      { epoch: 1, startOffset: 0 },
      { epoch: 3, startOffset: 10 },
      { epoch: 4, startOffset: 25 },
    ];
    const fit = (start: number, next: number, from: LeaderEpochEntry[] = entries) => fitLeaderEpochs(from, start, next).map((e) => [e.epoch, e.startOffset]);

    it('keeps what fits, drops what began past the end', () => {
      expect(fit(0, 40)).toEqual([
        [1, 0],
        [3, 10],
        [4, 25],
      ]);
      expect(fit(0, 24)).toEqual([
        [1, 0],
        [3, 10],
      ]);
    });

    it('keeps entries at exactly the end: epochs that have written nothing yet', () => {
      expect(fit(0, 25)).toEqual([
        [1, 0],
        [3, 10],
        [4, 25],
      ]);
      const twoEmpty = [...entries, { epoch: 5, startOffset: 25 }];
      expect(fit(0, 25, twoEmpty)).toEqual([
        [1, 0],
        [3, 10],
        [4, 25],
        [5, 25],
      ]);
    });

    it('moves the entry that wrote the start up to it, dropping those before (truncateFromStart)', () => {
      expect(fit(9, 40)).toEqual([
        [1, 9],
        [3, 10],
        [4, 25],
      ]);
      expect(fit(10, 40)).toEqual([
        [3, 10],
        [4, 25],
      ]);
      expect(fit(30, 40)).toEqual([[4, 30]]);
      const empty = [{ epoch: 1, startOffset: 0 }, { epoch: 2, startOffset: 10 }, { epoch: 3, startOffset: 10 }];
      expect(fit(10, 20, empty)).toEqual([[3, 10]]);
    });

    it('for an empty log, keeps only the epoch that would have written its offset', () => {
      expect(fit(40, 40)).toEqual([[4, 40]]);
      expect(fit(25, 25)).toEqual([[4, 25]]);
      expect(fit(15, 15)).toEqual([[3, 15]]);
      expect(fit(5, 5, entries.slice(1))).toEqual([]);
    });
  });

  describe('recover', () => {
    it('finds no history, and writes none, where no epoch was ever assigned', async () => {
      expect(await LeaderEpochHistory.recover(directory, 0, 0)).toEqual({ entries: [], dropped: 0 });
      expect(readdirSync(tmp.path)).toEqual([]);
    });

    it('drops what no longer fits the recovered log and rewrites the file, so the drop sticks', async () => {
      writeFileSync(join(tmp.path, FILE), formatLeaderEpochs([
        { epoch: 1, startOffset: 0 },
        { epoch: 2, startOffset: 10 },
        { epoch: 3, startOffset: 20 },
        { epoch: 4, startOffset: 31 },
      ]));
      const recovered = await LeaderEpochHistory.recover(directory, 12, 30);
      expect(recovered).toEqual({
        entries: [
          { epoch: 2, startOffset: 12 },
          { epoch: 3, startOffset: 20 },
        ],
        dropped: 2,
      });
      expect(stored()).toEqual(recovered.entries);
    });

    it('leaves the file alone when it fits', async () => {
      writeFileSync(join(tmp.path, FILE), '0\n1\n7 30\n');
      const write = jest.spyOn(directory, 'writeLeaderEpochs');
      expect(await LeaderEpochHistory.recover(directory, 0, 30)).toEqual({ entries: [{ epoch: 7, startOffset: 30 }], dropped: 0 });
      expect(write).not.toHaveBeenCalled();
    });

    it('ignores and removes a replacement a crash left half-written', async () => {
      writeFileSync(join(tmp.path, FILE), '0\n1\n1 0\n');
      writeFileSync(join(tmp.path, `${FILE}.tmp`), '0\n2\n1 0\n2 ');
      expect((await LeaderEpochHistory.recover(directory, 0, 5)).entries).toEqual([{ epoch: 1, startOffset: 0 }]);
      expect(readdirSync(tmp.path)).toEqual([FILE]);
    });

    it.each([
      ['an unknown version', '1\n0\n'],
      ['a wrong count', '0\n2\n1 0\n'],
      ['a missing final newline', '0\n1\n1 0'],
      ['a bad entry', '0\n1\n1 x\n'],
      ['epochs out of order', '0\n2\n3 0\n2 5\n'],
      ['start offsets out of order', '0\n2\n1 5\n2 4\n'],
      ['nothing in it', ''],
    ])('refuses a file with %s', async (_, text) => {
      writeFileSync(join(tmp.path, FILE), text);
      await expect(LeaderEpochHistory.recover(directory, 0, 10)).rejects.toThrow(/leader-epoch history .* is malformed/);
    });
  });
});
