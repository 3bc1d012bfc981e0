import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { decreaseStreamRetentionPeriod } from './decrease-stream-retention-period.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.action';

describe('DecreaseStreamRetentionPeriod', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    await increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 168 });
  });
  afterEach(() => kds.close());

  const retention = async () =>
    (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary.RetentionPeriodHours;

  describe('functionality', () => {
    it('shortens the retention down to 24 hours, and accepts the current one', async () => {
      await decreaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 168 });
      expect(await retention()).toBe(168);
      await decreaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 24 });
      expect(await retention()).toBe(24);
    });

    it.each([
      [200, 'Requested retention period (200 hours) for stream orders can not be longer than existing retention period (168 hours). Use IncreaseRetentionPeriod API.'],
      [0, 'Minimum allowed retention period is 24 hours. Requested retention period (0 hours) is too short.'],
      [9000, 'Maximum allowed retention period is 8760 hours. Requested retention period (9000 hours) is too long.'],
    ])('refuses %i hours in AWS words', async (hours, message) => {
      expect(await failureOf(decreaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: hours }))).toEqual(
        kinesisFailure('InvalidArgumentException', message),
      );
      expect(await retention()).toBe(168);
    });

    it('leaves the stream UPDATING for updateStreamDelayMs', async () => {
      kds.settings.updateStreamDelayMs = 200;
      await decreaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 48 });
      const { StreamDescriptionSummary } = await describeStreamSummary(kds.ctx(), { StreamName: 'orders' });
      expect(StreamDescriptionSummary.StreamStatus).toBe('UPDATING');
      kds.advance(200);
      expect((await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary.StreamStatus).toBe('ACTIVE');
    });
  });
});
