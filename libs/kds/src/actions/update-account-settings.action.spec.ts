import { MINIMUM_COMMITMENT_MS } from '../account-settings';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { describeAccountSettings } from './describe-account-settings.action';
import { updateAccountSettings } from './update-account-settings.action';

describe('UpdateAccountSettings', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
  });
  afterEach(() => kds.close());

  const update = (Status: 'ENABLED' | 'DISABLED', caller = TEST_CALLER) =>
    updateAccountSettings(kds.ctx(caller), { MinimumThroughputBillingCommitment: { Status } });

  describe('functionality', () => {
    it('starts a commitment that may end 24 hours later', async () => {
      const started = kds.nowMs;
      const expected = {
        MinimumThroughputBillingCommitment: {
          Status: 'ENABLED',
          StartedAt: new Date(started),
          EarliestAllowedEndAt: new Date(started + MINIMUM_COMMITMENT_MS),
        },
      };
      expect(await update('ENABLED')).toEqual(expected);
      kds.advance(1_000);
      expect(await update('ENABLED')).toEqual(expected);
      expect(await describeAccountSettings(kds.ctx())).toEqual(expected);
    });

    it('schedules the end of a commitment disabled too early, which then ends on its own', async () => {
      const started = kds.nowMs;
      await update('ENABLED');
      kds.advance(60_000);
      expect((await update('DISABLED')).MinimumThroughputBillingCommitment).toEqual({
        Status: 'ENABLED_UNTIL_EARLIEST_ALLOWED_END',
        StartedAt: new Date(started),
        EarliestAllowedEndAt: new Date(started + MINIMUM_COMMITMENT_MS),
      });
      kds.nowMs = started + MINIMUM_COMMITMENT_MS;
      expect((await describeAccountSettings(kds.ctx())).MinimumThroughputBillingCommitment).toEqual({
        Status: 'DISABLED',
        StartedAt: new Date(started),
        EndedAt: new Date(started + MINIMUM_COMMITMENT_MS),
        EarliestAllowedEndAt: new Date(started + MINIMUM_COMMITMENT_MS),
      });
    });

    it('cancels a scheduled end when enabled again', async () => {
      await update('ENABLED');
      await update('DISABLED');
      expect((await update('ENABLED')).MinimumThroughputBillingCommitment?.Status).toBe('ENABLED');
      kds.advance(MINIMUM_COMMITMENT_MS);
      expect((await describeAccountSettings(kds.ctx())).MinimumThroughputBillingCommitment?.Status).toBe('ENABLED');
    });

    it('ends a commitment at once after its first 24 hours, and a new one starts afresh', async () => {
      await update('ENABLED');
      kds.advance(MINIMUM_COMMITMENT_MS + 5);
      const ended = kds.nowMs;
      expect((await update('DISABLED')).MinimumThroughputBillingCommitment).toMatchObject({
        Status: 'DISABLED',
        EndedAt: new Date(ended),
      });
      kds.advance(10);
      expect((await update('ENABLED')).MinimumThroughputBillingCommitment).toEqual({
        Status: 'ENABLED',
        StartedAt: new Date(ended + 10),
        EarliestAllowedEndAt: new Date(ended + 10 + MINIMUM_COMMITMENT_MS),
      });
    });

    it('keeps each account and region to itself', async () => {
      await update('ENABLED');
      for (const caller of [{ ...TEST_CALLER, account: '210987654321' }, { ...TEST_CALLER, region: 'eu-west-1' }]) {
        expect(await describeAccountSettings(kds.ctx(caller))).toEqual({ MinimumThroughputBillingCommitment: { Status: 'DISABLED' } });
      }
    });
  });
});
