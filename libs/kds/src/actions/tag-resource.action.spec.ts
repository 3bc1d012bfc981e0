import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deregisterStreamConsumer } from './deregister-stream-consumer.action';
import { listTagsForResource } from './list-tags-for-resource.action';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { tagResource } from './tag-resource.action';

describe('TagResource', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  let consumerArn: string;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    consumerArn = (await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' })).Consumer.ConsumerARN;
  });
  afterEach(() => kds.close());

  const tagsOf = async (arn: string) => (await listTagsForResource(kds.ctx(), { ResourceARN: arn })).Tags;

  describe('functionality', () => {
    it('tags a stream and a consumer separately', async () => {
      await tagResource(kds.ctx(), { ResourceARN: streamArn, Tags: { level: 'stream' } });
      await tagResource(kds.ctx(), { ResourceARN: consumerArn, Tags: { level: 'consumer', team: 'search' } });
      expect(await tagsOf(streamArn)).toEqual([{ Key: 'level', Value: 'stream' }]);
      expect(await tagsOf(consumerArn)).toEqual([
        { Key: 'level', Value: 'consumer' },
        { Key: 'team', Value: 'search' },
      ]);
    });

    it('holds at most 50 tags per consumer', async () => {
      const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      await tagResource(kds.ctx(), { ResourceARN: consumerArn, Tags: fifty });
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: consumerArn, Tags: { more: 'x' } }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Failed to add tags to consumer reader of stream orders under account 123456789012 because a given ' +
            'consumer cannot have more than 50 tags associated with it.',
        ),
      );
    });

    it.each([
      ['stream', () => streamArn],
      ['consumer', () => consumerArn],
    ])('refuses tag keys beginning with the reserved aws: prefix on a %s', async (_, arn) => {
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: arn(), Tags: { env: 'prod', 'AWS:owner': 'me' } }))).toEqual(
        kinesisFailure('InvalidArgumentException', "Tag key 'AWS:owner' is invalid: keys beginning with 'aws:' are reserved for AWS use."),
      );
      expect(await tagsOf(arn())).toEqual([]);
    });

    it('refuses what is not a stream or consumer ARN', async () => {
      const arn = 'arn:aws:kinesis:us-east-1:123456789012:deliverystream/orders';
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: arn, Tags: { a: 'b' } }))).toEqual(
        kinesisFailure('InvalidArgumentException', `ResourceARN ${arn} is not a valid stream or consumer ARN.`),
      );
    });

    it('reports a consumer that has been deregistered, and its earlier registrations', async () => {
      await deregisterStreamConsumer(kds.ctx(), { ConsumerARN: consumerArn });
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: consumerArn, Tags: { a: 'b' } }))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${consumerArn}, account 123456789012 not found.`),
      );
      kds.advance(1_000);
      await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: consumerArn, Tags: { a: 'b' } }))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${consumerArn}, account 123456789012 not found.`),
      );
    });

    it('refuses resources of other accounts and finds none in other regions', async () => {
      const foreign = 'arn:aws:kinesis:us-east-1:210987654321:stream/orders';
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: foreign, Tags: { a: 'b' } }))).toEqual(
        kinesisFailure(
          'AccessDeniedException',
          `User: arn:aws:iam::123456789012:root is not authorized to access resource: ${foreign} ` +
            'because no resource-based policy allows the access.',
        ),
      );
      const elsewhere = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders';
      expect(await failureOf(tagResource(kds.ctx(), { ResourceARN: elsewhere, Tags: { a: 'b' } }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'),
      );
    });
  });
});
