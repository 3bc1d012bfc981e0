import type { StreamMode } from '../ports/stream-meta';
import { CoordinationStoreStreamRepository } from '../stream-repository';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
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

    describe('switches per 24 hours', () => {
      const HOUR_MS = 3_600_000;
      const DAY_MS = 24 * HOUR_MS;
      const switchTo = (mode: StreamMode, name = 'orders', ctx = kds.ctx()) =>
        updateStreamMode(ctx, { StreamARN: arn(name), StreamModeDetails: { StreamMode: mode } });
      const tooMany = (name = 'orders') =>
        kinesisFailure(
          'LimitExceededException',
          `Exceeded the limit of 2 stream mode switches per rolling 24-hour period for stream ${name} under account 123456789012.`,
        );

      it('allows two, and another once the oldest is 24 hours old', async () => {
        const startMs = kds.nowMs;
        await switchTo('ON_DEMAND');
        kds.advance(HOUR_MS);
        await switchTo('PROVISIONED');
        kds.advance(HOUR_MS);
        expect(await failureOf(switchTo('ON_DEMAND'))).toEqual(tooMany());
        expect((await summary()).StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });

        kds.nowMs = startMs + DAY_MS - 1;
        expect(await failureOf(switchTo('ON_DEMAND'))).toEqual(tooMany());
        kds.nowMs = startMs + DAY_MS;
        await switchTo('ON_DEMAND');
        // The window rolls: the switch an hour after the first still counts.
        expect(await failureOf(switchTo('PROVISIONED'))).toEqual(tooMany());
        kds.nowMs = startMs + HOUR_MS + DAY_MS;
        await switchTo('PROVISIONED');
        expect((await summary()).StreamModeDetails).toEqual({ StreamMode: 'PROVISIONED' });
      });

      it('does not count asking for the mode the stream already has, which stays an InvalidArgumentException', async () => {
        const already = (mode: StreamMode) =>
          kinesisFailure('InvalidArgumentException', `Stream orders under account 123456789012 is already in ${mode} mode.`);
        await switchTo('ON_DEMAND');
        expect(await failureOf(switchTo('ON_DEMAND'))).toEqual(already('ON_DEMAND'));
        await switchTo('PROVISIONED');
        // Two switches made: the same-mode answer still comes before the limit.
        expect(await failureOf(switchTo('PROVISIONED'))).toEqual(already('PROVISIONED'));
        expect(await failureOf(switchTo('ON_DEMAND'))).toEqual(tooMany());
      });

      it('counts per stream', async () => {
        await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
        await switchTo('ON_DEMAND');
        await switchTo('PROVISIONED');
        expect(await failureOf(switchTo('ON_DEMAND'))).toEqual(tooMany());
        await switchTo('ON_DEMAND', 'invoices');
        await switchTo('PROVISIONED', 'invoices');
        expect(await failureOf(switchTo('ON_DEMAND', 'invoices'))).toEqual(tooMany('invoices'));
      });

      it('keeps the switches of the last 24 hours in the stream document, for every process to count', async () => {
        const startMs = kds.nowMs;
        await switchTo('ON_DEMAND');
        kds.advance(HOUR_MS);
        await switchTo('PROVISIONED');
        const orders = { ...TEST_CALLER, name: 'orders' };
        expect((await kds.streams.get(orders))?.modeSwitchHistoryMs).toEqual([startMs, startMs + HOUR_MS]);

        // Another process, with its own repository over the same store, sees them.
        const elsewhere = new CoordinationStoreStreamRepository(kds.store, {
          now: () => kds.nowMs,
          onStreamGone: async () => undefined,
        });
        expect(await failureOf(switchTo('ON_DEMAND', 'orders', { ...kds.ctx(), streams: elsewhere }))).toEqual(tooMany());

        // What a switch reads is the document: switches written there by someone else count.
        await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
        await kds.streams.update({ ...TEST_CALLER, name: 'invoices' }, (meta) => ({
          ...meta,
          modeSwitchHistoryMs: [kds.nowMs - 2 * HOUR_MS, kds.nowMs - HOUR_MS],
        }));
        expect(await failureOf(switchTo('ON_DEMAND', 'invoices'))).toEqual(tooMany('invoices'));

        // Switches older than 24 hours are dropped from the document when the next one is kept.
        kds.nowMs = startMs + DAY_MS;
        await switchTo('ON_DEMAND');
        expect((await kds.streams.get(orders))?.modeSwitchHistoryMs).toEqual([startMs + HOUR_MS, startMs + DAY_MS]);
      });
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
