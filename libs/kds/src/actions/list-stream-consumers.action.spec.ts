import { NEXT_TOKEN_TTL_MS } from '../next-token';
import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deleteStream } from './delete-stream.action';
import { listStreamConsumers } from './list-stream-consumers.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('ListStreamConsumers', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  const register = async (...names: string[]) => {
    for (const name of names) await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: name });
  };
  const names = (output: Awaited<ReturnType<typeof listStreamConsumers>>) => (output.Consumers ?? []).map((c) => c.ConsumerName);

  describe('functionality', () => {
    it('lists the consumers by name', async () => {
      await register('b');
      kds.advance(1_000);
      await register('a');
      expect(await listStreamConsumers(kds.ctx(), { StreamARN: streamArn })).toEqual({
        Consumers: [
          {
            ConsumerName: 'a',
            ConsumerARN: `${streamArn}/consumer/a:${Math.floor(kds.nowMs / 1000)}`,
            ConsumerStatus: 'ACTIVE',
            ConsumerCreationTimestamp: new Date(kds.nowMs),
          },
          expect.objectContaining({ ConsumerName: 'b', ConsumerCreationTimestamp: new Date(kds.nowMs - 1_000) }),
        ],
      });
    });

    it('pages with MaxResults and NextToken', async () => {
      await register('a', 'b', 'c');
      const first = await listStreamConsumers(kds.ctx(), { StreamARN: streamArn, MaxResults: 2 });
      expect(names(first)).toEqual(['a', 'b']);
      const rest = await listStreamConsumers(kds.ctx(), { StreamARN: streamArn, NextToken: first.NextToken });
      expect([names(rest), rest.NextToken]).toEqual([['c'], undefined]);
    });

    it('refuses a NextToken after 300 seconds, or for another incarnation of the stream', async () => {
      await register('a', 'b');
      const first = await listStreamConsumers(kds.ctx(), { StreamARN: streamArn, MaxResults: 1 });
      await deleteStream(kds.ctx(), { StreamName: 'orders', EnforceConsumerDeletion: true });
      await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
      expect(await failureOf(listStreamConsumers(kds.ctx(), { StreamARN: streamArn, NextToken: first.NextToken }))).toEqual(
        kinesisFailure('InvalidArgumentException', 'Invalid NextToken.'),
      );
      await register('a', 'b');
      const again = await listStreamConsumers(kds.ctx(), { StreamARN: streamArn, MaxResults: 1 });
      kds.advance(NEXT_TOKEN_TTL_MS + 1);
      expect(await failureOf(listStreamConsumers(kds.ctx(), { StreamARN: streamArn, NextToken: again.NextToken }))).toEqual(
        kinesisFailure('ExpiredNextTokenException', 'The NextToken has expired.'),
      );
    });

    it('picks the incarnation with StreamCreationTimestamp, which cannot come with a NextToken', async () => {
      await register('a');
      const created = new Date(kds.nowMs);
      expect(names(await listStreamConsumers(kds.ctx(), { StreamARN: streamArn, StreamCreationTimestamp: created }))).toEqual(['a']);
      expect(
        await failureOf(
          listStreamConsumers(kds.ctx(), { StreamARN: streamArn, StreamCreationTimestamp: new Date(kds.nowMs - 5_000) }),
        ),
      ).toEqual(kinesisFailure('ResourceNotFoundException', 'Stream orders under account 123456789012 not found.'));
      expect(
        await failureOf(
          listStreamConsumers(kds.ctx(), { StreamARN: streamArn, StreamCreationTimestamp: created, NextToken: 'x' }),
        ),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'NextToken and StreamCreationTimestamp cannot be provided together.'));
    });
  });
});
