import { open } from 'node:fs/promises';

/** Makes the creation, renaming or removal of a file in `directory` durable, as POSIX requires. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
