import { formatArn, parseArn } from './arn';

describe('arn', () => {
  it('formats with the aws partition by default', () => {
    expect(formatArn({ service: 'kinesis', region: 'eu-west-1', account: '123456789012', resource: 'stream/s' })).toBe(
      'arn:aws:kinesis:eu-west-1:123456789012:stream/s',
    );
    expect(formatArn({ partition: 'aws-cn', service: 'firehose', region: 'cn-north-1', account: '1', resource: 'deliverystream/d' })).toBe(
      'arn:aws-cn:firehose:cn-north-1:1:deliverystream/d',
    );
  });

  it('parses a resource that itself contains colons', () => {
    expect(parseArn('arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1700000000')).toEqual({
      partition: 'aws',
      service: 'kinesis',
      region: 'us-east-1',
      account: '123456789012',
      resource: 'stream/s/consumer/c:1700000000',
    });
  });

  it('accepts empty region and account, as global resources have', () => {
    expect(parseArn('arn:aws:s3:::bucket')).toEqual({ partition: 'aws', service: 's3', region: '', account: '', resource: 'bucket' });
  });

  it.each(['', 'stream/s', 'arn:aws:kinesis:us-east-1:123', 'arx:aws:kinesis:r:a:res', 'arn::kinesis:r:a:res', 'arn:aws:kinesis:r:a:'])(
    'rejects %j',
    (text) => expect(parseArn(text)).toBeUndefined(),
  );

  it('round-trips', () => {
    const parts = { partition: 'aws', service: 'kinesis', region: 'us-east-1', account: '000000000000', resource: 'stream/a:b' };
    expect(parseArn(formatArn(parts))).toEqual(parts);
  });
});
