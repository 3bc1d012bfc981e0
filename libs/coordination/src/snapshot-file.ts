import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateSnapshot } from './coordination-state';
import { decodeLine, encodeLine } from './journal-codec';
import { syncDirectory } from './sync-directory';

/** Replaces the snapshot so that a crash leaves either the old one or the new one, whole. */
export async function writeSnapshot(path: string, snapshot: StateSnapshot): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(encodeLine(snapshot));
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** The snapshot, or undefined when none was written yet. A damaged snapshot is an error. */
export async function readSnapshot(path: string): Promise<StateSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const snapshot = decodeLine(text.replace(/\n$/, ''));
  if (snapshot === undefined) throw new Error(`Coordination snapshot ${path} is damaged (checksum or JSON)`);
  return snapshot as StateSnapshot;
}
