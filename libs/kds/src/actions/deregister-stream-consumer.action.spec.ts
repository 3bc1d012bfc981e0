import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deregisterStreamConsumer } from './deregister-stream-consumer.action';
import { describeStreamConsumer } from './describe-stream-consumer.action';
import { listStreamConsumers } from './list-stream-consumers.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('DeregisterStreamConsumer', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  let consumerArn: string;
  const setUp = async (settings = {}) => {
    kds = await openTestKds(settings);
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    consumerArn = (await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' })).Consumer.ConsumerARN;
  };
  const consumerNames = async () =>
    ((await listStreamConsumers(kds.ctx(), { StreamARN: streamArn })).Consumers ?? []).map((c) => c.ConsumerName);
  afterEach(() => kds.close());

  describe('functionality', () => {
    it.each([
      ['its ARN', () => ({ ConsumerARN: consumerArn })],
      ['stream ARN and name', () => ({ StreamARN: streamArn, ConsumerName: 'reader' })],
      ['all three, agreeing', () => ({ ConsumerARN: consumerArn, StreamARN: streamArn, ConsumerName: 'reader' })],
    ])('removes a consumer named by %s', async (_, ref) => {
      await setUp();
      await deregisterStreamConsumer(kds.ctx(), ref());
      expect(await consumerNames()).toEqual([]);
    });

    it('is DELETING for consumerDelayMs, then gone', async () => {
      await setUp({ consumerDelayMs: 300 });
      kds.advance(300);
      await deregisterStreamConsumer(kds.ctx(), { ConsumerARN: consumerArn });
      expect((await describeStreamConsumer(kds.ctx(), { ConsumerARN: consumerArn })).ConsumerDescription.ConsumerStatus).toBe(
        'DELETING',
      );
      await deregisterStreamConsumer(kds.ctx(), { ConsumerARN: consumerArn });
      kds.advance(300);
      expect(await consumerNames()).toEqual([]);
    });

    it.each([
      [
        'a ConsumerName that conflicts with the ConsumerARN',
        () => ({ ConsumerARN: consumerArn, ConsumerName: 'writer' }),
        () => `ConsumerARN ${consumerArn} conflicts with the StreamARN or ConsumerName of the request.`,
      ],
      [
        'a StreamARN that conflicts with the ConsumerARN',
        () => ({ ConsumerARN: consumerArn, StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/other' }),
        () => `ConsumerARN ${consumerArn} conflicts with the StreamARN or ConsumerName of the request.`,
      ],
      [
        'a stream ARN without a consumer name',
        () => ({ StreamARN: streamArn }),
        () => 'Either ConsumerARN or both StreamARN and ConsumerName should be provided.',
      ],
      [
        'a malformed ConsumerARN',
        () => ({ ConsumerARN: streamArn }),
        () => `ConsumerARN ${streamArn} is not a valid consumer ARN.`,
      ],
    ])('refuses %s', async (_, ref, message) => {
      await setUp();
      expect(await failureOf(deregisterStreamConsumer(kds.ctx(), ref()))).toEqual(
        kinesisFailure('InvalidArgumentException', message()),
      );
      expect(await consumerNames()).toEqual(['reader']);
    });

    it('reports a consumer the stream does not have', async () => {
      await setUp();
      expect(await failureOf(deregisterStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'writer' }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Consumer writer, account 123456789012 not found.'),
      );
    });
  });
});
