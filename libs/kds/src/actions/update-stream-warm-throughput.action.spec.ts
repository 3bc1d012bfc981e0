import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { updateAccountSettings } from './update-account-settings.action';
import { updateStreamWarmThroughput } from './update-stream-warm-throughput.action';

describe('UpdateStreamWarmThroughput', () => {
  const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders' });
  });
  afterEach(() => kds.close());

  const enableCommitment = () =>
    updateAccountSettings(kds.ctx(), { MinimumThroughputBillingCommitment: { Status: 'ENABLED' } });

  describe('functionality', () => {
    it('moves the current warm throughput to the target once the update is over', async () => {
      await enableCommitment();
      kds.settings.updateStreamDelayMs = 100;
      expect(await updateStreamWarmThroughput(kds.ctx(), { StreamName: 'orders', WarmThroughputMiBps: 500 })).toEqual({
        StreamName: 'orders',
        StreamARN: arn,
        WarmThroughput: { CurrentMiBps: 0, TargetMiBps: 500 },
      });
      const during = (await describeStreamSummary(kds.ctx(), { StreamARN: arn })).StreamDescriptionSummary;
      expect(during).toMatchObject({ StreamStatus: 'UPDATING', WarmThroughput: { CurrentMiBps: 0, TargetMiBps: 500 } });
      kds.advance(100);
      const after = (await describeStreamSummary(kds.ctx(), { StreamARN: arn })).StreamDescriptionSummary;
      expect(after).toMatchObject({ StreamStatus: 'ACTIVE', WarmThroughput: { CurrentMiBps: 500, TargetMiBps: 500 } });
    });

    it('needs the account commitment in force', async () => {
      expect(await failureOf(updateStreamWarmThroughput(kds.ctx(), { StreamARN: arn, WarmThroughputMiBps: 500 }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Warm throughput requires MinimumThroughputBillingCommitment to be enabled for the account 123456789012.',
        ),
      );
    });

    it('is only for ON_DEMAND streams, up to 10 GiB/s', async () => {
      await enableCommitment();
      await createStream(kds.ctx(), { StreamName: 'provisioned', ShardCount: 1 });
      expect(
        await failureOf(updateStreamWarmThroughput(kds.ctx(), { StreamName: 'provisioned', WarmThroughputMiBps: 10 })),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'Warm throughput is only supported for streams in ON_DEMAND mode.'));
      expect(await failureOf(updateStreamWarmThroughput(kds.ctx(), { StreamARN: arn, WarmThroughputMiBps: 20_000 }))).toEqual(
        kinesisFailure('LimitExceededException', 'Requested warm throughput of 20000 MiBps exceeds the limit of 10240 MiBps.'),
      );
    });
  });
});
