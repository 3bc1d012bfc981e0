import { join } from 'node:path';
import { OffsetIndex } from './offset-index';
import { useTempDir } from './temp-dir.fixture';

describe('OffsetIndex', () => {
  const dir = useTempDir();
  const created: OffsetIndex[] = [];
  afterEach(() => created.splice(0).forEach((index) => index.file.release()));

  function indexOf(entries: [number, number][]): OffsetIndex {
    const index = OffsetIndex.create(join(dir.path, 'x.index'));
    created.push(index);
    for (const [offset, position] of entries) index.add(offset, position);
    return index;
  }

  it('finds the last entry at or before a relative offset', () => {
    const index = indexOf([
      [10, 4100],
      [20, 8300],
      [35, 12400],
    ]);
    expect([0, 9, 10, 19, 20, 34, 35, 1000].map((o) => index.floor(o))).toEqual([-1, -1, 0, 0, 1, 1, 2, 2]);
    expect(index.positionAt(index.floor(25))).toBe(8300);
    expect([0, 10, 11, 35, 36].map((o) => index.countBelow(o))).toEqual([0, 0, 1, 2, 3]);
  });

  it('round-trips through its file', () => {
    const index = indexOf([
      [3, 5000],
      [9, 9000],
    ]);
    index.file.flush();
    index.file.release();
    const loaded = OffsetIndex.load(join(dir.path, 'x.index'));
    expect([loaded.relativeOffsetAt(1), loaded.positionAt(1), loaded.length]).toEqual([9, 9000, 2]);
  });

  it('is well formed only while both fields strictly increase past the implied first record', () => {
    expect(indexOf([]).isWellFormed()).toBe(true);
    expect(indexOf([[1, 10], [2, 20]]).isWellFormed()).toBe(true);
    expect(indexOf([[2, 10], [2, 20]]).isWellFormed()).toBe(false);
    expect(indexOf([[1, 20], [2, 20]]).isWellFormed()).toBe(false);
    expect(indexOf([[0, 0]]).isWellFormed()).toBe(false);
  });
});
