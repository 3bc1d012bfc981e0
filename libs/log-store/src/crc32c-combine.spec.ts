import { randomBytes } from 'node:crypto';
import { crc32c } from './crc32c';
import { combineCrc32c } from './crc32c-combine';

describe('combineCrc32c', () => {
  it('gives the CRC of two ranges back to back from their own CRCs', () => {
    for (const [a, b] of [[0, 0], [0, 5], [7, 0], [1, 1], [8, 1027], [300, 70_000], [13, 255], [2, 256]]) {
      const bytes = randomBytes(a + b);
      expect(combineCrc32c(crc32c(bytes, 0, a), crc32c(bytes, a, a + b), b)).toBe(crc32c(bytes));
    }
  });

  it('agrees with CRCs continued over many random splits', () => {
    const bytes = randomBytes(20_000);
    for (let i = 0; i < 200; i++) {
      const split = Math.floor(Math.random() * bytes.length);
      expect(combineCrc32c(crc32c(bytes, 0, split), crc32c(bytes, split), bytes.length - split)).toBe(crc32c(bytes));
    }
  });
});
