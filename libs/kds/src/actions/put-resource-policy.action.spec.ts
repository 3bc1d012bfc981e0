import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { deleteStream } from './delete-stream.action';
import { deregisterStreamConsumer } from './deregister-stream-consumer.action';
import { getResourcePolicy } from './get-resource-policy.action';
import { putResourcePolicy } from './put-resource-policy.action';
import { registerStreamConsumer } from './register-stream-consumer.action';

describe('PutResourcePolicy', () => {
  const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/orders';
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: '210987654321' }, Action: 'kinesis:GetRecords', Resource: streamArn }],
  });
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  const policyOf = async (arn: string) => (await getResourcePolicy(kds.ctx(), { ResourceARN: arn })).Policy;

  describe('functionality', () => {
    it('attaches the policy text to a stream, and replaces it', async () => {
      await putResourcePolicy(kds.ctx(), { ResourceARN: streamArn, Policy: policy });
      expect(await policyOf(streamArn)).toBe(policy);
      const single = '{"Statement":{"Effect":"Deny","Principal":"*","Action":"kinesis:*"}}';
      await putResourcePolicy(kds.ctx(), { ResourceARN: streamArn, Policy: single });
      expect(await policyOf(streamArn)).toBe(single);
    });

    it('attaches a policy to a consumer, which goes away with the consumer', async () => {
      const { Consumer } = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      await putResourcePolicy(kds.ctx(), { ResourceARN: Consumer.ConsumerARN, Policy: policy });
      expect(await policyOf(Consumer.ConsumerARN)).toBe(policy);
      expect(await policyOf(streamArn)).toBe('{}');
      await deregisterStreamConsumer(kds.ctx(), { ConsumerARN: Consumer.ConsumerARN });
      kds.advance(1_000);
      const again = await registerStreamConsumer(kds.ctx(), { StreamARN: streamArn, ConsumerName: 'reader' });
      expect(await policyOf(again.Consumer.ConsumerARN)).toBe('{}');
    });

    it('does not carry a policy over to a stream created again under the same name', async () => {
      await putResourcePolicy(kds.ctx(), { ResourceARN: streamArn, Policy: policy });
      await deleteStream(kds.ctx(), { StreamName: 'orders' });
      await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
      expect(await policyOf(streamArn)).toBe('{}');
    });

    it.each([
      ['text that is not JSON', '{"Statement":', 'it is not valid JSON'],
      ['JSON that is not an object', '["Allow"]', 'it is not a JSON object'],
      ['a document without statements', '{"Version":"2012-10-17","Statement":[]}', 'it has no Statement'],
      ['a statement without a valid Effect', '{"Statement":[{"Effect":"Maybe"}]}', 'every statement needs an Effect of Allow or Deny'],
    ])('refuses %s', async (_, text, reason) => {
      expect(await failureOf(putResourcePolicy(kds.ctx(), { ResourceARN: streamArn, Policy: text }))).toEqual(
        kinesisFailure('InvalidArgumentException', `The resource policy is not a valid policy document: ${reason}.`),
      );
      expect(await policyOf(streamArn)).toBe('{}');
    });
  });
});
