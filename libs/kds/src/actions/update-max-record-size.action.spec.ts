import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.action';
import { updateMaxRecordSize } from './update-max-record-size.action';

describe('UpdateMaxRecordSize', () => {
  const StreamARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('changes the largest record the stream takes', async () => {
      await updateMaxRecordSize(kds.ctx(), { StreamARN, MaxRecordSizeInKiB: 10_240 });
      const { StreamDescriptionSummary } = await describeStreamSummary(kds.ctx(), { StreamARN });
      expect(StreamDescriptionSummary).toMatchObject({ MaxRecordSizeInKiB: 10_240, StreamStatus: 'ACTIVE' });
    });

    it('needs an ACTIVE stream', async () => {
      kds.settings.updateStreamDelayMs = 100;
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamARN, RetentionPeriodHours: 48 });
      expect(await failureOf(updateMaxRecordSize(kds.ctx(), { StreamARN, MaxRecordSizeInKiB: 2048 }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
    });
  });
});
