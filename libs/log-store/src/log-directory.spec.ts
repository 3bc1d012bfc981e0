import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { LogDirectory, removeSegmentFiles, segmentFileStem } from './log-directory';
import { useTempDir } from './temp-dir.fixture';

describe('LogDirectory', () => {
  const dir = useTempDir();

  it('names segment files by their base offset, 20 digits, so names sort in offset order', () => {
    expect(segmentFileStem(42)).toBe('00000000000000000042');
    const paths = new LogDirectory(dir.path).segmentPaths(1234);
    expect(paths).toEqual({
      log: join(dir.path, '00000000000000001234.log'),
      offsetIndex: join(dir.path, '00000000000000001234.index'),
      timeIndex: join(dir.path, '00000000000000001234.timeindex'),
    });
  });

  it('creates a missing directory', () => {
    const nested = join(dir.path, 'stream', 'shard-0');
    new LogDirectory(nested);
    expect(existsSync(nested)).toBe(true);
  });

  it('lists segments in offset order, ignoring other files, and removes index files left without a log', () => {
    const directory = new LogDirectory(dir.path);
    for (const base of [900, 0, 12]) {
      const paths = directory.segmentPaths(base);
      [paths.log, paths.offsetIndex, paths.timeIndex].forEach((path) => writeFileSync(path, ''));
    }
    const orphan = directory.segmentPaths(5000);
    writeFileSync(orphan.offsetIndex, '');
    writeFileSync(orphan.timeIndex, '');
    writeFileSync(join(dir.path, 'notes.txt'), '');
    expect(directory.scanSegments()).toEqual([0, 12, 900]);
    expect(readdirSync(dir.path)).toHaveLength(10);
    expect(existsSync(orphan.offsetIndex) || existsSync(orphan.timeIndex)).toBe(false);
  });

  it('removes a segment log first, so an interrupted removal leaves only what scanning cleans up', () => {
    const directory = new LogDirectory(dir.path);
    const paths = directory.segmentPaths(7);
    [paths.log, paths.offsetIndex, paths.timeIndex].forEach((path) => writeFileSync(path, ''));
    removeSegmentFiles(paths);
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('records the seal in a marker file that a new instance sees', async () => {
    const directory = new LogDirectory(dir.path);
    expect(directory.isSealed()).toBe(false);
    await directory.markSealed();
    expect(new LogDirectory(dir.path).isSealed()).toBe(true);
  });

  it('replaces the leader-epoch history whole, leaving no temporary file, and reads it back', async () => {
    const directory = new LogDirectory(dir.path);
    expect(directory.readLeaderEpochs()).toBeUndefined();
    await directory.writeLeaderEpochs('0\n1\n1 0\n');
    await directory.writeLeaderEpochs('0\n0\n');
    expect(readdirSync(dir.path)).toEqual(['leader-epoch-checkpoint']);
    expect(new LogDirectory(dir.path).readLeaderEpochs()).toBe('0\n0\n');
  });

  it('deletes a replacement of the leader-epoch history that a crash left unfinished, keeping the file', () => {
    writeFileSync(join(dir.path, 'leader-epoch-checkpoint'), 'old');
    writeFileSync(join(dir.path, 'leader-epoch-checkpoint.tmp'), 'torn');
    expect(new LogDirectory(dir.path).readLeaderEpochs()).toBe('old');
    expect(readdirSync(dir.path)).toEqual(['leader-epoch-checkpoint']);
    expect(readFileSync(join(dir.path, 'leader-epoch-checkpoint'), 'utf8')).toBe('old');
  });

  it('syncs the new leader-epoch history before renaming it over the old, and the directory after', async () => {
    const directory = new LogDirectory(dir.path);
    await directory.writeLeaderEpochs('old');
    const file = join(dir.path, 'leader-epoch-checkpoint');
    const probe = await open(join(dir.path, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = fileHandle.sync;
    const seen: string[] = [];
    const spy = jest.spyOn(fileHandle, 'sync').mockImplementation(function (this: unknown) {
      const temporary = join(dir.path, 'leader-epoch-checkpoint.tmp');
      seen.push(`${readFileSync(file, 'utf8')} ${existsSync(temporary) ? readFileSync(temporary, 'utf8') : '-'}`);
      return sync.call(this);
    });
    try {
      await directory.writeLeaderEpochs('new');
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual(['old new', 'new -']);
  });
});
