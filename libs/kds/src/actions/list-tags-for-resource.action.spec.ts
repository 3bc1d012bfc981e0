import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listTagsForResource } from './list-tags-for-resource.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('ListTagsForResource', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { z: '26', a: '1' } });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('lists the tags of a stream by key, and none for an untagged consumer', async () => {
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      expect(await listTagsForResource(kds.ctx(), { ResourceARN: streamArn })).toEqual({
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'z', Value: '26' },
        ],
      });
      expect(await listTagsForResource(kds.ctx(), { ResourceARN: Consumer.ConsumerARN })).toEqual({ Tags: [] });
    });

    it('reports a stream that does not exist', async () => {
      const arn = 'arn:aws:kinesis:us-east-1:123456789012:stream/invoices';
      expect(await failureOf(listTagsForResource(kds.ctx(), { ResourceARN: arn }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      );
    });
  });
});
