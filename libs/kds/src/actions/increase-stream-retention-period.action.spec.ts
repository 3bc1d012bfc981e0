import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { increaseStreamRetentionPeriod } from './increase-stream-retention-period.action';

describe('IncreaseStreamRetentionPeriod', () => {
  const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  const summary = async () => (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary;

  describe('functionality', () => {
    it('lengthens the retention, by name or ARN, up to 8760 hours', async () => {
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 168 });
      expect((await summary()).RetentionPeriodHours).toBe(168);
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamARN: arn, RetentionPeriodHours: 8760 });
      expect((await summary()).RetentionPeriodHours).toBe(8760);
    });

    it('accepts the current retention', async () => {
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 24 });
      expect((await summary()).RetentionPeriodHours).toBe(24);
    });

    it.each([
      [48, 'Requested retention period (48 hours) for stream orders can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.'],
      [23, 'Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.'],
      [8761, 'Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.'],
    ])('refuses %i hours in AWS words', async (hours, message) => {
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 72 });
      expect(await failureOf(increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: hours }))).toEqual(
        kinesisFailure('InvalidArgumentException', message),
      );
      expect((await summary()).RetentionPeriodHours).toBe(72);
    });

    it('leaves the stream UPDATING for updateStreamDelayMs, refusing other updates meanwhile', async () => {
      kds.settings.updateStreamDelayMs = 200;
      await increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 48 });
      expect(await summary()).toMatchObject({ StreamStatus: 'UPDATING', RetentionPeriodHours: 48 });
      expect(await failureOf(increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'orders', RetentionPeriodHours: 72 }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state UPDATING'),
      );
      kds.advance(200);
      expect((await summary()).StreamStatus).toBe('ACTIVE');
    });

    it('reports an unknown stream before checking the hours', async () => {
      expect(await failureOf(increaseStreamRetentionPeriod(kds.ctx(), { StreamName: 'invoices', RetentionPeriodHours: 1 }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      );
    });
  });
});
