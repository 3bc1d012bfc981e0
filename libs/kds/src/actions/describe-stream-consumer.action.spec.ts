import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamConsumer } from './describe-stream-consumer.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('DescribeStreamConsumer', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('describes a consumer by its ARN or by stream ARN and name', async () => {
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      const expected = {
        ConsumerDescription: {
          ConsumerName: 'reader',
          ConsumerARN: Consumer.ConsumerARN,
          ConsumerStatus: 'ACTIVE',
          ConsumerCreationTimestamp: new Date(kds.nowMs),
          StreamARN: streamArn,
        },
      };
      expect(await describeStreamConsumer(kds.ctx(), { ConsumerARN: Consumer.ConsumerARN })).toEqual(expected);
      expect(await describeStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' })).toEqual(expected);
    });

    it('keeps consumers of other accounts out of reach', async () => {
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      const other = { account: '210987654321', region: 'us-east-1' };
      expect(await failureOf(describeStreamConsumer(kds.ctx(other), { ConsumerARN: Consumer.ConsumerARN }))).toEqual(
        kinesisFailure(
          'AccessDeniedException',
          `User: arn:aws:iam::210987654321:root is not authorized to access resource: ${Consumer.ConsumerARN} ` +
            'because no resource-based policy allows the access.',
        ),
      );
    });

    it('reports a consumer ARN from another region as not found', async () => {
      const arn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders/consumer/reader:1700000000';
      expect(await failureOf(describeStreamConsumer(kds.ctx(), { ConsumerARN: arn }))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${arn}, account 123456789012 not found.`),
      );
    });
  });
});
