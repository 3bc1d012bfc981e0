import { join } from 'node:path';
import { TimeIndex } from './time-index';
import { useTempDir } from './temp-dir.fixture';

describe('TimeIndex', () => {
  const dir = useTempDir();
  const created: TimeIndex[] = [];
  afterEach(() => created.splice(0).forEach((index) => index.file.release()));

  function indexOf(entries: [number, number][]): TimeIndex {
    const index = TimeIndex.create(join(dir.path, 'x.timeindex'));
    created.push(index);
    for (const [arrivalMs, offset] of entries) index.add(arrivalMs, offset);
    return index;
  }

  it('finds the first entry that arrived at or after a time', () => {
    const index = indexOf([
      [1000, 5],
      [2000, 9],
      [3000, 14],
    ]);
    expect([0, 1000, 1001, 2000, 2999, 3000, 3001].map((t) => index.firstAtOrAfter(t))).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect([5, 6, 9, 15].map((o) => index.countBelow(o))).toEqual([0, 1, 1, 3]);
  });

  it('keeps epoch milliseconds beyond 32 bits through its file', () => {
    const index = indexOf([[1_700_000_000_123, 7]]);
    index.file.flush();
    index.file.release();
    const loaded = TimeIndex.load(join(dir.path, 'x.timeindex'));
    expect([loaded.arrivalMsAt(0), loaded.relativeOffsetAt(0)]).toEqual([1_700_000_000_123, 7]);
  });

  it('is well formed only while both fields strictly increase past the first record', () => {
    expect(indexOf([[5, 1], [6, 2]]).isWellFormed()).toBe(true);
    expect(indexOf([[5, 1], [5, 2]]).isWellFormed()).toBe(false);
    expect(indexOf([[5, 2], [6, 2]]).isWellFormed()).toBe(false);
    expect(indexOf([[5, 0]]).isWellFormed()).toBe(false);
  });
});
