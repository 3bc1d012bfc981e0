import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { coordinationStoreContract } from './coordination-store.contract';
import type { Lease } from './coordination-store';
import { LocalCoordinationStore } from './local-coordination-store';

jest.setTimeout(30_000);

const directories: string[] = [];
async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'spate-coordination-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

coordinationStoreContract('local, in memory', async () => {
  const store = await LocalCoordinationStore.open();
  return { client: async () => store };
});

coordinationStoreContract('local, file-backed, compacting every KiB', async () => {
  const directory = await temporaryDirectory();
  const file = join(directory, 'coordination.journal');
  const store = await LocalCoordinationStore.open({ file, compactAfterBytes: 1024 });
  return { client: async () => store, dispose: () => rm(directory, { recursive: true, force: true }) };
});

describe('LocalCoordinationStore on a file', () => {
  let file: string;
  beforeEach(async () => {
    file = join(await temporaryDirectory(), 'data', 'coordination.journal');
  });

  it('has everything again when the file is reopened after close', async () => {
    const store = await LocalCoordinationStore.open({ file });
    await store.compareAndSet('kept', 'one', 0);
    await store.compareAndSet('kept', 'two', 1);
    await store.compareAndSet('deleted', 'x', 0);
    await store.compareAndDelete('deleted', 1);
    await store.increment('counter');
    await store.increment('counter');
    const held = (await store.acquireLease('held', 'me', 600_000)) as Lease;
    const released = (await store.acquireLease('released', 'me', 600_000)) as Lease;
    await store.releaseLease(released);
    await store.close();

    const reopened = await LocalCoordinationStore.open({ file });
    expect(await reopened.list('')).toEqual([
      { key: 'counter', value: '2', version: 2 },
      { key: 'kept', value: 'two', version: 2 },
    ]);
    expect(await reopened.getLease('held')).toEqual(held);
    expect(await reopened.getLease('released')).toBeUndefined();
    expect(await reopened.acquireLease('released', 'you', 1000)).toMatchObject({ epoch: released.epoch + 1 });
    await reopened.close();
  });

  it('folds the journal into a snapshot as it grows, and recovers from both', async () => {
    const store = await LocalCoordinationStore.open({ file, compactAfterBytes: 2048 });
    for (let i = 0; i < 200; i++) await store.compareAndSet(`k/${i % 20}`, `value ${i}`, Math.floor(i / 20));
    await store.close();
    expect((await stat(file)).size).toBeLessThan(2048);
    expect((await stat(`${file}.snapshot`)).size).toBeGreaterThan(0);

    const reopened = await LocalCoordinationStore.open({ file });
    const entries = await reopened.list('k/');
    expect(entries).toHaveLength(20);
    for (const entry of entries) {
      const slot = Number(entry.key.slice(2));
      expect(entry).toEqual({ key: entry.key, value: `value ${180 + slot}`, version: 10 });
    }
    await reopened.close();
  });

  it('ignores a torn last line and appends after the intact ones', async () => {
    const store = await LocalCoordinationStore.open({ file });
    await store.compareAndSet('before', 'intact', 0);
    await store.close();
    const intact = await readFile(file, 'utf8');
    await appendFile(file, intact.split('\n')[0].slice(0, 20));

    const recovered = await LocalCoordinationStore.open({ file });
    expect(await recovered.list('')).toEqual([{ key: 'before', value: 'intact', version: 1 }]);
    await recovered.compareAndSet('after', 'recovery', 0);
    await recovered.close();

    const again = await LocalCoordinationStore.open({ file });
    expect((await again.list('')).map((entry) => entry.key)).toEqual(['after', 'before']);
    await again.close();
  });

  it('stops replaying at the first damaged line: later lines were never acknowledged', async () => {
    const store = await LocalCoordinationStore.open({ file });
    for (const key of ['one', 'two', 'three']) await store.compareAndSet(key, key, 0);
    await store.close();
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[1] = lines[1].replace('"two"', '"TWO"');
    await writeFile(file, lines.join('\n'));

    const recovered = await LocalCoordinationStore.open({ file });
    expect((await recovered.list('')).map((entry) => entry.key)).toEqual(['one']);
    await recovered.close();
  });

  it('refuses to open over a damaged snapshot', async () => {
    const store = await LocalCoordinationStore.open({ file, compactAfterBytes: 1 });
    await store.compareAndSet('k', 'v', 0);
    await store.close();
    await writeFile(`${file}.snapshot`, 'garbage\n');
    await expect(LocalCoordinationStore.open({ file })).rejects.toThrow(`${file}.snapshot is damaged`);
  });

  it('keeps every acknowledged write when the process is killed with SIGKILL', async () => {
    const workspaceRoot = resolve(__dirname, '../../..');
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'local-coordination-store.crash.child.ts'), file, '4096'],
      { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const reports: string[] = [];
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        reports.push(line);
        if (reports.filter((report) => report.startsWith('set ')).length === 400) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`writer exited with ${code} after ${reports.length} reports`)));
    });
    await exited;

    const store = await LocalCoordinationStore.open({ file });
    const deleting = new Set(reports.filter((r) => r.startsWith('deleting ')).map((r) => r.split(' ')[1]));
    let checked = 0;
    for (const report of reports) {
      const [kind, key, ...rest] = report.split(' ');
      if (kind === 'set' && !deleting.has(key)) {
        expect(await store.get(key)).toEqual({ value: rest.join(' '), version: 1 });
        checked += 1;
      } else if (kind === 'deleted') {
        expect(await store.get(key)).toBeUndefined();
      } else if (kind === 'inc') {
        expect(Number((await store.get(key))?.value)).toBeGreaterThanOrEqual(Number(rest[0]));
      } else if (kind === 'lease') {
        expect(await store.getLease(key)).toMatchObject({ epoch: Number(rest[0]) });
      }
    }
    expect(checked).toBeGreaterThan(200);
    await store.close();
  });
});
