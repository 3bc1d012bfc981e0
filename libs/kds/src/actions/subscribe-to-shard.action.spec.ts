import type { StartingPosition } from '../model/kinesis-shapes';
import { aStream } from '../testing/data-plane-fixtures';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { subscribeToShard } from './subscribe-to-shard.action';

describe('SubscribeToShard', () => {
  let kds: TestKds;
  let consumerArn: string;
  beforeEach(async () => {
    kds = await openTestKds({ consumerDelayMs: 1000 });
    const meta = await aStream(kds);
    consumerArn = (await registerStreamConsumer(kds.ctx(), { StreamARN: meta.arn, ConsumerName: 'app' })).Consumer.ConsumerARN;
  });
  afterEach(() => kds.close());

  const subscribe = (StartingPosition: StartingPosition = { Type: 'LATEST' }, ShardId = 'shardId-000000000000', ConsumerARN = consumerArn) =>
    subscribeToShard(kds.ctx(), { ConsumerARN, ShardId, StartingPosition });

  describe('functionality', () => {
    it('refuses a consumer that is not ACTIVE yet', async () => {
      expect(await failureOf(subscribe())).toEqual(
        kinesisFailure('ResourceInUseException', `Consumer ${consumerArn} under account 123456789012 is not ACTIVE, instead in state CREATING.`),
      );
    });

    it('checks the shard and the starting position as GetShardIterator does', async () => {
      kds.advance(1000);
      expect(await failureOf(subscribe({ Type: 'LATEST' }, 'shardId-000000000003'))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Shard shardId-000000000003 in stream orders under account 123456789012 does not exist'),
      );
      expect(await failureOf(subscribe({ Type: 'AT_SEQUENCE_NUMBER', SequenceNumber: '42' }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'StartingSequenceNumber 42 used in SubscribeToShard on shard shardId-000000000000 in stream orders under account 123456789012 is invalid.',
        ),
      );
    });

    it('refuses a consumer ARN no registration has', async () => {
      kds.advance(1000);
      const unknown = consumerArn.replace('/consumer/app:', '/consumer/other:');
      expect(await failureOf(subscribe({ Type: 'LATEST' }, 'shardId-000000000000', unknown))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${unknown}, account 123456789012 not found.`),
      );
    });

    it('says that it is not supported yet once the request is valid', async () => {
      kds.advance(1000);
      expect(await failureOf(subscribe({ Type: 'TRIM_HORIZON' }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'SubscribeToShard is not supported by this server yet; read the shard with GetShardIterator and GetRecords instead.',
        ),
      );
    });
  });
});
