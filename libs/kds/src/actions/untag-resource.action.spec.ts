import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listTagsForResource } from './list-tags-for-resource.action';
import { registerStreamConsumer } from './register-stream-consumer.action';
import { untagResource } from './untag-resource.action';

describe('UntagResource', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  let kds: TestKds;
  let consumerArn: string;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { a: '1', b: '2' } });
    const registered = await registerStreamConsumer(kds.ctx(), {
      StreamARN: streamArn,
      ConsumerName: 'reader',
      Tags: { a: 'c1', b: 'c2' },
    });
    consumerArn = registered.Consumer.ConsumerARN;
  });
  afterEach(() => kds.close());

  const tagsOf = async (arn: string) => (await listTagsForResource(kds.ctx(), { ResourceARN: arn })).Tags;

  describe('functionality', () => {
    it('removes tags from the resource named, and only from it', async () => {
      await untagResource(kds.ctx(), { ResourceARN: consumerArn, TagKeys: ['a', 'absent'] });
      expect(await tagsOf(consumerArn)).toEqual([{ Key: 'b', Value: 'c2' }]);
      expect(await tagsOf(streamArn)).toEqual([
        { Key: 'a', Value: '1' },
        { Key: 'b', Value: '2' },
      ]);
      await untagResource(kds.ctx(), { ResourceARN: streamArn, TagKeys: ['b'] });
      expect(await tagsOf(streamArn)).toEqual([{ Key: 'a', Value: '1' }]);
    });

    it('accepts keys with the reserved aws: prefix, which no resource has', async () => {
      await untagResource(kds.ctx(), { ResourceARN: consumerArn, TagKeys: ['aws:x', 'AWS:y'] });
      await untagResource(kds.ctx(), { ResourceARN: streamArn, TagKeys: ['aws:x', 'a'] });
      expect(await tagsOf(consumerArn)).toEqual([
        { Key: 'a', Value: 'c1' },
        { Key: 'b', Value: 'c2' },
      ]);
      expect(await tagsOf(streamArn)).toEqual([{ Key: 'b', Value: '2' }]);
    });
  });
});
