import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EntryFile } from './entry-file';
import { useTempDir } from './temp-dir.fixture';

function pushPair(file: EntryFile, a: number, b: number): void {
  const at = file.push();
  file.bytes.writeUInt32LE(a, at);
  file.bytes.writeUInt32LE(b, at + 4);
}

function pairs(file: EntryFile): number[][] {
  return Array.from({ length: file.length }, (_, i) => [file.bytes.readUInt32LE(i * 8), file.bytes.readUInt32LE(i * 8 + 4)]);
}

describe('EntryFile', () => {
  const dir = useTempDir();
  const path = () => join(dir.path, 'entries');

  it('writes pushed entries on flush, in one piece, and loads them back', () => {
    const file = EntryFile.create(path(), 8);
    for (let i = 1; i <= 100; i++) pushPair(file, i, i * 10);
    expect(statSync(path()).size).toBe(0);
    file.flush();
    file.release();
    const loaded = EntryFile.load(path(), 8);
    expect(loaded.length).toBe(100);
    expect(pairs(loaded)).toEqual(pairs(file));
    expect(loaded.existed).toBe(true);
  });

  it('drops a torn trailing entry on load, in memory and in the file', () => {
    const file = EntryFile.create(path(), 8);
    pushPair(file, 1, 2);
    file.flush();
    file.release();
    appendFileSync(path(), Buffer.from([9, 9, 9]));
    const loaded = EntryFile.load(path(), 8);
    expect(pairs(loaded)).toEqual([[1, 2]]);
    expect(statSync(path()).size).toBe(8);
  });

  it('truncates the file too, and appends after the kept entries', () => {
    const file = EntryFile.create(path(), 8);
    for (let i = 1; i <= 5; i++) pushPair(file, i, i);
    file.flush();
    file.truncate(2);
    pushPair(file, 7, 7);
    file.flush();
    file.release();
    expect(pairs(EntryFile.load(path(), 8))).toEqual([
      [1, 1],
      [2, 2],
      [7, 7],
    ]);
  });

  it('reopens its file for writes after release', () => {
    const file = EntryFile.create(path(), 8);
    pushPair(file, 1, 1);
    file.flush();
    file.release();
    pushPair(file, 2, 2);
    file.flush();
    file.release();
    expect(readFileSync(path()).length).toBe(16);
  });

  it('loads a missing file as empty and says so', () => {
    const file = EntryFile.load(path(), 8);
    expect(file.length).toBe(0);
    expect(file.existed).toBe(false);
    expect(existsSync(path())).toBe(false);
  });
});
