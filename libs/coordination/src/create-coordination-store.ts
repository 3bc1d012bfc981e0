import type { CoordinationStore } from './coordination-store';
import { LocalCoordinationStore } from './local-coordination-store';
import { RedisCoordinationStore } from './redis-coordination-store';

/** `local`: one process, in memory or in `file`; `redis`: shared by every process using `url`. */
export type CoordinationConfig = { kind: 'local'; file?: string } | { kind: 'redis'; url: string; keyPrefix?: string };

export function createCoordinationStore(config: CoordinationConfig): Promise<CoordinationStore> {
  switch (config.kind) {
    case 'local':
      return LocalCoordinationStore.open({ file: config.file });
    case 'redis':
      return RedisCoordinationStore.connect({ url: config.url, keyPrefix: config.keyPrefix });
  }
}
