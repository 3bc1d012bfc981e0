import { booleanSetting, enumSetting, integerSetting, keyValueListSetting, stringSetting, type ConfigOf } from '@spate/config';

/** Settings of the HTTP edge and the KDS service behind it. */
export const edgeSchema = {
  host: stringSetting({ env: 'SPATE_HOST', description: 'Interface the AWS endpoint listens on; set 0.0.0.0 to accept other hosts.', default: '127.0.0.1' }),
  port: integerSetting({ env: 'SPATE_PORT', description: 'Port of the AWS endpoint (HTTP/1.1 and cleartext HTTP/2).', default: 4566, min: 0, max: 65535 }),
  tls: enumSetting({
    env: 'SPATE_TLS',
    description: '`on`: also serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on SPATE_TLS_PORT, for clients that only speak TLS (the KPL, Java async clients); `off`: plain port only.',
    default: 'on' as const,
    values: ['on', 'off'] as const,
  }),
  tlsPort: integerSetting({ env: 'SPATE_TLS_PORT', description: 'Port of the HTTPS endpoint (on SPATE_HOST).', default: 4567, min: 0, max: 65535 }),
  tlsCertFile: stringSetting({
    env: 'SPATE_TLS_CERT_FILE',
    description: 'PEM certificate (chain) of the HTTPS endpoint. Unset: a self-signed one for localhost is generated at first start and kept in SPATE_TLS_DIR.',
    default: '',
    defaultText: 'generated',
  }),
  tlsKeyFile: stringSetting({ env: 'SPATE_TLS_KEY_FILE', description: 'PEM private key of SPATE_TLS_CERT_FILE.', default: '', defaultText: 'generated' }),
  tlsDir: stringSetting({
    env: 'SPATE_TLS_DIR',
    description: 'Where the generated certificate (`cert.pem`) and key (`key.pem`) are kept.',
    default: '',
    defaultText: '`<SPATE_DATA_DIR>/tls`; `./data/tls` for the gateway',
  }),
  maxBodyBytes: integerSetting({
    env: 'SPATE_MAX_BODY_BYTES',
    description: 'Largest request body accepted; larger ones get 413. The default fits a 10 MiB record or PutRecords batch in base64 JSON.',
    default: 16 * 1024 * 1024,
    min: 1024 * 1024,
  }),
  defaultAccount: stringSetting({ env: 'SPATE_DEFAULT_ACCOUNT', description: 'Account of requests whose access key id is not a 12-digit account id.', default: '000000000000', pattern: /^\d{12}$/ }),
  defaultRegion: stringSetting({ env: 'SPATE_DEFAULT_REGION', description: 'Region of unsigned requests.', default: 'us-east-1', pattern: /^[a-z0-9-]{1,32}$/ }),
  credentials: keyValueListSetting({
    env: 'SPATE_CREDENTIALS',
    description: 'ACCESS_KEY_ID:SECRET pairs, comma separated. When set, SigV4 signatures are verified and unknown keys refused.',
    default: {},
    defaultText: 'unset (signatures not verified)',
  }),
  shardLimit: integerSetting({ env: 'SPATE_SHARD_LIMIT', description: 'Open shards per account and region.', default: 20_000, min: 1 }),
  onDemandStreamLimit: integerSetting({ env: 'SPATE_ON_DEMAND_STREAM_LIMIT', description: 'ON_DEMAND streams per account and region.', default: 50, min: 1 }),
  createStreamDelayMs: integerSetting({ env: 'SPATE_CREATE_STREAM_DELAY_MS', description: 'Time a new stream stays CREATING.', default: 0, min: 0 }),
  updateStreamDelayMs: integerSetting({ env: 'SPATE_UPDATE_STREAM_DELAY_MS', description: 'Time a stream stays UPDATING after a reshard or setting change.', default: 0, min: 0 }),
  deleteStreamDelayMs: integerSetting({ env: 'SPATE_DELETE_STREAM_DELAY_MS', description: 'Time a deleted stream stays DELETING.', default: 0, min: 0 }),
  consumerDelayMs: integerSetting({ env: 'SPATE_CONSUMER_DELAY_MS', description: 'Time a consumer stays CREATING or DELETING.', default: 0, min: 0 }),
  iteratorTtlMs: integerSetting({ env: 'SPATE_ITERATOR_TTL_MS', description: 'Lifetime of a shard iterator.', default: 300_000, min: 1000 }),
  subscriptionLifetimeMs: integerSetting({
    env: 'SPATE_SUBSCRIPTION_LIFETIME_MS',
    description: 'How long a SubscribeToShard event stream lasts before the server ends it (AWS: 5 minutes).',
    default: 300_000,
    min: 1000,
    max: 3_600_000,
  }),
  enforceThroughputLimits: booleanSetting({
    env: 'SPATE_ENFORCE_THROUGHPUT',
    description: 'Per-shard limits as on AWS: 1 MiB/s or 1,000 records/s in, 2 MiB/s and 5 GetRecords calls/s out, 5 GetShardIterator calls/s.',
    default: false,
  }),
};

export type EdgeConfig = ConfigOf<typeof edgeSchema>;

/** The split deployment's gateway: where its shard broker is. */
export const gatewaySchema = {
  routeTimeoutMs: integerSetting({
    env: 'SPATE_ROUTE_TIMEOUT_MS',
    description: 'How long the gateway keeps re-routing a call to a shard whose leader is moving or unreachable before it answers InternalFailure.',
    default: 10_000,
    min: 0,
    max: 600_000,
  }),
};
