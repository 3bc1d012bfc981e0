import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { disableEnhancedMonitoring } from './disable-enhanced-monitoring.action';
import { enableEnhancedMonitoring } from './enable-enhanced-monitoring.action';

describe('DisableEnhancedMonitoring', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    await enableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'] });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('reports the metrics before and after, removing those named', async () => {
      expect(
        await disableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['IncomingBytes', 'IncomingRecords'] }),
      ).toEqual({
        StreamName: 'orders',
        StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
        CurrentShardLevelMetrics: ['IncomingBytes', 'OutgoingBytes'],
        DesiredShardLevelMetrics: ['OutgoingBytes'],
      });
    });

    it('takes ALL for every shard-level metric', async () => {
      const output = await disableEnhancedMonitoring(kds.ctx(), { StreamName: 'orders', ShardLevelMetrics: ['ALL'] });
      expect(output.DesiredShardLevelMetrics).toEqual([]);
    });
  });
});
