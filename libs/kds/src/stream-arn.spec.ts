import { formatConsumerArn, formatStreamArn, parseConsumerArn, parseStreamArn } from './stream-arn';

describe('stream-arn', () => {
  const streamArn = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders.v2';

  it('formats a stream ARN from region, account and name', () => {
    expect(formatStreamArn({ region: 'eu-west-1', account: '123456789012', name: 'orders.v2' })).toBe(streamArn);
  });

  it('formats a consumer ARN with the creation time in whole seconds', () => {
    expect(formatConsumerArn(streamArn, 'reader_1', 1_700_000_000_999)).toBe(
      `${streamArn}/consumer/reader_1:1700000000`,
    );
  });

  it('parses both kinds back into their parts', () => {
    expect(parseStreamArn(streamArn)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      name: 'orders.v2',
    });
    expect(parseConsumerArn(`${streamArn}/consumer/reader_1:1700000000`)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      name: 'orders.v2',
      consumerName: 'reader_1',
      creationEpochSeconds: 1_700_000_000,
    });
  });

  it('accepts the other AWS partitions', () => {
    expect(parseStreamArn('arn:aws-us-gov:kinesis:us-gov-west-1:123456789012:stream/s')?.partition).toBe('aws-us-gov');
  });

  it.each([
    ['a consumer ARN', `${streamArn}/consumer/reader:1`],
    ['another service', 'arn:aws:sqs:eu-west-1:123456789012:stream/orders'],
    ['an eleven-digit account', 'arn:aws:kinesis:eu-west-1:12345678901:stream/orders'],
    ['no stream name', 'arn:aws:kinesis:eu-west-1:123456789012:stream/'],
    ['a name with a slash', 'arn:aws:kinesis:eu-west-1:123456789012:stream/a/b'],
    ['leading text', 'x-arn:aws:kinesis:eu-west-1:123456789012:stream/orders'],
    ['no region', 'arn:aws:kinesis::123456789012:stream/orders'],
  ])('rejects %s as a stream ARN', (_, arn) => {
    expect(parseStreamArn(arn)).toBeUndefined();
  });

  it.each([
    ['a stream ARN', streamArn],
    ['a missing creation time', `${streamArn}/consumer/reader`],
    ['a non-numeric creation time', `${streamArn}/consumer/reader:abc`],
    ['an empty consumer name', `${streamArn}/consumer/:1`],
  ])('rejects %s as a consumer ARN', (_, arn) => {
    expect(parseConsumerArn(arn)).toBeUndefined();
  });
});
