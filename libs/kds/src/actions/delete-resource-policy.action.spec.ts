import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deleteResourcePolicy } from './delete-resource-policy.action';
import { getResourcePolicy } from './get-resource-policy.action';
import { putResourcePolicy } from './put-resource-policy.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('DeleteResourcePolicy', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  const policy = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kinesis:GetRecords"}]}';
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  const policyOf = async (arn: string) => (await getResourcePolicy(kds.ctx(), { ResourceARN: arn })).Policy;

  describe('functionality', () => {
    it('removes the policy of the resource named, and only of it', async () => {
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      await putResourcePolicy(kds.ctx(), { ResourceARN: streamArn, Policy: policy });
      await putResourcePolicy(kds.ctx(), { ResourceARN: Consumer.ConsumerARN, Policy: policy });
      await deleteResourcePolicy(kds.ctx(), { ResourceARN: Consumer.ConsumerARN });
      expect(await policyOf(Consumer.ConsumerARN)).toBe('{}');
      expect(await policyOf(streamArn)).toBe(policy);
      await deleteResourcePolicy(kds.ctx(), { ResourceARN: streamArn });
      expect(await policyOf(streamArn)).toBe('{}');
    });

    it('leaves a resource without a policy as it is', async () => {
      await deleteResourcePolicy(kds.ctx(), { ResourceARN: streamArn });
      expect(await policyOf(streamArn)).toBe('{}');
    });
  });
});
