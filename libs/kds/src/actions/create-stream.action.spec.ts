import { MAX_HASH_KEY } from '../hash-range';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deleteStream } from './delete-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { updateAccountSettings } from './update-account-settings.action';

describe('CreateStream', () => {
  let kds: TestKds;
  afterEach(() => kds.close());

  const summary = async (name = 'orders', caller = TEST_CALLER) =>
    (await describeStreamSummary(kds.ctx(caller), { StreamName: name })).StreamDescriptionSummary;

  describe('functionality', () => {
    describe('streams', () => {
      beforeEach(async () => {
        kds = await openTestKds();
      });

      it('creates an ACTIVE PROVISIONED stream with the shards asked for, tiling the hash key space', async () => {
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 3 });
        const meta = await kds.streams.get({ ...TEST_CALLER, name: 'orders' });
        expect(meta).toMatchObject({
          name: 'orders',
          arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
          status: 'ACTIVE',
          mode: 'PROVISIONED',
          createdMs: kds.nowMs,
          retentionHours: 24,
          nextShardIndex: 3,
          tags: {},
          encryption: { type: 'NONE' },
          enhancedMonitoring: [],
          maxRecordSizeKiB: 1024,
          consumers: [],
        });
        const shards = meta?.shards ?? [];
        expect(shards.map((s) => [s.shardId, s.index, s.createdMs])).toEqual([
          ['shardId-000000000000', 0, kds.nowMs],
          ['shardId-000000000001', 1, kds.nowMs],
          ['shardId-000000000002', 2, kds.nowMs],
        ]);
        expect(shards[0].hashKeyStart).toBe('0');
        expect(BigInt(shards[1].hashKeyStart)).toBe(BigInt(shards[0].hashKeyEnd) + 1n);
        expect(BigInt(shards[2].hashKeyStart)).toBe(BigInt(shards[1].hashKeyEnd) + 1n);
        expect(shards[2].hashKeyEnd).toBe(MAX_HASH_KEY.toString());
      });

      it('creates an ON_DEMAND stream of four shards when neither ShardCount nor a mode is given', async () => {
        await createStream(kds.ctx(), { StreamName: 'orders' });
        expect(await summary()).toMatchObject({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4 });
      });

      it('takes the mode from StreamModeDetails', async () => {
        await createStream(kds.ctx(), { StreamName: 'orders', StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
        await createStream(kds.ctx(), {
          StreamName: 'invoices',
          ShardCount: 2,
          StreamModeDetails: { StreamMode: 'PROVISIONED' },
        });
        expect((await summary('orders')).StreamModeDetails).toEqual({ StreamMode: 'ON_DEMAND' });
        expect(await summary('invoices')).toMatchObject({ StreamModeDetails: { StreamMode: 'PROVISIONED' }, OpenShardCount: 2 });
      });

      it('refuses ShardCount for ON_DEMAND and its absence for PROVISIONED', async () => {
        expect(
          await failureOf(
            createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 2, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
          ),
        ).toEqual(kinesisFailure('InvalidArgumentException', 'ShardCount is not expected when StreamMode=ON_DEMAND'));
        expect(
          await failureOf(createStream(kds.ctx(), { StreamName: 'orders', StreamModeDetails: { StreamMode: 'PROVISIONED' } })),
        ).toEqual(kinesisFailure('InvalidArgumentException', 'ShardCount is expected when StreamMode=PROVISIONED'));
      });

      it('keeps the tags and the maximum record size it is given', async () => {
        await createStream(kds.ctx(), {
          StreamName: 'orders',
          ShardCount: 1,
          Tags: { team: 'payments', 'cost:centre': '42' },
          MaxRecordSizeInKiB: 4096,
        });
        const meta = await kds.streams.get({ ...TEST_CALLER, name: 'orders' });
        expect(meta?.tags).toEqual({ team: 'payments', 'cost:centre': '42' });
        expect((await summary()).MaxRecordSizeInKiB).toBe(4096);
      });

      it('refuses tags AWS refuses', async () => {
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { 'a#b': '' } }))).toEqual(
          kinesisFailure(
            'InvalidArgumentException',
            'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
          ),
        );
        const tags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: tags }))).toEqual(
          kinesisFailure(
            'InvalidArgumentException',
            'Failed to add tags to stream orders under account 123456789012 because a given stream cannot have more ' +
              'than 50 tags associated with it.',
          ),
        );
        expect(await kds.streams.get({ ...TEST_CALLER, name: 'orders' })).toBeUndefined();
      });

      it('refuses tag keys beginning with the reserved aws: prefix, in any case, and creates nothing', async () => {
        expect(
          await failureOf(createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { team: 'a', 'AWS:owner': 'me' } })),
        ).toEqual(kinesisFailure('InvalidArgumentException', "Tag key 'AWS:owner' is invalid: keys beginning with 'aws:' are reserved for AWS use."));
        expect(await kds.streams.get({ ...TEST_CALLER, name: 'orders' })).toBeUndefined();
      });

      it('refuses a name that is taken, even by a stream being deleted', async () => {
        kds.settings.deleteStreamDelayMs = 1_000;
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        await deleteStream(kds.ctx(), { StreamName: 'orders' });
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 }))).toEqual(
          kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 already exists.'),
        );
        kds.advance(1_000);
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        expect((await summary()).StreamStatus).toBe('ACTIVE');
      });

      it('gives every incarnation of a name its own streamId', async () => {
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        const first = await kds.streams.get({ ...TEST_CALLER, name: 'orders' });
        await deleteStream(kds.ctx(), { StreamName: 'orders' });
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        const second = await kds.streams.get({ ...TEST_CALLER, name: 'orders' });
        expect(second?.streamId).toEqual(expect.any(String));
        expect(second?.streamId).not.toBe(first?.streamId);
      });

      it('lets other accounts and regions use the same name', async () => {
        const elsewhere = [
          { account: '210987654321', region: 'us-east-1' },
          { account: TEST_CALLER.account, region: 'eu-west-1' },
        ];
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        for (const caller of elsewhere) await createStream(kds.ctx(caller), { StreamName: 'orders', ShardCount: 2 });
        expect((await summary('orders', elsewhere[1])).StreamARN).toBe('arn:aws:kinesis:eu-west-1:123456789012:stream/orders');
        expect((await summary('orders', elsewhere[0])).OpenShardCount).toBe(2);
        expect((await summary()).OpenShardCount).toBe(1);
      });
    });

    describe('delays', () => {
      it('is CREATING for createStreamDelayMs, then ACTIVE', async () => {
        kds = await openTestKds({ createStreamDelayMs: 500 });
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
        expect((await summary()).StreamStatus).toBe('CREATING');
        kds.advance(499);
        expect((await summary()).StreamStatus).toBe('CREATING');
        kds.advance(1);
        expect((await summary()).StreamStatus).toBe('ACTIVE');
      });

      it('refuses a sixth stream while five are CREATING', async () => {
        kds = await openTestKds({ createStreamDelayMs: 500 });
        for (let i = 0; i < 5; i++) await createStream(kds.ctx(), { StreamName: `s${i}`, ShardCount: 1 });
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 's5', ShardCount: 1 }))).toEqual(
          kinesisFailure(
            'LimitExceededException',
            'Account 123456789012 already has 5 streams in CREATING state in us-east-1; ' +
              'no more can be created until one of them is ACTIVE.',
          ),
        );
        kds.advance(500);
        await createStream(kds.ctx(), { StreamName: 's5', ShardCount: 1 });
      });
    });

    describe('limits', () => {
      it('refuses shards beyond the shard limit of the account and region, in AWS words', async () => {
        kds = await openTestKds({ shardLimit: 5 });
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 3 });
        await createStream(kds.ctx({ ...TEST_CALLER, region: 'eu-west-1' }), { StreamName: 'orders', ShardCount: 5 });
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 3 }))).toEqual(
          kinesisFailure(
            'LimitExceededException',
            'This request would exceed the shard limit for the account 123456789012 in us-east-1. ' +
              'Current shard count for the account: 3. Limit: 5. ' +
              'Number of additional shards that would have resulted from this request: 3. ' +
              'Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) ' +
              'for current limits and how to request higher limits.',
          ),
        );
        await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 2 });
      });

      it('counts only open shards against the limit', async () => {
        kds = await openTestKds({ shardLimit: 2 });
        await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 2 });
        await kds.streams.update({ ...TEST_CALLER, name: 'orders' }, (meta) => ({
          ...meta,
          shards: meta.shards.map((shard, i) => (i === 0 ? { ...shard, closedMs: kds.nowMs } : shard)),
        }));
        await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
      });

      it('refuses ON_DEMAND streams beyond the on-demand stream limit', async () => {
        kds = await openTestKds({ onDemandStreamLimit: 1 });
        await createStream(kds.ctx(), { StreamName: 'orders' });
        await createStream(kds.ctx(), { StreamName: 'provisioned', ShardCount: 1 });
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'invoices' }))).toEqual(
          kinesisFailure(
            'LimitExceededException',
            'This request would exceed the on-demand stream limit for the account 123456789012 in us-east-1. ' +
              'Current on-demand stream count for the account: 1. Limit: 1.',
          ),
        );
      });
    });

    describe('warm throughput', () => {
      beforeEach(async () => {
        kds = await openTestKds();
      });

      it('needs the account minimum throughput billing commitment', async () => {
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'orders', WarmThroughputMiBps: 100 }))).toEqual(
          kinesisFailure(
            'InvalidArgumentException',
            'Warm throughput requires MinimumThroughputBillingCommitment to be enabled for the account 123456789012.',
          ),
        );
      });

      it('sets the warm throughput of an ON_DEMAND stream once the commitment is enabled', async () => {
        await updateAccountSettings(kds.ctx(), { MinimumThroughputBillingCommitment: { Status: 'ENABLED' } });
        await createStream(kds.ctx(), { StreamName: 'orders', WarmThroughputMiBps: 100 });
        expect((await summary()).WarmThroughput).toEqual({ CurrentMiBps: 100, TargetMiBps: 100 });
      });

      it('refuses it for PROVISIONED streams and beyond 10 GiB/s', async () => {
        await updateAccountSettings(kds.ctx(), { MinimumThroughputBillingCommitment: { Status: 'ENABLED' } });
        expect(
          await failureOf(createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, WarmThroughputMiBps: 100 })),
        ).toEqual(kinesisFailure('InvalidArgumentException', 'Warm throughput is only supported for streams in ON_DEMAND mode.'));
        expect(await failureOf(createStream(kds.ctx(), { StreamName: 'orders', WarmThroughputMiBps: 10_241 }))).toEqual(
          kinesisFailure('LimitExceededException', 'Requested warm throughput of 10241 MiBps exceeds the limit of 10240 MiBps.'),
        );
      });
    });
  });
});
