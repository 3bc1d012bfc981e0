import { enumSetting, integerSetting, stringSetting, type ConfigOf } from '@spate/config';

/** Settings of a shard broker's storage, shared by the split broker and the all-in-one server. */
export const brokerStorageSchema = {
  dataDir: stringSetting({ env: 'SPATE_DATA_DIR', description: 'Directory for shard logs and local metadata.', default: './data' }),
  fsync: enumSetting({
    env: 'SPATE_FSYNC',
    description: '`group`: records are fsynced before the put is acknowledged, concurrent puts sharing one fsync; `always`: one fsync per put; `os`: acknowledged once written, flushed by the OS (only safe with replication).',
    default: 'group' as const,
    values: ['always', 'group', 'os'] as const,
  }),
  segmentMaxBytes: integerSetting({ env: 'SPATE_SEGMENT_BYTES', description: 'Size at which a shard log rolls to a new segment file.', default: 128 * 1024 * 1024, min: 1024 * 1024, max: 2 ** 31 - 1 }),
  retentionCheckIntervalMs: integerSetting({ env: 'SPATE_RETENTION_CHECK_MS', description: 'How often expired segments are deleted.', default: 60_000, min: 100 }),
};

export type BrokerStorageConfig = ConfigOf<typeof brokerStorageSchema>;

/** Where the split broker listens for gRPC. */
export const brokerListenSchema = {
  grpcHost: stringSetting({ env: 'SPATE_BROKER_HOST', description: 'Interface the broker\'s gRPC server binds to.', default: '127.0.0.1' }),
  grpcPort: integerSetting({ env: 'SPATE_BROKER_PORT', description: 'Port of the broker\'s gRPC server.', default: 4600, min: 0, max: 65535 }),
  httpPort: integerSetting({ env: 'SPATE_BROKER_HTTP_PORT', description: 'Port of the broker\'s `/health` and `/metrics` endpoints (on SPATE_BROKER_HOST).', default: 4601, min: 0, max: 65535 }),
};

export type BrokerListenConfig = ConfigOf<typeof brokerListenSchema>;
