import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signToken, TokenKind, verifyToken } from './signed-token';

describe('signed tokens', () => {
  const secret = Buffer.from('secret-one');
  const payload = Buffer.from('payload bytes');

  it('give back the payload they were signed with', () => {
    const token = signToken(secret, TokenKind.ShardIterator, payload);
    expect(verifyToken(secret, TokenKind.ShardIterator, token)).toEqual(payload);
  });

  it('refuse another secret, another kind, any changed byte, and garbage', () => {
    const token = signToken(secret, TokenKind.ShardIterator, payload);
    expect(verifyToken(Buffer.from('secret-two'), TokenKind.ShardIterator, token)).toBeUndefined();
    expect(verifyToken(secret, TokenKind.ListShardsNextToken, token)).toBeUndefined();
    const bytes = Buffer.from(token, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] ^= 0x01;
      expect(verifyToken(secret, TokenKind.ShardIterator, tampered.toString('base64'))).toBeUndefined();
    }
    for (const garbage of ['', 'AAAA', 'not base64 at all!', token.slice(0, -8)]) {
      expect(verifyToken(secret, TokenKind.ShardIterator, garbage)).toBeUndefined();
    }
  });

  it('verify the same way whether or not this process remembers signing them', () => {
    const token = signToken(secret, TokenKind.ShardIterator, payload);
    // Another gateway holding the same secret never signed it.
    expect(verifyToken(Buffer.from('secret-one'), TokenKind.ShardIterator, token)).toEqual(payload);
    // Long after: thousands of tokens signed since, the first one is checked by its MAC again.
    for (let i = 0; i < 10_000; i++) signToken(secret, TokenKind.ListShardsNextToken, Buffer.from(`other ${i}`));
    expect(verifyToken(secret, TokenKind.ShardIterator, token)).toEqual(payload);
    expect(verifyToken(secret, TokenKind.ListShardsNextToken, token)).toBeUndefined();
  });

  it('are remembered without keeping the memory around their bytes alive', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const churn: Buffer[] = [];
    gc();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 8192; i++) {
      signToken(secret, TokenKind.ShardIterator, Buffer.from(`position ${i}`));
      // Other small buffers in between, as a server makes: each takes half an allocation pool.
      churn.push(Buffer.allocUnsafe(4000));
      if (churn.length > 16) churn.shift();
    }
    gc();
    // A remembered slice of a pool would keep ~4,000 pools (32 MiB) alive.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });
});
