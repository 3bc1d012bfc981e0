import type { ConsumerMeta, StreamMeta } from '../ports/stream-meta';
import { formatConsumerArn, formatStreamArn } from '../stream-arn';

/** An ACTIVE one-shard PROVISIONED stream document, for specs that need one without CreateStream. */
export function aStreamMeta(overrides: Partial<StreamMeta> = {}): StreamMeta {
  const account = overrides.account ?? '123456789012';
  const region = overrides.region ?? 'us-east-1';
  const name = overrides.name ?? 'orders';
  return {
    streamId: `${name}-1`,
    account,
    region,
    name,
    arn: formatStreamArn({ account, region, name }),
    status: 'ACTIVE',
    mode: 'PROVISIONED',
    createdMs: 1_000,
    retentionHours: 24,
    shards: [
      {
        shardId: 'shardId-000000000000',
        index: 0,
        hashKeyStart: '0',
        hashKeyEnd: '340282366920938463463374607431768211455',
        createdMs: 1_000,
      },
    ],
    nextShardIndex: 1,
    tags: {},
    encryption: { type: 'NONE' },
    enhancedMonitoring: [],
    maxRecordSizeKiB: 1024,
    consumers: [],
    scalingHistoryMs: [],
    ...overrides,
  };
}

export function aConsumerMeta(stream: StreamMeta, name: string, overrides: Partial<ConsumerMeta> = {}): ConsumerMeta {
  const createdMs = overrides.createdMs ?? 2_000;
  return { name, arn: formatConsumerArn(stream.arn, name, createdMs), status: 'ACTIVE', createdMs, ...overrides };
}
