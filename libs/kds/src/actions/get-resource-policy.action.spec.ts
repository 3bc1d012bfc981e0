import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { getResourcePolicy } from './get-resource-policy.action';

describe('GetResourcePolicy', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  describe('functionality', () => {
    it('answers an empty policy document for a resource without a policy', async () => {
      const ResourceARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
      expect(await getResourcePolicy(kds.ctx(), { ResourceARN })).toEqual({ Policy: '{}' });
    });

    it('reports a consumer that does not exist', async () => {
      const ResourceARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/reader:1700000000';
      expect(await failureOf(getResourcePolicy(kds.ctx(), { ResourceARN }))).toEqual(
        kinesisFailure('ResourceNotFoundException', `Consumer ${ResourceARN}, account 123456789012 not found.`),
      );
    });
  });
});
