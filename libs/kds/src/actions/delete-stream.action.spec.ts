import type { StreamMeta } from '../ports/stream-meta';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, TEST_CALLER, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deleteStream } from './delete-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { listStreams } from './list-streams.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('DeleteStream', () => {
  const key = { ...TEST_CALLER, name: 'orders' };
  const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  let stream: StreamMeta;

  const setUp = async (settings = {}) => {
    kds = await openTestKds(settings);
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    stream = await kds.streams.resolve(TEST_CALLER, { StreamName: 'orders' });
    await kds.data.append({
      streamId: stream.streamId,
      shardId: 'shardId-000000000000',
      records: [{ partitionKey: 'k', data: Buffer.from('x') }],
    });
  };
  const storedRecords = async () =>
    (await kds.data.bounds({ streamId: stream.streamId, shardId: 'shardId-000000000000' })).nextOffset;

  afterEach(() => kds.close());

  describe('functionality', () => {
    it('without a delay, removes the stream and drops its data at once', async () => {
      await setUp();
      expect(await storedRecords()).toBe(1);
      await deleteStream(kds.ctx(), { StreamName: 'orders' });
      expect(await kds.streams.get(key)).toBeUndefined();
      expect((await listStreams(kds.ctx(), {})).StreamNames).toEqual([]);
      expect(await storedRecords()).toBe(0);
    });

    it('with a delay, is DELETING until it has passed, then gone with its data', async () => {
      await setUp({ deleteStreamDelayMs: 1_000 });
      await deleteStream(kds.ctx(), { StreamARN: arn });
      const summary = await describeStreamSummary(kds.ctx(), { StreamName: 'orders' });
      expect(summary.StreamDescriptionSummary.StreamStatus).toBe('DELETING');
      expect(await storedRecords()).toBe(1);
      kds.advance(1_000);
      expect(await failureOf(describeStreamSummary(kds.ctx(), { StreamName: 'orders' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
      expect(await storedRecords()).toBe(0);
    });

    it('refuses a stream that is still CREATING or already DELETING', async () => {
      await setUp({ createStreamDelayMs: 100, deleteStreamDelayMs: 100 });
      kds.advance(100);
      await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
      expect(await failureOf(deleteStream(kds.ctx(), { StreamName: 'invoices' }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream invoices under account 123456789012 not ACTIVE, instead in state CREATING'),
      );
      await deleteStream(kds.ctx(), { StreamName: 'orders' });
      expect(await failureOf(deleteStream(kds.ctx(), { StreamName: 'orders' }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state DELETING'),
      );
    });

    it('refuses a stream with consumers unless EnforceConsumerDeletion is set', async () => {
      await setUp();
      await registerStreamConsumer(kds.ctx(), { StreamARN: arn, ConsumerName: 'reader' });
      for (const EnforceConsumerDeletion of [undefined, false]) {
        expect(await failureOf(deleteStream(kds.ctx(), { StreamName: 'orders', EnforceConsumerDeletion }))).toEqual(
          kinesisFailure(
            'ResourceInUseException',
            'Stream orders under account 123456789012 has registered consumers. ' +
              'Deregister them first, or set EnforceConsumerDeletion.',
          ),
        );
      }
      await deleteStream(kds.ctx(), { StreamName: 'orders', EnforceConsumerDeletion: true });
      expect(await kds.streams.get(key)).toBeUndefined();
    });

    it('only ever deletes the caller stream', async () => {
      await setUp();
      const other = { account: '210987654321', region: 'us-east-1' };
      expect(await failureOf(deleteStream(kds.ctx(other), { StreamName: 'orders' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 210987654321 not found.'),
      );
      expect(await failureOf(deleteStream(kds.ctx(other), { StreamARN: arn }))).toEqual(
        kinesisFailure(
          'AccessDeniedException',
          `User: arn:aws:iam::210987654321:root is not authorized to access resource: ${arn} ` +
            'because no resource-based policy allows the access.',
        ),
      );
      expect(await kds.streams.get(key)).toBeDefined();
    });
  });
});
