import { decodeNextToken, encodeNextToken, NEXT_TOKEN_TTL_MS } from './next-token';
import { failureOf, kinesisFailure } from './testing/kinesis-failure';

describe('next-token', () => {
  it('gives back where the next page starts', () => {
    const token = encodeNextToken('streams', 'orders', 1_000);
    expect(decodeNextToken(token, 'streams', 1_000 + NEXT_TOKEN_TTL_MS)).toBe('orders');
  });

  it('expires 300 seconds after it was issued', async () => {
    const token = encodeNextToken('streams', 'orders', 1_000);
    expect(await failureOf(() => decodeNextToken(token, 'streams', 1_001 + NEXT_TOKEN_TTL_MS))).toEqual(
      kinesisFailure('ExpiredNextTokenException', 'The NextToken has expired.'),
    );
  });

  it.each([
    ['a token of another listing', encodeNextToken('consumers:a', 'x', 0)],
    ['something that is not base64 JSON', 'not-a-token'],
    ['JSON of the wrong shape', Buffer.from('{"scope":"streams"}').toString('base64url')],
  ])('refuses %s', async (_, token) => {
    expect(await failureOf(() => decodeNextToken(token, 'streams', 0))).toEqual(
      kinesisFailure('InvalidArgumentException', 'Invalid NextToken.'),
    );
  });
});
