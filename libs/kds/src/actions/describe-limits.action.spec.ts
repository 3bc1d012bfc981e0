import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeLimits } from './describe-limits.action';

describe('DescribeLimits', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds({ shardLimit: 500, onDemandStreamLimit: 7 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('reports the configured limits and what the caller account uses in its region', async () => {
      await createStream(kds.ctx(), { StreamName: 'provisioned', ShardCount: 3 });
      await createStream(kds.ctx(), { StreamName: 'on-demand' });
      await createStream(kds.ctx({ ...TEST_CALLER, region: 'eu-west-1' }), { StreamName: 'elsewhere', ShardCount: 9 });
      await kds.streams.update({ ...TEST_CALLER, name: 'provisioned' }, (meta) => ({
        ...meta,
        shards: meta.shards.map((shard, i) => (i === 0 ? { ...shard, closedMs: kds.nowMs } : shard)),
      }));
      expect(await describeLimits(kds.ctx())).toEqual({
        ShardLimit: 500,
        OpenShardCount: 6,
        OnDemandStreamCount: 1,
        OnDemandStreamCountLimit: 7,
      });
    });
  });
});
