import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { startStreamEncryption } from './start-stream-encryption.action';

describe('StartStreamEncryption', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
  });
  afterEach(() => kds.close());

  const summary = async () => (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary;

  describe('functionality', () => {
    it('records the KMS key and reports it', async () => {
      const keyId = 'arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012';
      await startStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'KMS', KeyId: keyId });
      expect(await summary()).toMatchObject({ EncryptionType: 'KMS', KeyId: keyId, StreamStatus: 'ACTIVE' });
    });

    it('leaves the stream UPDATING for updateStreamDelayMs', async () => {
      kds.settings.updateStreamDelayMs = 50;
      await startStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      expect((await summary()).StreamStatus).toBe('UPDATING');
      kds.advance(50);
      expect((await summary()).StreamStatus).toBe('ACTIVE');
    });

    it('refuses an EncryptionType other than KMS', async () => {
      expect(
        await failureOf(startStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'NONE', KeyId: 'k' })),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'KMS is the only valid EncryptionType for StartStreamEncryption.'));
      expect(await summary()).not.toHaveProperty('KeyId');
    });
  });
});
