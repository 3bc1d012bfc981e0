import { randomBytes } from 'node:crypto';
import type { CoordinationStore } from '@spate/coordination';

const KEY = 'kds/iterator-secret';

/**
 * The key that signs shard iterators. It lives in the coordination store so that every gateway of
 * a cluster shares it and iterators survive restarts; the first process to start creates it.
 */
export async function loadIteratorSecret(store: CoordinationStore): Promise<Buffer> {
  for (;;) {
    const existing = await store.get(KEY);
    if (existing) return Buffer.from(existing.value, 'hex');
    const secret = randomBytes(32);
    if ((await store.compareAndSet(KEY, secret.toString('hex'), 0)) !== undefined) return secret;
  }
}
