import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, integerSetting, stringSetting, type ConfigOf } from '@spate/config';

/** Settings of a broker in a cluster (the split deployment). */
export const clusterSchema = {
  brokerId: stringSetting({
    env: 'SPATE_BROKER_ID',
    description: 'This broker\'s name in the cluster; must stay the same across restarts of the same data directory. Unset: generated once and kept in `<SPATE_DATA_DIR>/broker.id`.',
    default: '',
    defaultText: 'generated',
  }),
  advertisedUrl: stringSetting({
    env: 'SPATE_BROKER_ADVERTISED_URL',
    description: '`host:port` at which gateways and other brokers reach this broker\'s gRPC server. Unset: SPATE_BROKER_HOST:SPATE_BROKER_PORT, or this machine\'s hostname when bound to 0.0.0.0.',
    default: '',
    defaultText: 'derived',
  }),
  sessionTimeoutMs: integerSetting({ env: 'SPATE_SESSION_TIMEOUT_MS', description: 'A broker that has not renewed its membership lease for this long is dead: its shards get new leaders.', default: 5000, min: 200, max: 600_000 }),
  replicationFactor: integerSetting({ env: 'SPATE_REPLICATION_FACTOR', description: 'Copies of every shard, on different brokers (fewer while fewer brokers are up).', default: 3, min: 1, max: 15 }),
  minInSyncReplicas: integerSetting({ env: 'SPATE_MIN_INSYNC_REPLICAS', description: 'In-sync copies an append needs before it is accepted (capped at the shard\'s number of copies).', default: 2, min: 1, max: 15 }),
  replicaLagMaxMs: integerSetting({ env: 'SPATE_REPLICA_LAG_MAX_MS', description: 'A follower that has not caught up with its leader for this long leaves the in-sync set.', default: 5000, min: 100, max: 600_000 }),
  ackTimeoutMs: integerSetting({ env: 'SPATE_ACK_TIMEOUT_MS', description: 'An append not held by every in-sync copy within this long fails (its records may still appear).', default: 5000, min: 100, max: 600_000 }),
  drainTimeoutMs: integerSetting({ env: 'SPATE_DRAIN_TIMEOUT_MS', description: 'On SIGTERM a broker hands its shards to others first, for at most this long.', default: 30_000, min: 0, max: 3_600_000 }),
};

export type ClusterSettings = ConfigOf<typeof clusterSchema>;

export interface ClusterConfig extends ClusterSettings {
  brokerId: string;
  advertisedUrl: string;
}

/** Fills in the broker id (kept in the data directory) and the address others reach it at. */
export function clusterConfig(settings: ClusterSettings, listen: { grpcHost: string; grpcPort: number }, dataDir: string): ClusterConfig {
  if (settings.minInSyncReplicas > settings.replicationFactor) {
    throw new ConfigError([`SPATE_MIN_INSYNC_REPLICAS (${settings.minInSyncReplicas}) must not exceed SPATE_REPLICATION_FACTOR (${settings.replicationFactor})`]);
  }
  if (settings.brokerId && !/^[A-Za-z0-9_.-]{1,64}$/.test(settings.brokerId)) {
    throw new ConfigError([`SPATE_BROKER_ID must be 1-64 letters, digits, '.', '_' or '-'; got ${JSON.stringify(settings.brokerId)}`]);
  }
  const brokerId = settings.brokerId || storedBrokerId(dataDir);
  const host = listen.grpcHost === '0.0.0.0' || listen.grpcHost === '::' ? os.hostname() : listen.grpcHost;
  return { ...settings, brokerId, advertisedUrl: settings.advertisedUrl || `${host}:${listen.grpcPort}` };
}

function storedBrokerId(dataDir: string): string {
  const file = path.join(dataDir, 'broker.id');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = `broker-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, `${id}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return id;
}
