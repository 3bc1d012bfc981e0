import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listTagsForStream } from './list-tags-for-stream.action';

describe('ListTagsForStream', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { c: '3', a: '1', d: '4', b: '2' } });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('lists every tag by key', async () => {
      expect(await listTagsForStream(kds.ctx(), { StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders' })).toEqual({
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: 'b', Value: '2' },
          { Key: 'c', Value: '3' },
          { Key: 'd', Value: '4' },
        ],
        HasMoreTags: false,
      });
    });

    it('pages with Limit and ExclusiveStartTagKey', async () => {
      const first = await listTagsForStream(kds.ctx(), { StreamName: 'orders', Limit: 2 });
      expect(first).toEqual({ Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }], HasMoreTags: true });
      const rest = await listTagsForStream(kds.ctx(), { StreamName: 'orders', Limit: 2, ExclusiveStartTagKey: 'b' });
      expect(rest).toEqual({ Tags: [{ Key: 'c', Value: '3' }, { Key: 'd', Value: '4' }], HasMoreTags: false });
    });

    it('lists an untagged stream as having no tags', async () => {
      await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
      expect(await listTagsForStream(kds.ctx(), { StreamName: 'invoices' })).toEqual({ Tags: [], HasMoreTags: false });
    });
  });
});
