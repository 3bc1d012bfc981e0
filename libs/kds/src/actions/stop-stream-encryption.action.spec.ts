import { failureOf, kinesisFailure } from '../testing/kinesis-failure';
import { openTestKds, type TestKds } from '../testing/test-kds';
import { createStream } from './create-stream.action';
import { describeStreamSummary } from './describe-stream-summary.action';
import { startStreamEncryption } from './start-stream-encryption.action';
import { stopStreamEncryption } from './stop-stream-encryption.action';

describe('StopStreamEncryption', () => {
  let kds: TestKds;
  beforeEach(async () => {
    kds = await openTestKds();
    await createStream(kds.ctx(), { StreamName: 'orders', ShardCount: 1 });
    await startStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
  });
  afterEach(() => kds.close());

  const summary = async () => (await describeStreamSummary(kds.ctx(), { StreamName: 'orders' })).StreamDescriptionSummary;

  describe('functionality', () => {
    it('turns encryption off', async () => {
      await stopStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      const stopped = await summary();
      expect(stopped.EncryptionType).toBe('NONE');
      expect(stopped).not.toHaveProperty('KeyId');
    });

    it('refuses an EncryptionType other than KMS', async () => {
      expect(
        await failureOf(stopStreamEncryption(kds.ctx(), { StreamName: 'orders', EncryptionType: 'NONE', KeyId: 'k' })),
      ).toEqual(kinesisFailure('InvalidArgumentException', 'KMS is the only valid EncryptionType for StopStreamEncryption.'));
      expect((await summary()).EncryptionType).toBe('KMS');
    });
  });
});
