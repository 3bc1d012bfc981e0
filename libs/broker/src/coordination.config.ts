import * as path from 'node:path';
import { ConfigError, enumSetting, stringSetting, type ConfigOf } from '@spate/config';
import type { CoordinationConfig } from './metadata.module';

/** Where metadata, membership and leases live. */
export const coordinationSchema = {
  kind: enumSetting({
    env: 'SPATE_COORDINATION',
    description: '`local`: a file in the data directory, for one process; `redis`: shared through Redis, for several processes.',
    default: 'local' as const,
    values: ['local', 'redis'] as const,
  }),
  redisUrl: stringSetting({
    env: 'SPATE_REDIS_URL',
    description: 'Redis to coordinate through (`redis://host:6379`, `unix:///path/redis.sock`); required with SPATE_COORDINATION=redis.',
    default: '',
    defaultText: 'unset',
  }),
  redisKeyPrefix: stringSetting({ env: 'SPATE_REDIS_KEY_PREFIX', description: 'Prefix of every Redis key, so several clusters can share one Redis.', default: 'spate:' }),
};

/**
 * The coordination store an app uses. `sharedBy` names apps that only work together with others
 * (the split deployment's gateway and broker), for which a process-local store is a mistake.
 */
export function coordinationConfig(settings: ConfigOf<typeof coordinationSchema>, dataDir: string, sharedBy?: string): CoordinationConfig {
  if (settings.kind === 'local') {
    if (sharedBy) throw new ConfigError([`SPATE_COORDINATION=local cannot work for ${sharedBy}: it shares metadata with other processes, set SPATE_COORDINATION=redis`]);
    return { kind: 'local', file: path.join(dataDir, 'coordination.journal') };
  }
  if (!settings.redisUrl) throw new ConfigError(['SPATE_REDIS_URL is required when SPATE_COORDINATION=redis']);
  return { kind: 'redis', url: settings.redisUrl, keyPrefix: settings.redisKeyPrefix };
}
