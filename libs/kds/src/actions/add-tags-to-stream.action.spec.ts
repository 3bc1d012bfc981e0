import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { addTagsToStream } from './add-tags-to-stream.action';
import { createStream } from './create-stream.action';
import { listTagsForStream } from './list-tags-for-stream.action';

describe('AddTagsToStream', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1, Tags: { team: 'payments' } });
  });
  afterEach(() => kds.close());

  const tags = async () => (await listTagsForStream(kds.ctx(), { StreamName: 'orders' })).Tags;

  describe('functionality', () => {
    it('adds tags and overwrites those with the same key', async () => {
      await addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { team: 'billing', 'env name': 'prod / eu', empty: '' } });
      expect(await tags()).toEqual([
        { Key: 'empty', Value: '' },
        { Key: 'env name', Value: 'prod / eu' },
        { Key: 'team', Value: 'billing' },
      ]);
    });

    it('finds the stream by ARN', async () => {
      await addTagsToStream(kds.ctx(), { StreamARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders', Tags: { a: 'b' } });
      expect(await tags()).toContainEqual({ Key: 'a', Value: 'b' });
    });

    it('accepts Unicode letters and digits and the symbols AWS allows', async () => {
      await addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { 'Équipe_1.2:a/b=c+d-e@f': 'Zürich 東京' } });
      expect(await tags()).toContainEqual({ Key: 'Équipe_1.2:a/b=c+d-e@f', Value: 'Zürich 東京' });
    });

    it.each([
      ['a key', { 'a#b': 'x' }],
      ['a value', { a: 'x!' }],
    ])('refuses invalid characters in %s', async (_, added) => {
      expect(await failureOf(addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: added }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.',
        ),
      );
    });

    it('refuses % with its own message', async () => {
      expect(await failureOf(addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { a: '100%' } }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Failed to add tags to stream orders under account 123456789012 because some tags contained illegal ' +
            "characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.",
        ),
      );
    });

    it('refuses tag keys beginning with the reserved aws: prefix, in any case, and adds none of the tags', async () => {
      expect(
        await failureOf(addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { env: 'prod', 'AWS:owner': 'me' } })),
      ).toEqual(kinesisFailure('InvalidArgumentException', "Tag key 'AWS:owner' is invalid: keys beginning with 'aws:' are reserved for AWS use."));
      expect(await tags()).toEqual([{ Key: 'team', Value: 'payments' }]);
    });

    it('holds at most 50 tags, counting those the stream has', async () => {
      const fortyNine = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v']));
      await addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: fortyNine });
      await addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { team: 'overwritten' } });
      expect(await failureOf(addTagsToStream(kds.ctx(), { StreamName: 'orders', Tags: { one: 'too many' } }))).toEqual(
        kinesisFailure(
          'InvalidArgumentException',
          'Failed to add tags to stream orders under account 123456789012 because a given stream cannot have more ' +
            'than 50 tags associated with it.',
        ),
      );
      expect(await tags()).toHaveLength(50);
    });

    it('waits for a CREATING stream to become ACTIVE', async () => {
      kds.settings.createStreamDelayMs = 100;
      await createStream(kds.ctx(), { StreamName: 'invoices', ShardCount: 1 });
      expect(await failureOf(addTagsToStream(kds.ctx(), { StreamName: 'invoices', Tags: { a: 'b' } }))).toEqual(
        kinesisFailure('ResourceInUseException', 'Stream invoices under account 123456789012 not ACTIVE, instead in state CREATING'),
      );
    });
  });
});
