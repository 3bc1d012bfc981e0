import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.action';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { startStreamEncryption } from './start-stream-encryption.action';

describe('DescribeStreamSummary', () => {
  const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 2 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('describes a new stream', async () => {
      expect(await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).toEqual({
        StreamDescriptionSummary: {
          StreamName: 'orders',
          StreamARN: arn,
          StreamStatus: 'ACTIVE',
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: new Date(kds.nowMs),
          EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
          EncryptionType: 'NONE',
          OpenShardCount: 2,
          ConsumerCount: 0,
          MaxRecordSizeInKiB: 1024,
        },
      });
    });

    it('reports encryption, monitoring, consumers and open shards as they change', async () => {
      await startStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      await enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes'] });
      await registerStreamConsumer(kds.ctx(), { StreamARN: arn, ConsumerName: 'reader' });
      await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (meta) => ({
        ...meta,
        shards: meta.shards.map((shard, i) => (i === 0 ? { ...shard, closedMs: kds.nowMs } : shard)),
      }));
      expect((await describeStreamSummary(kds.ctx(), { StreamARN: arn })).StreamDescriptionSummary).toMatchObject({
        EncryptionType: 'KMS',
        KeyId: 'alias/aws/kinesis',
        EnhancedMonitoring: [{ ShardLevelMetrics: ['IncomingBytes'] }],
        ConsumerCount: 1,
        OpenShardCount: 1,
      });
    });

    it('reports a stream it does not know in AWS words', async () => {
      expect(await failureOf(describeStreamSummary(kds.ctx(), { StreamName: 'invoices' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      );
    });
  });
});
