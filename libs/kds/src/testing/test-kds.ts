import { LocalCoordinationStore } from '@spate/coordination';
import type { KdsContext } from '../ports/kds-context';
import type { Caller } from '../ports/stream-repository';
import { defaultKdsSettings, type KdsSettings } from '../settings';
import { CoordinationStoreStreamRepository } from '../stream-repository';
import { MemoryDataPlane } from './memory-data-plane';

export const TEST_CALLER: Caller = { account: '123456789012', region: 'us-east-1' };

/**
 * The real repository over an in-memory LocalCoordinationStore, the memory data plane wired as the
 * repository's onStreamGone hook (as the composition root wires the broker), and one clock that
 * specs move by hand. `ctx(caller)` builds a request context for any account and region.
 */
export interface TestKds {
  store: LocalCoordinationStore;
  streams: CoordinationStoreStreamRepository;
  data: MemoryDataPlane;
  settings: KdsSettings;
  nowMs: number;
  advance(ms: number): void;
  ctx(caller?: Caller): KdsContext;
  close(): Promise<void>;
}

export async function openTestKds(settings: Partial<KdsSettings> = {}): Promise<TestKds> {
  const store = await LocalCoordinationStore.open();
  const data = new MemoryDataPlane(() => kds.nowMs);
  const streams = new CoordinationStoreStreamRepository(store, {
    now: () => kds.nowMs,
    onStreamGone: (meta) => data.dropStream(meta.streamId),
  });
  const kds: TestKds = {
    store,
    streams,
    data,
    settings: { ...defaultKdsSettings(Buffer.from('test-secret')), ...settings },
    nowMs: 1_700_000_000_000,
    advance(ms) {
      kds.nowMs += ms;
    },
    ctx(caller = TEST_CALLER) {
      return { caller, requestId: 'test-request', streams, data, store, settings: kds.settings, now: () => kds.nowMs };
    },
    close: () => store.close(),
  };
  return kds;
}
