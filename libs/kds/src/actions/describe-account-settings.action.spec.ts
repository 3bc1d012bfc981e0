import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { describeAccountSettings } from './describe-account-settings.action';

describe('DescribeAccountSettings', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('reports the commitment DISABLED for an account that never changed it', async () => {
      expect(await describeAccountSettings(kds.ctx())).toEqual({ MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
    });

    it('reads the document kept at kds/accounts/<account>/<region>/settings', async () => {
      const commitment = { status: 'ENABLED', startedMs: 1_000, earliestAllowedEndMs: 2_000 };
      await kds.store.compareAndSet('kds/accounts/123456789012/us-east-1/settings', JSON.stringify({ commitment }), 0);
      expect(await describeAccountSettings(kds.ctx(TEST_CALLER))).toEqual({
        MinimumThroughputBillingCommitment: {
          Status: 'ENABLED',
          StartedAt: new Date(1_000),
          EarliestAllowedEndAt: new Date(2_000),
        },
      });
    });
  });
});
