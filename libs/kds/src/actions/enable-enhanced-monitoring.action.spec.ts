import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.action';

describe('EnableEnhancedMonitoring', () => {
  const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('reports the metrics before and after, adding to those already enabled', async () => {
      expect(await enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['OutgoingBytes'] })).toEqual({
        StreamName: 'orders',
        StreamARN: arn,
        CurrentShardLevelMetrics: [],
        DesiredShardLevelMetrics: ['OutgoingBytes'],
      });
      const second = await enableEnhancedMonitoring(kds.ctx(), {
        StreamARN: arn,
        ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
      });
      expect([second.CurrentShardLevelMetrics, second.DesiredShardLevelMetrics]).toEqual([
        ['OutgoingBytes'],
        ['IncomingBytes', 'OutgoingBytes'],
      ]);
      const { StreamDescriptionSummary } = await describeStreamSummary(kds.ctx(), { StreamName: 'orders' });
      expect(StreamDescriptionSummary.EnhancedMonitoring).toEqual([{ ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'] }]);
    });

    it('takes ALL for every shard-level metric', async () => {
      const { DesiredShardLevelMetrics } = await enableEnhancedMonitoring(kds.ctx(), {
        StreamName: 'orders',
        ShardLevelMetrics: ['ALL'],
      });
      expect(DesiredShardLevelMetrics).toEqual([
        'IncomingBytes',
        'IncomingRecords',
        'OutgoingBytes',
        'OutgoingRecords',
        'WriteProvisionedThroughputExceeded',
        'ReadProvisionedThroughputExceeded',
        'IteratorAgeMilliseconds',
      ]);
    });

    it('leaves the stream UPDATING for updateStreamDelayMs, refusing another change meanwhile', async () => {
      kds.settings.updateStreamDelayMs = 50;
      await enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes'] });
      expect(await failureOf(enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['ALL'] }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
      kds.advance(50);
      await enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['ALL'] });
    });
  });
});
