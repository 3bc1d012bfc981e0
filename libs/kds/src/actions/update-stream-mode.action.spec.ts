import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { updateAccountSettings } from './update-account-settings.action';
import { updateStreamMode } from './update-stream-mode.action';

describe('UpdateStreamMode', () => {
  const arn = (name: string) => `arn:aws:kinesis:us-east-1:123456789012:stream/${name}`;
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds({ onDemandStreamLimit: 2 });
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 3 });
  });
  afterEach(() => kds.close());

  const summary = async (name = 'orders') =>
    (await describeStreamSummary(kds.ctx(), { StreamName: name })).StreamDescriptionSummary;

  describe('functionality', () => {
    it('switches between PROVISIONED and ON_DEMAND, keeping the shards', async () => {
      await updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
      expect(await summary()).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 3 });
      await updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'PROVISIONED' } });
      expect((await summary()).StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
    });

    it('refuses the mode the stream is already in', async () => {
      expect(
        await failureOf(updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'PROVISIONED' } })),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'Stream orders under account 123456789012 is already in PROVISIONED mode.'));
    });

    it('counts a switch to ON_DEMAND against the on-demand stream limit', async () => {
      await createStream(kds.ctx(), { StreamName: 'a' });
      await createStream(kds.ctx(), { StreamName: 'b' });
      expect(
        await failureOf(updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } })),
      ).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'This request would exceed the on-demand stream limit for the account 123456789012 in us-east-1. ' +
            'Current on-demand stream count for the account: 2. Limit: 2.',
        ),
      );
    });

    it('sets warm throughput on a switch to ON_DEMAND, and drops it on the way back', async () => {
      await updateAccountSettings(kds.ctx(), { MinimumThroughputBillingCommitment: { Status: 'ENABLED' } });
      await updateStreamMode(kds.ctx(), {
        StreamARN: arn('orders'),
        StreamModeDetails: { StreamMode: 'ON_DEMAND' },
        WarmThroughputMiBps: 64,
      });
      expect((await summary()).WarmThroughput).toEqual({ CurrentMiBps: 64, TargetMiBps: 64 });
      await updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'PROVISIONED' } });
      expect(await summary()).not.toHaveProperty('WarmThroughput');
      expect(
        await failureOf(
          updateStreamMode(kds.ctx(), {
            StreamARN: arn('orders'),
            StreamModeDetails: { StreamMode: 'PROVISIONED' },
            WarmThroughputMiBps: 64,
          }),
        ),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'Warm throughput is only supported for streams in ON_DEMAND mode.'));
    });

    it('leaves the stream UPDATING for updateStreamDelayMs', async () => {
      kds.settings.updateStreamDelayMs = 100;
      await updateStreamMode(kds.ctx(), { StreamARN: arn('orders'), StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
      expect((await summary()).StreamStatus).toBe('UPDATING');
      kds.advance(100);
      expect((await summary()).StreamStatus).toBe('ACTIVE');
    });
  });
});
