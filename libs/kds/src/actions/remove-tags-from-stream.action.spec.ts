import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { listTagsForStream } from './list-tags-for-stream.action';
import { removeTagsFromStream } from './remove-tags-from-stream.action';

describe('RemoveTagsFromStream', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { a: '1', b: '2', c: '3' } });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('removes the named tags and ignores keys the stream does not have', async () => {
      await removeTagsFromStream(kds.ctx(), { StreamName: 'orders', TagKeys: ['a', 'c', 'absent'] });
      expect((await listTagsForStream(kds.ctx(), { StreamName: 'orders' })).Tags).toEqual([{ Key: 'b', Value: '2' }]);
    });

    it('accepts keys with the reserved aws: prefix, which no stream has', async () => {
      await removeTagsFromStream(kds.ctx(), { StreamName: 'orders', TagKeys: ['aws:x', 'AWS:y', 'b'] });
      expect((await listTagsForStream(kds.ctx(), { StreamName: 'orders' })).Tags).toEqual([
        { Key: 'a', Value: '1' },
        { Key: 'c', Value: '3' },
      ]);
    });

    it('refuses keys with characters AWS refuses', async () => {
      expect(await failureOf(removeTagsFromStream(kds.ctx(), { StreamName: 'orders', TagKeys: ['a%'] }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Failed to remove tags from stream orders under account 123456789012 because some tags contained illegal ' +
            "characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.",
        ),
      );
    });

    it('reports an unknown stream', async () => {
      expect(await failureOf(removeTagsFromStream(kds.ctx(), { StreamName: 'invoices', TagKeys: ['a'] }))).toEqual(
        kinesisFailure('ResourceNotFoundException', 'Stream invoices under account 123456789012 not found.'),
      );
    });
  });
});
