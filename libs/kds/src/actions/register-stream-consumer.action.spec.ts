import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamConsumer } from './describe-stream-consumer.action';
import { listStreamConsumers } from './list-stream-consumers.action';
import { listTagsForResource } from './list-tags-for-resource.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('RegisterStreamConsumer', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  const setUp = async (settings = {}) => {
    kds = await openTestKds(settings);
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  };
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('registers an ACTIVE consumer whose ARN ends in its creation second', async () => {
      await setUp();
      kds.nowMs = 1_700_000_000_250;
      expect(await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' })).toEqual({
        Consumer: {
          ConsumerName: 'reader',
          ConsumerARN: `${streamArn}/consumer/reader:1700000000`,
          ConsumerStatus: 'ACTIVE',
          ConsumerCreationTimestamp: new Date(1_700_000_000_250),
        },
      });
    });

    it('keeps the tags it is given', async () => {
      await setUp();
      const { Consumer } = await registerStreamConsumer(kds.ctx(), {
        StreamARN: streamArn,
        ConsumerName: 'reader',
        Tags: { team: 'search' },
      });
      expect((await listTagsForResource(kds.ctx(), { ResourceARN: Consumer.ConsumerARN })).Tags).toEqual([
        { Key: 'team', Value: 'search' },
      ]);
    });

    it('refuses tag keys beginning with the reserved aws: prefix, in any case, and registers nothing', async () => {
      await setUp();
      expect(
        await failureOf(
          registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader', Tags: { 'AWS:owner': 'me' } }),
        ),
      ).toEqual(kinesisFailure('InvalidArgumentException', "Tag key 'AWS:owner' is invalid: keys beginning with 'aws:' are reserved for AWS use."));
      expect((await listStreamConsumers(kds.ctx(), { StreamARN: streamArn })).Consumers).toEqual([]);
    });

    it('is CREATING for consumerDelayMs, then ACTIVE', async () => {
      await setUp({ consumerDelayMs: 300 });
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      expect(Consumer.ConsumerStatus).toBe('CREATING');
      kds.advance(300);
      const { ConsumerDescription } = await describeStreamConsumer(kds.ctx(), { ConsumerARN: Consumer.ConsumerARN });
      expect(ConsumerDescription.ConsumerStatus).toBe('ACTIVE');
    });

    it('refuses a name already registered with the stream', async () => {
      await setUp();
      await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      expect(await failureOf(registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Consumer reader of stream orders under account 123456789012 already exists.'),
      );
    });

    it('registers at most 20 consumers with a stream', async () => {
      await setUp();
      for (let i = 0; i < 20; i++) await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: `c${i}` });
      expect(await failureOf(registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'c20' }))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'Stream orders under account 123456789012 already has 20 registered consumers, the most a stream can have.',
        ),
      );
    });

    it('has at most 5 consumers CREATING at once', async () => {
      await setUp({ consumerDelayMs: 300 });
      for (let i = 0; i < 5; i++) await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: `c${i}` });
      expect(await failureOf(registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'c5' }))).toEqual(
        kinesisFailure(
          'LimitExceededException',
          'Stream orders under account 123456789012 already has 5 consumers in CREATING status; ' +
            'wait until one of them is ACTIVE.',
        ),
      );
      kds.advance(300);
      await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'c5' });
    });

    it('needs the stream to exist and be ACTIVE', async () => {
      await setUp({ createStreamDelayMs: 100 });
      expect(await failureOf(registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream orders under account 123456789012 not ACTIVE, instead in state CREATING'),
      );
      const missing = 'arn:aws:kinesis:us-east-1:123456789012:stream/invoices';
      expect(await failureOf(registerStreamConsumer(kds.ctx(), { StreamARN: missing, ConsumerName: 'reader' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      );
    });
  });
});
