import { mkdir, open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CoordinationState } from './coordination-state';
import { decodeLines } from './journal-codec';
import { readSnapshot } from './snapshot-file';
import type { JournalRecord } from './state-change';
import { syncDirectory } from './sync-directory';

export interface RecoveredState {
  state: CoordinationState;
  /** The sequence number of the last change in `state`. */
  seq: number;
  /** The journal, open for appending after its last intact line. */
  journal: FileHandle;
  journalBytes: number;
}

/** The snapshot path of a journal. */
export function snapshotPath(journalPath: string): string {
  return `${journalPath}.snapshot`;
}

/**
 * Loads the snapshot, replays the journal changes it does not include, and cuts a torn tail off
 * the journal so that new lines are not appended after garbage.
 */
export async function recoverState(journalPath: string): Promise<RecoveredState> {
  const snapshot = await readSnapshot(snapshotPath(journalPath));
  const state = snapshot ? CoordinationState.fromSnapshot(snapshot) : new CoordinationState();
  let seq = snapshot?.seq ?? 0;

  const bytes = await readIfExists(journalPath);
  const { documents, intactBytes } = decodeLines(bytes ?? Buffer.alloc(0));
  for (const record of documents as JournalRecord[]) {
    if (record.seq <= seq) continue;
    if (record.seq !== seq + 1) {
      throw new Error(`Coordination journal ${journalPath} jumps from change ${seq} to ${record.seq}`);
    }
    state.apply(record);
    seq = record.seq;
  }

  if (!bytes) await mkdir(dirname(journalPath), { recursive: true });
  const journal = await open(journalPath, 'a');
  try {
    if (!bytes) await syncDirectory(dirname(journalPath));
    if (bytes && intactBytes < bytes.length) {
      await journal.truncate(intactBytes);
      await journal.datasync();
    }
  } catch (error) {
    await journal.close();
    throw error;
  }
  return { state, seq, journal, journalBytes: intactBytes };
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
